// A large bfloat16 Linear layer at inference through a oneDNN matmul whose weights are reordered once. libtorch
// 1.13 hands a bf16 linear to oneDNN with plain weights, which oneDNN reorders into its blocked layout on every
// call: VGG16's 25088x4096 layer (205 MB in bf16) took 18-27 ms per call at any batch from 1 to 32 here, where
// reading its weights once takes 4. Only where oneDNN has a native bf16 kernel for the shape (not its reference
// code) and this build has oneDNN 2.x's C++ API (TORCHVGG_DNNL); elsewhere Forward() declines.
// TORCHVGG_FAST_LINEAR=0 switches it off with the float32 path.
#pragma once
#include <memory>
#include <mutex>
#include "pch.h"

namespace tvgg {

class Bf16Linear {
 public:
  Bf16Linear();
  ~Bf16Linear();
  // y = x W^T + b for a CPU bfloat16 2-D x, weight and bias without autograd or autocast, on a weight of at least
  // 2^20 elements; false when this layer or input is not one it takes (the caller then runs at::linear).
  bool Forward(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, at::Tensor* out);

 private:
  struct State;  // oneDNN's primitives by batch size and the reordered weights (bf16_linear.cc)
  std::mutex mu_;
  std::unique_ptr<State> state_;
};

}  // namespace tvgg
