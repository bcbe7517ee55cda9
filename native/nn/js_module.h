// Modules that call JS: the bridge to the JS dispatcher (forward hooks, JS-defined forwards) and
// JsModule, the native node of an nn.Module subclass written in TypeScript.
#pragma once
#include "nn/module.h"

namespace tvgg {

struct AddonData;

// [main thread] The environment's bridge: calls the JS dispatcher set by setModuleDispatcher, directly on
// the main thread or, from the executor thread, through Executor::RunOnMainThread.
std::shared_ptr<JsBridge> MakeJsBridge(Napi::Env env);

// [main thread] A native node for the JS module object `self`, printed as `type_name`. It holds `self`
// strongly while it is another module's child (a native container must be able to call it), weakly otherwise.
Module::Ptr MakeJsModule(Napi::Env env, const std::string& type_name, Napi::Object self);

void RegisterJsModules(Napi::Env env, Napi::Object exports);

}  // namespace tvgg
