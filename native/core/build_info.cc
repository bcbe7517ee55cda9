// What this libtorch was built with and which CPU kernels it dispatches to, for torch.backends.cpu.
#include "core/build_info.h"
#include <regex>
#include "core/errors.h"
#include "core/memory.h"
#include "nn/fast_linear.h"
#include "nn/onednn_run.h"

namespace tvgg {

namespace {
// cpuCapability() -> { aten, mkldnn, mkl, openmp, mkldnnBf16, onednnRuns, fastLinear, hugePages, config }. `aten` is
// the kernel set ATen's dispatcher uses ('DEFAULT', 'AVX2', 'AVX512', ...), read from at::show_config() because
// get_cpu_capability() is not exported by every libtorch; ATEN_CPU_CAPABILITY in the environment can lower or raise it.
TVGG_FUNCTION(CpuCapability) {
  Napi::Env env = info.Env();
  std::string config = at::show_config();
  std::smatch m;
  std::string aten = "unknown";
  // "AVX2", "AVX512", or "NO AVX" where ATen has no vector kernels (reported as 'DEFAULT', PyTorch's name).
  if (std::regex_search(config, m, std::regex("CPU capability usage: ([A-Za-z0-9_ ]+)"))) aten = m[1];
  if (aten == "NO AVX") aten = "DEFAULT";
  auto out = Napi::Object::New(env);
  out.Set("aten", aten);
  out.Set("mkldnn", at::hasMKLDNN());
  out.Set("mkl", at::hasMKL());
  out.Set("openmp", at::hasOpenMP());
  // Whether oneDNN runs bf16 here: the test PyTorch's mkldnn_bf16_device_check() makes on x86 (AVX-512
  // BW, VL and DQ; without them bf16 is emulated or refused).
#if defined(__x86_64__) || defined(__i386__)
  bool bf16 =
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
#else
  bool bf16 = false;
#endif
  out.Set("mkldnnBf16", at::hasMKLDNN() && bf16);
  // Whether eval() on the CPU hands runs of convolutions to oneDNN's own primitives (nn/onednn_run.h).
  out.Set("onednnRuns", OnednnRunCache::Available());
  // Whether large Linear layers at inference may run on oneDNN's sgemm (nn/fast_linear.h).
  out.Set("fastLinear", FastLinear::Available());
  // Whether libtorch's CPU blocks of 32 MB and more ask for transparent huge pages (core/memory.h).
  out.Set("hugePages", HugePagePolicy());
  out.Set("config", config);
  return out;
}
}  // namespace

void RegisterBuildInfo(Napi::Env env, Napi::Object exports) {
  exports.Set("cpuCapability", Napi::Function::New<CpuCapability>(env));
  // What this addon was compiled against, so a loader can tell whether it fits the libtorch it finds:
  // the C++ ABI (std::string layout) and whether the libtorch had CUDA.
  auto build = Napi::Object::New(env);
  build.Set("cxx11abi", Napi::Boolean::New(env, _GLIBCXX_USE_CXX11_ABI != 0));
#ifdef TORCHVGG_CUDA
  build.Set("cuda", Napi::Boolean::New(env, true));
#else
  build.Set("cuda", Napi::Boolean::New(env, false));
#endif
  exports.Set("libtorchBuild", build);
}

}  // namespace tvgg
