// Entry point: registers each capability; nothing else lives here.
#include "core/addon_data.h"
#include "core/build_info.h"
#include "core/memory.h"
#include "nn/js_module.h"
#include "nn/module_wrap.h"
#include "tensor/op_call.h"
#include "tensor/ops.h"
#include "optim/optim.h"
#include "jit/script_module.h"
#include "quantization/engine.h"
#include "tensor/tensor.h"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tvgg::InstallMemoryPolicy();
  env.SetInstanceData(new tvgg::AddonData(env));
  // Debian's libtorch starts with one intra-op thread; use every core, as pip's PyTorch does.
  at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  exports.Set("tensorOps", tvgg::TensorWrap::Define(env));
  tvgg::RegisterOps(env, exports);
  tvgg::RegisterOpCalls(env, exports);
  tvgg::RegisterModules(env, exports);
  tvgg::RegisterJsModules(env, exports);
  tvgg::RegisterScriptModules(env, exports);
  tvgg::RegisterOptim(env, exports);
  tvgg::RegisterBuildInfo(env, exports);
  tvgg::RegisterQuantization(env, exports);
  return exports;
}
}  // namespace

NODE_API_MODULE(torchvgg, Init)
