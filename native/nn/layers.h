// The layers VGG is made of, with PyTorch's forward, default initialisation and extra_repr.
#pragma once
#include "nn/module.h"

namespace tvgg {

// An int-or-pair argument, remembered as given because PyTorch prints it as given (2 vs (2, 2)).
struct IntPair {
  int64_t a = 0, b = 0;
  bool scalar = true;
  std::vector<int64_t> Vec() const { return {a, b}; }
  std::string Repr() const;
  std::string TupleRepr() const;  // always "(a, b)", as Conv2d prints after _pair()
};

class Linear : public Module {
 public:
  Linear(int64_t in, int64_t out, bool bias);
  at::Tensor Forward(const at::Tensor& x) override;
  std::string ExtraRepr() const override;
  const int64_t in_features, out_features;
  at::Tensor weight, bias;
};

class Conv2d : public Module {
 public:
  // padding_mode is "" for numeric padding, else "same" / "valid".
  Conv2d(int64_t in, int64_t out, IntPair kernel, IntPair stride, IntPair padding, std::string padding_str,
         IntPair dilation, int64_t groups, bool bias);
  at::Tensor Forward(const at::Tensor& x) override;
  std::string ExtraRepr() const override;
  const int64_t in_channels, out_channels, groups;
  const IntPair kernel_size, stride, padding, dilation;
  const std::string padding_str;
  at::Tensor weight, bias;
};

class ReLU : public Module {
 public:
  explicit ReLU(bool inplace) : Module("ReLU"), inplace(inplace) {}
  at::Tensor Forward(const at::Tensor& x) override;
  std::string ExtraRepr() const override { return inplace ? "inplace=True" : ""; }
  const bool inplace;
};

class Dropout : public Module {
 public:
  Dropout(double p, bool inplace);
  at::Tensor Forward(const at::Tensor& x) override;
  std::string ExtraRepr() const override;
  const double p;
  const bool inplace;
};

class MaxPool2d : public Module {
 public:
  MaxPool2d(IntPair kernel, IntPair stride, IntPair padding, IntPair dilation, bool ceil_mode);
  at::Tensor Forward(const at::Tensor& x) override;
  std::string ExtraRepr() const override;
  const IntPair kernel_size, stride, padding, dilation;
  const bool ceil_mode;
};

class AdaptiveAvgPool2d : public Module {
 public:
  explicit AdaptiveAvgPool2d(IntPair output_size) : Module("AdaptiveAvgPool2d"), output_size(output_size) {}
  at::Tensor Forward(const at::Tensor& x) override;
  std::string ExtraRepr() const override { return "output_size=" + output_size.Repr(); }
  const IntPair output_size;
};

class BatchNorm2d : public Module {
 public:
  BatchNorm2d(int64_t num_features, double eps, double momentum, bool affine, bool track_running_stats);
  at::Tensor Forward(const at::Tensor& x) override;
  std::string ExtraRepr() const override;
  const int64_t num_features;
  const double eps, momentum;
  const bool affine, track_running_stats;
  at::Tensor weight, bias, running_mean, running_var, num_batches_tracked;
};

class Flatten : public Module {
 public:
  Flatten(int64_t start_dim, int64_t end_dim) : Module("Flatten"), start_dim(start_dim), end_dim(end_dim) {}
  at::Tensor Forward(const at::Tensor& x) override { return x.flatten(start_dim, end_dim); }
  std::string ExtraRepr() const override;
  const int64_t start_dim, end_dim;
};

class Sequential : public Module {
 public:
  Sequential() : Module("Sequential") {}
  at::Tensor Forward(const at::Tensor& x) override;
};

}  // namespace tvgg
