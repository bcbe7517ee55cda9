// Entry point: registers each capability; nothing else lives here.
#include "core/addon_data.h"
#include "core/build_info.h"
#include "nn/js_module.h"
#include "nn/module_wrap.h"
#include "tensor/op_call.h"
#include "tensor/ops.h"
#include "optim/optim.h"
#include "jit/script_module.h"
#include "quantization/engine.h"
#include "tensor/tensor.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
#ifdef __GLIBC__
  // glibc hands large freed blocks back to the kernel and maps fresh ones, so every VGG16 forward paid
  // ~6,000 page faults for its activations (batch 1: 99 ms vs Python's 89 ms). Keep them for reuse.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
  env.SetInstanceData(new tvgg::AddonData(env));
  // Debian's libtorch starts with one intra-op thread; use every core, as pip's PyTorch does.
  at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  exports.Set("NativeTensor", tvgg::TensorWrap::Define(env));
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
