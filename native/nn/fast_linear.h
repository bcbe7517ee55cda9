// A large fully connected layer at inference through oneDNN's sgemm, where it is faster than libtorch's
// BLAS on this CPU. Debian's libtorch runs Linear on OpenBLAS, whose kernels are 2-3x slower than oneDNN's on
// VGG's 25088x4096 layer at small batches (and slower at some batch sizes than at larger ones). Which of three
// ways is fastest depends on the CPU and the batch size, so each layer times them (twice each) on its first call at
// each batch size up to 64, and in each power-of-two range above (65-128, ...), and then keeps the fastest (the three
// give the same result up to float rounding), so later calls at a size are bitwise repeatable. Built only with the
// addon's own libdnnl (TORCHVGG_DNNL); elsewhere Forward() declines. TORCHVGG_FAST_LINEAR=0 switches it off.
#pragma once
#include <array>
#include <mutex>
#include <unordered_map>
#include "pch.h"

namespace tvgg {

class FastLinear {
 public:
  // y = x W^T + b for a CPU float32 2-D x without autograd or autocast, on a weight of at least kMinWeight
  // elements; false when this layer or input is not one it takes (the caller then runs at::linear).
  bool Forward(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, at::Tensor* out);

  // Whether this build has it and TORCHVGG_FAST_LINEAR is not 0 (for comparison).
  static bool Available();

  static constexpr int64_t kMinWeight = 1 << 20;  // smaller layers cost little either way

 private:
  std::mutex mu_;
  // Batch size (above 64: rounded up to a power of two) -> the fastest way measured.
  std::unordered_map<int64_t, int> way_;
};

}  // namespace tvgg
