// Per-environment state of the addon (one per Node main thread or worker).
#pragma once
#include "executor.h"

namespace tvgg {

struct AddonData {
  explicit AddonData(Napi::Env env) : executor(env) {}
  Executor executor;
  Napi::FunctionReference tensor_class;
  Napi::FunctionReference module_class;
  Napi::FunctionReference script_module_class;
  Napi::FunctionReference optimizer_class;
};

inline AddonData& Data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace tvgg
