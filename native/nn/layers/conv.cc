// nn.Conv2d (torch/nn/modules/conv.py), and the CPU inference layout it prepares at eval().
#include "nn/layers/init.h"
#include <mutex>

namespace tvgg {

namespace {
bool IsChannelsLast(const at::Tensor& t) {
  return t.dim() == 4 && t.is_contiguous(at::MemoryFormat::ChannelsLast) && !t.is_contiguous();
}

class Conv2d : public Module {
 public:
  Conv2d(int64_t in, int64_t out, IntPair kernel, IntPair stride, IntPair padding, std::string padding_str,
         IntPair dilation, int64_t groups, bool bias)
      : Module("Conv2d"), in_(in), out_(out), groups_(groups), kernel_(kernel.AsTuple()), stride_(stride.AsTuple()),
        padding_(padding.AsTuple()), dilation_(dilation.AsTuple()), padding_str_(std::move(padding_str)) {
    if (groups <= 0 || in % groups || out % groups)
      throw ArgError(ArgError::Range, "in_channels and out_channels must be divisible by groups");
    if (!padding_str_.empty() && padding_str_ != "same" && padding_str_ != "valid")
      throw ArgError(ArgError::Range,
                     "Invalid padding string '" + padding_str_ + "', should be one of {'valid', 'same'}");
    if (padding_str_ == "same" && (stride_.a != 1 || stride_.b != 1))
      throw ArgError(ArgError::Range, "padding='same' is not supported for strided convolutions");
    AddParameter("weight", at::empty({out, in / groups, kernel_.a, kernel_.b}));
    if (bias) AddParameter("bias", at::empty({out}));
    DefaultInit(Param("weight"), Param("bias"));
  }

  at::Tensor Forward(const at::Tensor& x) override {
    if (x.is_mkldnn()) return ForwardOpaque(x);
    at::Tensor w = Param("weight");
    at::Tensor input = x;
    if (IsChannelsLast(w) && x.dim() == 4) {
      // Weights prepared channels_last (eval() on the CPU, or to({ memoryFormat })) want NHWC input:
      // convert it once here; oneDNN's output stays NHWC, so the layers after it need no conversion.
      // An empty batch takes the plain path: libtorch 1.13's NHWC convolution fails on it.
      if (x.size(0) == 0) w = w.contiguous();
      else input = x.contiguous(at::MemoryFormat::ChannelsLast);
    }
    if (!padding_str_.empty())
      return at::conv2d(input, w, Param("bias"), stride_.Vec(), padding_str_, dilation_.Vec(), groups_);
    return at::conv2d(input, w, Param("bias"), stride_.Vec(), padding_.Vec(), dilation_.Vec(), groups_);
  }

  // eval() moves CPU weights to channels_last unless the layout was pinned with to({ memoryFormat }):
  // oneDNN's convolutions are faster on NHWC (README, performance). Values and names are unchanged.
  void Train(bool mode) override {
    Module::Train(mode);
    const at::Tensor& w = Param("weight");
    if (mode || Layout() != LayoutPreference::Auto || !w.device().is_cpu() || IsChannelsLast(w)) return;
    torch::NoGradGuard no_grad;
    at::Tensor weight = w;
    weight.set_data(w.contiguous(at::MemoryFormat::ChannelsLast));
    // A kept gradient must follow its parameter's layout, or autograd warns and copies on every step.
    at::Tensor& grad = weight.mutable_grad();
    if (grad.defined()) grad = grad.contiguous(at::MemoryFormat::ChannelsLast);
  }

  // In eval() on the CPU, with float32 weights, a container may hand this layer oneDNN's opaque layout
  // (nn/onednn.h); to({ memoryFormat }) pins a layout and opts out, as does a named padding.
  bool PassesOpaque() const override {
    const at::Tensor& w = Param("weight");
    return !Training() && padding_str_.empty() && Layout() == LayoutPreference::Auto && w.device().is_cpu() &&
           w.scalar_type() == at::kFloat;
  }
  bool StartsOpaque() const override { return true; }
  bool DescribeOpaque(OpaqueOp* op) const override {
    if (!PassesOpaque()) return false;
    op->kind = OpaqueOp::Conv;
    op->kernel = kernel_.Vec();
    op->stride = stride_.Vec();
    op->padding = padding_.Vec();
    op->dilation = dilation_.Vec();
    op->groups = groups_;
    op->weight = Param("weight");
    op->bias = Param("bias");
    return true;
  }

  std::string ExtraRepr() const override {
    // torch.nn.modules.conv._ConvNd.extra_repr
    std::string s = std::to_string(in_) + ", " + std::to_string(out_) + ", kernel_size=" + kernel_.TupleRepr() +
                    ", stride=" + stride_.TupleRepr();
    if (!padding_str_.empty()) s += ", padding=" + padding_str_;
    else if (padding_.a != 0 || padding_.b != 0) s += ", padding=" + padding_.TupleRepr();
    if (dilation_.a != 1 || dilation_.b != 1) s += ", dilation=" + dilation_.TupleRepr();
    if (groups_ != 1) s += ", groups=" + std::to_string(groups_);
    if (!Param("bias").defined()) s += ", bias=False";
    return s;
  }

  Options Config() const override {
    Options o;
    o.Set("inChannels", in_).Set("outChannels", out_).Set("kernelSize", kernel_).Set("stride", stride_);
    if (padding_str_.empty()) o.Set("padding", padding_);
    else o.Set("padding", padding_str_);
    return o.Set("dilation", dilation_).Set("groups", groups_).Set("bias", Param("bias").defined());
  }

 private:
  // oneDNN's convolution on an opaque input, with the weight reordered into oneDNN's blocked layout once
  // and again only after the weight changed (a new version or storage: load_state_dict, optimizer steps).
  at::Tensor ForwardOpaque(const at::Tensor& x) {
    at::Tensor weight, bias;
    {
      std::lock_guard<std::mutex> lock(packed_mu_);
      const at::Tensor& w = Param("weight");
      const at::Tensor& b = Param("bias");
      if (!packed_weight_.defined() || packed_version_ != w._version() || packed_ptr_ != w.data_ptr()) {
        at::NoGradGuard no_grad;
        packed_weight_ = at::mkldnn_reorder_conv2d_weight(w.detach().contiguous().to_mkldnn(), padding_.Vec(),
                                                          stride_.Vec(), dilation_.Vec(), groups_);
        packed_version_ = w._version();
        packed_ptr_ = w.data_ptr();
      }
      weight = packed_weight_;
      if (b.defined()) bias = b.detach();
    }
    return at::mkldnn_convolution(x, weight, bias, padding_.Vec(), stride_.Vec(), dilation_.Vec(), groups_);
  }

  std::mutex packed_mu_;  // forward may run on the main thread and the executor thread at once
  at::Tensor packed_weight_;
  int64_t packed_version_ = -1;
  const void* packed_ptr_ = nullptr;
  const int64_t in_, out_, groups_;
  const IntPair kernel_, stride_, padding_, dilation_;
  const std::string padding_str_;
};
}  // namespace

Module::Ptr CreateConv2d(const Options& o) {
  bool named_padding = o.IsStr("padding");
  return std::make_shared<Conv2d>(o.Int("inChannels"), o.Int("outChannels"), o.Pair("kernelSize"),
                                  o.Pair("stride", IntPair::Of(1)),
                                  named_padding ? IntPair::Of(0) : o.Pair("padding", IntPair::Of(0)),
                                  named_padding ? o.Str("padding") : "", o.Pair("dilation", IntPair::Of(1)),
                                  o.Int("groups", 1), o.Bool("bias", true));
}

}  // namespace tvgg
