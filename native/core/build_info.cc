// What this libtorch was built with and which CPU kernels it dispatches to, for torch.backends.cpu.
#include "core/build_info.h"
#include <regex>
#include "core/errors.h"

namespace tvgg {

namespace {
// cpuCapability() -> { aten, mkldnn, mkl, openmp, config }. `aten` is the kernel set ATen's dispatcher
// uses ('DEFAULT', 'AVX2', 'AVX512', ...), read from at::show_config() because get_cpu_capability() is
// not exported by every libtorch; ATEN_CPU_CAPABILITY in the environment can lower or raise it.
TVGG_FUNCTION(CpuCapability) {
  Napi::Env env = info.Env();
  std::string config = at::show_config();
  std::smatch m;
  std::string aten = "unknown";
  if (std::regex_search(config, m, std::regex("CPU capability usage: ([A-Za-z0-9_]+)"))) aten = m[1];
  auto out = Napi::Object::New(env);
  out.Set("aten", aten);
  out.Set("mkldnn", at::hasMKLDNN());
  out.Set("mkl", at::hasMKL());
  out.Set("openmp", at::hasOpenMP());
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
