// The one oneDNN CPU engine the addon's own primitives run on (onednn_run, bf16_linear), where this build has
// oneDNN 2.x's C++ API (TORCHVGG_DNNL): TORCHVGG_ONEDNN_API is then defined.
#pragma once
#ifdef TORCHVGG_DNNL
#include <oneapi/dnnl/dnnl.hpp>
#if DNNL_VERSION_MAJOR == 2
#define TORCHVGG_ONEDNN_API 1
namespace tvgg {
inline dnnl::engine& DnnlEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}
}  // namespace tvgg
#endif
#endif
