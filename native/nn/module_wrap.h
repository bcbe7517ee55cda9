// ModuleWrap: the JS handle of a C++ Module (lib/nn/module.ts holds one per module). Each method says
// [sync] or [async] and what it throws; every throw becomes a JS error through core/errors.h.
#pragma once
#include "nn/module.h"

namespace tvgg {

class ModuleWrap : public Napi::ObjectWrap<ModuleWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  static Napi::Object Wrap(Napi::Env env, Module::Ptr m);
  // TypeError when `v` is not a NativeModule.
  static Module::Ptr ModuleOf(Napi::Value v, const char* what = "module");

  explicit ModuleWrap(const Napi::CallbackInfo& info);

 private:
  TVGG_METHOD(TypeName);  // [sync] the class name PyTorch prints
  TVGG_METHOD(DefinedInJs);  // [sync] whether the module is a TS subclass's node
  TVGG_METHOD(Id);  // [sync] stable identity of the C++ module
  TVGG_METHOD(ExtraRepr);  // [sync] PyTorch's extra_repr()
  TVGG_METHOD(Config);  // [sync] constructor arguments under their JS names
  TVGG_METHOD(NamedChildren);  // [sync] [[key, NativeModule]]
  TVGG_METHOD(OwnParameters);  // [sync] [[name, NativeTensor]]
  TVGG_METHOD(OwnBuffers);  // [sync] [[name, NativeTensor]]
  TVGG_METHOD(Training);  // [sync]
  TVGG_METHOD(Train);  // [sync] recursive; BusyError while async work uses the tree
  TVGG_METHOD(Forward);  // [sync] with hooks; RangeError/TypeError for bad input, BusyError (see busy.h)
  TVGG_METHOD(ForwardRaw);  // [sync] without this module's hooks (the hook dispatcher's call)
  TVGG_METHOD(ForwardAsync);  // [async] on the executor thread; rejects like Forward throws
  TVGG_METHOD(SetChild);  // [sync] add_module; RangeError for a cycle, BusyError
  TVGG_METHOD(RemoveChild);  // [sync] -> whether it was there; BusyError
  TVGG_METHOD(EraseChildAt);  // [sync] RangeError out of range, BusyError
  TVGG_METHOD(InsertChildAt);  // [sync] RangeError out of range or cycle, BusyError
  TVGG_METHOD(ReplaceChildAt);  // [sync] RangeError out of range or cycle, BusyError
  TVGG_METHOD(SetParameter);  // [sync] register_parameter(name, tensor | null); BusyError
  TVGG_METHOD(SetBuffer);  // [sync] register_buffer(name, tensor | null); BusyError
  TVGG_METHOD(RequiresGrad);  // [sync] requires_grad_(flag) on every parameter below; BusyError
  TVGG_METHOD(EnsureIdle);  // [sync] BusyError naming the action when async work uses the tree
  TVGG_METHOD(To);  // [sync] to(dtype, device, memoryFormat) in place; TypeError, BusyError
  TVGG_METHOD(SetHooked);  // [sync] route calls through the JS dispatcher (hooks set) or not
  TVGG_METHOD(Deepcopy);  // [sync] copy.deepcopy: TypeError for JS-defined modules

  Module::Ptr m_;
};

void RegisterModules(Napi::Env env, Napi::Object exports);

}  // namespace tvgg
