// Host-side bounds checks for index tensors on CUDA. A CPU kernel checks its indices and throws; a CUDA
// kernel fires a device-side assert instead, which kills the process's CUDA context (every later CUDA
// call fails). So before an indexing op runs on CUDA, its index tensor is checked here (one sync) and a
// bad index becomes a RangeError like the CPU's.
#pragma once
#include <ATen/ATen.h>
#include <ATen/TensorIndexing.h>
#include <string>
#include <vector>

namespace tvgg {

// Throws a RangeError when an index of a CUDA integer tensor lies outside [0, size) — or
// [-size, size) where `negative` (Python indexing) — skipping `ignore` (a loss's ignore_index).
void CheckCudaIndexRange(const at::Tensor& index, int64_t size, const std::string& what, bool negative = false,
                         c10::optional<int64_t> ignore = c10::nullopt);

// Class-index targets of a classification loss: `input` is [N, C, ...] or [C].
void CheckCudaClassTargets(const at::Tensor& input, const at::Tensor& target, int64_t ignore, const std::string& what);

// The integer tensors of a Python-style x[...] against the dimensions they index.
void CheckCudaIndices(const at::Tensor& self, const std::vector<at::indexing::TensorIndex>& indices);

}  // namespace tvgg
