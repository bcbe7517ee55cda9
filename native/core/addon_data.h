// Per-environment state of the addon (one per Node main thread or worker).
#pragma once
#include "core/executor.h"

namespace tvgg {

struct AddonData {
  explicit AddonData(Napi::Env env) : executor_ptr(std::make_shared<Executor>(env)), executor(*executor_ptr) {}
  // Shared so that memory released after the environment is gone (a tensor viewing a JS buffer, freed
  // late at exit) can tell, through a weak_ptr, that there is no main thread left to hand it to.
  std::shared_ptr<Executor> executor_ptr;
  Executor& executor;
  Napi::FunctionReference tensor_class;
  Napi::FunctionReference module_class;
  Napi::FunctionReference script_module_class;
  Napi::FunctionReference optimizer_class;
};

inline AddonData& Data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace tvgg
