// Helpers the layer files share: PyTorch's default initialisation and its input-rank messages.
#pragma once
#include "nn/module.h"

namespace tvgg {

// PyTorch's reset_parameters() for Linear and Conv2d: kaiming_uniform_(a=sqrt(5)) for the weight,
// uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias.
inline void DefaultInit(const at::Tensor& weight, const at::Tensor& bias) {
  torch::NoGradGuard no_grad;
  at::Tensor w = weight;
  torch::nn::init::kaiming_uniform_(w, std::sqrt(5.0));
  if (bias.defined()) {
    auto fan_in = std::get<0>(torch::nn::init::_calculate_fan_in_and_fan_out(weight));
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    at::Tensor b = bias;
    b.uniform_(-bound, bound);
  }
}

// "expected 4D input (got 3D input)", as PyTorch's layers say it.
inline void CheckRank(const at::Tensor& x, const std::vector<int64_t>& ranks, const std::string& what) {
  for (int64_t r : ranks)
    if (x.dim() == r) return;
  std::string want;
  for (int64_t r : ranks) want += (want.empty() ? "" : " or ") + std::to_string(r) + "D";
  throw ArgError(ArgError::Range, what + ": expected " + want + " input (got " + std::to_string(x.dim()) + "D input)");
}

inline void CheckProbability(double p, const char* what) {
  if (!(p >= 0 && p <= 1))
    throw ArgError(ArgError::Range,
                   std::string(what) + " probability has to be between 0 and 1, but got " + PyFloat(p));
}

}  // namespace tvgg
