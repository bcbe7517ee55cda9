// Pooling (torch/nn/modules/pooling.py): MaxPool2d, AvgPool2d, AdaptiveAvgPool2d.
#include "nn/layers/init.h"

namespace tvgg {

namespace {
class MaxPool2d : public Module {
 public:
  MaxPool2d(IntPair kernel, IntPair stride, IntPair padding, IntPair dilation, bool ceil_mode)
      : Module("MaxPool2d"), kernel_(kernel), stride_(stride), padding_(padding), dilation_(dilation),
        ceil_mode_(ceil_mode) {}
  at::Tensor Forward(const at::Tensor& x) override {
    return at::max_pool2d(x, kernel_.Vec(), stride_.Vec(), padding_.Vec(), dilation_.Vec(), ceil_mode_);
  }
  // oneDNN's max pooling takes the opaque layout, without dilation.
  bool PassesOpaque() const override { return dilation_.a == 1 && dilation_.b == 1; }
  bool DescribeOpaque(OpaqueOp* op) const override {
    if (!PassesOpaque()) return false;
    op->kind = OpaqueOp::MaxPool;
    op->kernel = kernel_.Vec();
    op->stride = stride_.Vec();
    op->padding = padding_.Vec();
    op->dilation = dilation_.Vec();
    op->ceil_mode = ceil_mode_;
    return true;
  }
  std::string ExtraRepr() const override {
    return "kernel_size=" + kernel_.Repr() + ", stride=" + stride_.Repr() + ", padding=" + padding_.Repr() +
           ", dilation=" + dilation_.Repr() + ", ceil_mode=" + PyBool(ceil_mode_);
  }
  Options Config() const override {
    return Options()
        .Set("kernelSize", kernel_)
        .Set("stride", stride_)
        .Set("padding", padding_)
        .Set("dilation", dilation_)
        .Set("ceilMode", ceil_mode_);
  }

 private:
  const IntPair kernel_, stride_, padding_, dilation_;
  const bool ceil_mode_;
};

class AvgPool2d : public Module {
 public:
  AvgPool2d(IntPair kernel, IntPair stride, IntPair padding, bool ceil_mode, bool count_include_pad,
            std::optional<int64_t> divisor)
      : Module("AvgPool2d"), kernel_(kernel), stride_(stride), padding_(padding), ceil_mode_(ceil_mode),
        count_include_pad_(count_include_pad), divisor_(divisor) {
    if (divisor_ && *divisor_ == 0) throw ArgError(ArgError::Range, "divisor must be not zero");
  }
  at::Tensor Forward(const at::Tensor& x) override {
    return at::avg_pool2d(x, kernel_.Vec(), stride_.Vec(), padding_.Vec(), ceil_mode_, count_include_pad_,
                          divisor_ ? c10::optional<int64_t>(*divisor_) : c10::nullopt);
  }
  std::string ExtraRepr() const override {
    return "kernel_size=" + kernel_.Repr() + ", stride=" + stride_.Repr() + ", padding=" + padding_.Repr();
  }
  Options Config() const override {
    Options o;
    o.Set("kernelSize", kernel_)
        .Set("stride", stride_)
        .Set("padding", padding_)
        .Set("ceilMode", ceil_mode_)
        .Set("countIncludePad", count_include_pad_);
    if (divisor_) o.Set("divisorOverride", *divisor_);
    else o.Set("divisorOverride", std::monostate{});
    return o;
  }

 private:
  const IntPair kernel_, stride_, padding_;
  const bool ceil_mode_, count_include_pad_;
  const std::optional<int64_t> divisor_;
};

class AdaptiveAvgPool2d : public Module {
 public:
  explicit AdaptiveAvgPool2d(IntPair output_size) : Module("AdaptiveAvgPool2d"), output_size_(output_size) {}
  at::Tensor Forward(const at::Tensor& x) override { return at::adaptive_avg_pool2d(x, output_size_.Vec()); }
  std::string ExtraRepr() const override { return "output_size=" + output_size_.Repr(); }
  Options Config() const override { return Options().Set("outputSize", output_size_); }

 private:
  const IntPair output_size_;
};
}  // namespace

// stride defaults to kernel_size, as in PyTorch (and prints so).
Module::Ptr CreateMaxPool2d(const Options& o) {
  IntPair kernel = o.Pair("kernelSize");
  return std::make_shared<MaxPool2d>(kernel, o.Pair("stride", kernel), o.Pair("padding", IntPair::Of(0)),
                                     o.Pair("dilation", IntPair::Of(1)), o.Bool("ceilMode", false));
}
Module::Ptr CreateAvgPool2d(const Options& o) {
  IntPair kernel = o.Pair("kernelSize");
  return std::make_shared<AvgPool2d>(kernel, o.Pair("stride", kernel), o.Pair("padding", IntPair::Of(0)),
                                     o.Bool("ceilMode", false), o.Bool("countIncludePad", true),
                                     o.Has("divisorOverride") ? std::optional<int64_t>(o.Int("divisorOverride"))
                                                              : std::nullopt);
}
Module::Ptr CreateAdaptiveAvgPool2d(const Options& o) {
  return std::make_shared<AdaptiveAvgPool2d>(o.Pair("outputSize"));
}

}  // namespace tvgg
