// A large quantized (u8 activations x per-channel s8 weights) Linear layer through a oneDNN matmul whose weights
// are reordered once. libtorch 1.13's onednn quantized::linear reorders the weights on every call: VGG16's
// 25088x4096 layer (102 MB in int8) took 12-14 ms per call at batch 1 and 8 here, where reading it takes ~1.5.
// oneDNN gives the int32 sums; the scales, the input's zero point, the bias, ReLU and the output's quantization
// are applied in float32 as PyTorch's reference quantized Linear defines them. Only where oneDNN has a native
// kernel for the shape and this build has oneDNN 2.x's C++ API; elsewhere Forward() declines and libtorch runs.
// TORCHVGG_FAST_LINEAR=0 switches it off with the other fast Linear paths.
#pragma once
#include <memory>
#include <mutex>
#include "pch.h"

namespace tvgg {

class Int8Linear {
 public:
  Int8Linear();
  ~Int8Linear();
  // The quantized linear (relu: fused ReLU) of a 2-D CPU quint8 x on a qint8 weight [n, k] with per-channel (or
  // per-tensor) scales and zero points 0, at least 2^20 weights, float bias; the output is quint8 at
  // (scale, zero_point). False when this layer or input is not one it takes.
  bool Forward(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, bool relu, double scale,
               int64_t zero_point, at::Tensor* out);

 private:
  struct State;  // plans by batch size, the reordered weights and the weights' row sums (int8_linear.cc)
  std::mutex mu_;
  std::unique_ptr<State> state_;
};

}  // namespace tvgg
