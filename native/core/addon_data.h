// Per-environment state of the addon (one per Node main thread or worker).
#pragma once
#include "core/executor.h"
#include "tensor/tensor_table.h"

namespace tvgg {

struct JsBridge;

struct AddonData {
  explicit AddonData(Napi::Env env);
  ~AddonData();
  // Shared so that memory released after the environment is gone (a tensor viewing a JS buffer, freed
  // late at exit) can tell, through a weak_ptr, that there is no main thread left to hand it to.
  std::shared_ptr<Executor> executor_ptr;
  Executor& executor;
  TensorTable tensors;  // every tensor JS holds (tensor/tensor_table.h)
  Napi::FunctionReference tensor_class;  // lib/native_tensor.ts's NativeTensor, set by setTensorClass
  Napi::FunctionReference module_class;
  Napi::FunctionReference script_module_class;
  Napi::FunctionReference optimizer_class;
  // The JS function hooked and JS-defined modules are called through (lib/nn/hooks.ts), and how deep
  // the main thread is inside such calls made for the executor thread (nn/js_module.cc).
  Napi::FunctionReference module_dispatcher;
  std::shared_ptr<JsBridge> bridge;  // set by RegisterJsModules
  int bridge_depth = 0;
};

inline AddonData& Data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace tvgg
