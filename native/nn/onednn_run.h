// A run of convolution/ReLU/max-pool layers executed by oneDNN's own primitives, for CPU inference:
// weights reordered once per layout oneDNN asks for (shared by the plans of every batch size), ReLU fused into the
// convolution before it, activations kept in oneDNN's blocked layout from the first layer to the last, and Winograd
// convolutions where oneDNN offers them for this CPU (3x3, stride 1: about 2x fewer multiplications than the direct
// algorithm; fp32 throughout, results within a few 1e-6 relative of the direct algorithm). Built only where the addon
// links the same libdnnl as libtorch (Debian's libtorch with libdnnl-dev); elsewhere Run() declines and containers use
// libtorch's oneDNN tensors (nn/onednn.h).
#pragma once
#include <memory>
#include <mutex>
#include <vector>
#include "nn/module.h"

namespace tvgg {

class OnednnRunCache {
 public:
  OnednnRunCache();
  ~OnednnRunCache();
  // Runs `layers` (each passes DescribeOpaque) on the CPU float32 NCHW-valued `x`; false when oneDNN
  // cannot take this run here (then the caller runs it layer by layer).
  bool Run(const std::vector<Module::Ptr>& layers, const at::Tensor& x, at::Tensor* out);
  // Whether this build has the oneDNN run at all, and whether it may use Winograd.
  static bool Available();

  struct Plan;  // defined in onednn_run.cc
  struct Workspace;  // what all plans share: reordered weights and the activation buffers

 private:
  std::mutex mu_;  // one plan build or run at a time per container
  std::vector<std::unique_ptr<Plan>> plans_;  // most recently used first
  std::unique_ptr<Workspace> ws_;
};

}  // namespace tvgg
