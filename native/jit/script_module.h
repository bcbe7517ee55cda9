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
  TVGG_METHOD(Forward);  // [sync] Error with TorchScript's message
  TVGG_METHOD(ForwardAsync);  // [async] on the executor thread; rejects like Forward throws
  TVGG_METHOD(NamedParameters);  // [sync]
  TVGG_METHOD(NamedBuffers);  // [sync]
  TVGG_METHOD(NamedChildren);  // [sync]
  TVGG_METHOD(Training);  // [sync]
  TVGG_METHOD(Train);  // [sync]
  TVGG_METHOD(To);  // [sync] TypeError for an unknown dtype/device

  std::shared_ptr<torch::jit::Module> m_;
};

void RegisterScriptModules(Napi::Env env, Napi::Object exports);

}  // namespace tvgg
