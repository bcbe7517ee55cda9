// Entry point: registers each capability; nothing else lives here.
#include "addon_data.h"
#include "module_wrap.h"
#include "ops.h"
#include "optim.h"
#include "script_module.h"
#include "tensor.h"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new tvgg::AddonData(env));
  // Debian's libtorch starts with one intra-op thread; use every core, as pip's PyTorch does.
  at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  exports.Set("NativeTensor", tvgg::TensorWrap::Define(env));
  tvgg::RegisterOps(env, exports);
  tvgg::RegisterModules(env, exports);
  tvgg::RegisterScriptModules(env, exports);
  tvgg::RegisterOptim(env, exports);
  return exports;
}
}  // namespace

NODE_API_MODULE(torchvgg, Init)
