// Per-environment addon state: creating it, and stopping its executor first when it goes.
#include "core/addon_data.h"

namespace tvgg {

AddonData::AddonData(Napi::Env env) : executor_ptr(std::make_shared<Executor>(env)), executor(*executor_ptr) {}

// The executor stops first: a job still running may be waiting on the bridge for the main thread.
AddonData::~AddonData() { executor_ptr.reset(); }

}  // namespace tvgg
