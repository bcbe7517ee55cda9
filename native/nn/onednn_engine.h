// The one oneDNN CPU engine the addon's own primitives run on (onednn_run, bf16_linear), where this build has
// oneDNN 2.x's C++ API (TORCHVGG_DNNL): TORCHVGG_ONEDNN_API is then defined.
#pragma once
#ifdef TORCHVGG_DNNL
#include <oneapi/dnnl/dnnl.hpp>
#if DNNL_VERSION_MAJOR == 2
#define TORCHVGG_ONEDNN_API 1
#include <utility>
#include <vector>
#include "pch.h"
namespace tvgg {
inline dnnl::engine& DnnlEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// A Linear layer's weight ([n, k] row-major: the matmul's [k, n] weights in layout "ba") in the layout `want`,
// reordered once and kept in `cache` (one copy per layout; the caller clears it when the weight changes).
using ReorderedWeightsCache = std::vector<std::pair<dnnl::memory::desc, at::Tensor>>;
inline at::Tensor ReorderedWeights(ReorderedWeightsCache* cache, const dnnl::memory::desc& want, int64_t n, int64_t k,
                                   dnnl::memory::data_type type, void* data, dnnl::stream& stream) {
  for (const auto& [md, t] : *cache)
    if (md == want) return t;
  dnnl::memory user({{k, n}, type, dnnl::memory::format_tag::ba}, DnnlEngine(), data);
  at::Tensor packed = at::empty({static_cast<int64_t>(want.get_size())}, at::TensorOptions().dtype(at::kByte));
  dnnl::memory mem(want, DnnlEngine(), packed.data_ptr());
  dnnl::reorder(user, mem).execute(stream, user, mem);
  cache->emplace_back(want, packed);
  return packed;
}
}  // namespace tvgg
#endif
#endif
