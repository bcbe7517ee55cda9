// ScriptModule: a TorchScript module loaded with torch::jit::load (files from torch.jit.save).
#pragma once
#include "pch.h"
#include "core/errors.h"

namespace tvgg {

class ScriptModuleWrap : public Napi::ObjectWrap<ScriptModuleWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit ScriptModuleWrap(const Napi::CallbackInfo& info);

 private:
  TVGG_METHOD(Forward);
  TVGG_METHOD(ForwardAsync);
  TVGG_METHOD(NamedParameters);
  TVGG_METHOD(NamedBuffers);
  TVGG_METHOD(NamedChildren);
  TVGG_METHOD(Training);
  TVGG_METHOD(Train);
  TVGG_METHOD(To);

  std::shared_ptr<torch::jit::Module> m_;
};

void RegisterScriptModules(Napi::Env env, Napi::Object exports);

}  // namespace tvgg
