// ModuleWrap: the JS handle of a C++ Module, plus the functions that create layers and VGGs.
#pragma once
#include "nn/module.h"

namespace tvgg {

class ModuleWrap : public Napi::ObjectWrap<ModuleWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  static Napi::Object Wrap(Napi::Env env, Module::Ptr m);
  static Module::Ptr ModuleOf(Napi::Value v, const char* what = "module");

  explicit ModuleWrap(const Napi::CallbackInfo& info);

 private:
  TVGG_METHOD(TypeName);
  TVGG_METHOD(Id);
  TVGG_METHOD(Repr);
  TVGG_METHOD(NamedChildren);
  TVGG_METHOD(OwnParameters);
  TVGG_METHOD(OwnBuffers);
  TVGG_METHOD(Training);
  TVGG_METHOD(Train);
  TVGG_METHOD(Forward);
  TVGG_METHOD(ForwardAsync);
  TVGG_METHOD(SetChild);
  TVGG_METHOD(EraseChildAt);
  TVGG_METHOD(InsertChildAt);
  TVGG_METHOD(ReplaceChildAt);
  TVGG_METHOD(Config);
  TVGG_METHOD(To);

  Module::Ptr m_;
};

void RegisterModules(Napi::Env env, Napi::Object exports);

}  // namespace tvgg
