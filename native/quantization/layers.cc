// Eager-mode quantized layers (torch/ao/nn/quantized/modules): Quantize, DeQuantize, QuantizedConv2d
// and QuantizedLinear (each optionally with its ReLU fused), and QuantWrapper. Their state is PyTorch's
// own: qint8 per-channel weights, float biases, the output scale and zero point as 0-d tensors, so
// stateDict() and torch.save give what Python's converted model loads. The arithmetic is libtorch's
// quantized engine (quantization/engine.h); weights are packed for it once and again only after they
// change (loadStateDict, copy_), like the float convolution's oneDNN reorder.
#include <mutex>
#include "nn/layers/init.h"
#include "quantization/engine.h"
#include "quantization/int8_linear.h"
#include "tensor/tensor.h"

namespace tvgg {

namespace {
// Zeros with scale 1 until quantize() or loadStateDict() copies real values in (copy_ takes the quantizer
// too). Made empty and zeroed in place: quantizing a float zero tensor of VGG's 102M-weight layer took a second.
at::Tensor PerChannelWeight(at::IntArrayRef shape) {
  int64_t out = shape[0];
  at::Tensor w = at::_empty_per_channel_affine_quantized(shape, at::ones({out}, at::kDouble),
                                                         at::zeros({out}, at::kLong), 0, at::TensorOptions(at::kQInt8));
  std::memset(w.data_ptr(), 0, w.nbytes());
  return w;
}

// Python's tensor repr of a one-element tensor, as Quantize prints its scale: tensor([0.0186]).
std::string OneElementRepr(const at::Tensor& t) {
  if (!t.is_floating_point()) return "tensor([" + std::to_string(t.item<int64_t>()) + "])";
  double v = t.item<double>();
  char buf[64];
  if (v == std::floor(v) && std::abs(v) < 1e8) std::snprintf(buf, sizeof buf, "%.0f.", v);
  else if (std::abs(v) >= 1e-4 && std::abs(v) < 1e8) std::snprintf(buf, sizeof buf, "%.4f", v);
  else std::snprintf(buf, sizeof buf, "%.4e", v);
  return std::string("tensor([") + buf + "])";
}

void CheckQuantizedInput(const at::Tensor& x, const std::string& layer) {
  if (!x.is_quantized() || x.scalar_type() != at::kQUInt8)
    throw ArgError(ArgError::Type, layer + " expects a quint8 quantized input, got " + DtypeName(x.scalar_type()) +
                                       " (a quantized model starts with a Quantize layer: models.quantize builds one)");
}

// What the quantized layers share: the output's scale and zero point (0-d buffers, as Python saves
// them), and the packed weight, rebuilt when the weight or bias tensors change.
class QuantizedWeighted : public Module {
 protected:
  using Module::Module;
  void AddOutputQParams(double scale, int64_t zero_point) {
    AddBuffer("scale", at::scalar_tensor(scale, at::kFloat));
    AddBuffer("zero_point", at::scalar_tensor(zero_point, at::kLong));
  }
  double Scale() const { return Buffer("scale").item<double>(); }
  int64_t ZeroPoint() const { return Buffer("zero_point").item<int64_t>(); }

  // The packed weight for the current engine, packed again after the weight, bias or engine changed.
  c10::IValue Packed(const char* weight_name, const char* bias_name,
                     const std::function<c10::IValue(const at::Tensor&, const at::Tensor&)>& pack) {
    std::lock_guard<std::mutex> lock(mu_);
    const at::Tensor& w = Buffer(weight_name);
    const at::Tensor& b = Buffer(bias_name);
    auto key = std::make_tuple(w._version(), w.data_ptr(), b._version(), b.data_ptr(), CurrentQuantizedEngine());
    if (packed_.isNone() || key != packed_key_) {
      if (w.qscheme() != at::kPerChannelAffine && w.qscheme() != at::kPerTensorAffine)
        throw ArgError(ArgError::Type,
                       TypeName() + ": the weight must be quantized per channel or per tensor (affine)");
      packed_ = pack(w, b);
      packed_key_ = key;
    }
    return packed_;
  }

 private:
  std::mutex mu_;  // forward may run on the main thread and the executor thread at once
  c10::IValue packed_;
  std::tuple<int64_t, const void*, int64_t, const void*, std::string> packed_key_;
};

class QuantizedConv2d : public QuantizedWeighted {
 public:
  QuantizedConv2d(int64_t in, int64_t out, IntPair kernel, IntPair stride, IntPair padding, IntPair dilation,
                  int64_t groups, bool relu, double scale, int64_t zero_point)
      : QuantizedWeighted(relu ? "QuantizedConvReLU2d" : "QuantizedConv2d"), in_(in), out_(out), groups_(groups),
        relu_(relu), kernel_(kernel.AsTuple()), stride_(stride.AsTuple()), padding_(padding.AsTuple()),
        dilation_(dilation.AsTuple()) {
    if (in <= 0 || out <= 0 || groups <= 0 || in % groups || out % groups)
      throw ArgError(ArgError::Range, "in_channels and out_channels must be positive and divisible by groups");
    // Python's quantized convolution keeps weight and bias as attributes, saved before scale/zero_point.
    AddBuffer("weight", PerChannelWeight({out, in / groups, kernel_.a, kernel_.b}));
    AddBuffer("bias", at::zeros({out}));
    AddOutputQParams(scale, zero_point);
  }

  at::Tensor Forward(const at::Tensor& x) override {
    CheckQuantizedInput(x, TypeName());
    CheckRank(x, {4}, TypeName());
    if (x.size(1) != in_)
      throw ArgError(ArgError::Range,
                     TypeName() + " expects " + std::to_string(in_) + " input channels, got " + c10::str(x.sizes()));
    c10::IValue packed = Packed("weight", "bias", [&](const at::Tensor& w, const at::Tensor& b) {
      return CallQuantizedOp("quantized::conv2d_prepack", "",
                             {w, b, stride_.Vec(), padding_.Vec(), dilation_.Vec(), groups_});
    });
    return CallQuantizedOp(relu_ ? "quantized::conv2d_relu" : "quantized::conv2d", "new",
                           {x, packed, Scale(), ZeroPoint()})
        .toTensor();
  }

  std::string ExtraRepr() const override {
    // torch.ao.nn.quantized.modules.conv._ConvNd.extra_repr
    std::string s = std::to_string(in_) + ", " + std::to_string(out_) + ", kernel_size=" + kernel_.TupleRepr() +
                    ", stride=" + stride_.TupleRepr() + ", scale=" + PyFloat(Scale()) +
                    ", zero_point=" + std::to_string(ZeroPoint());
    if (padding_.a != 0 || padding_.b != 0) s += ", padding=" + padding_.TupleRepr();
    if (dilation_.a != 1 || dilation_.b != 1) s += ", dilation=" + dilation_.TupleRepr();
    if (groups_ != 1) s += ", groups=" + std::to_string(groups_);
    return s;
  }

  Options Config() const override {
    return Options()
        .Set("inChannels", in_)
        .Set("outChannels", out_)
        .Set("kernelSize", kernel_)
        .Set("stride", stride_)
        .Set("padding", padding_)
        .Set("dilation", dilation_)
        .Set("groups", groups_)
        .Set("relu", relu_)
        .Set("scale", Scale())
        .Set("zeroPoint", ZeroPoint());
  }

 private:
  const int64_t in_, out_, groups_;
  const bool relu_;
  const IntPair kernel_, stride_, padding_, dilation_;
};

class QuantizedLinear : public QuantizedWeighted {
 public:
  QuantizedLinear(int64_t in, int64_t out, bool relu, double scale, int64_t zero_point)
      : QuantizedWeighted(relu ? "QuantizedLinearReLU" : "QuantizedLinear"), in_(in), out_(out), relu_(relu) {
    if (in <= 0 || out <= 0) throw ArgError(ArgError::Range, "Linear sizes must be positive");
    AddOutputQParams(scale, zero_point);
    // The names Python's quantized Linear loads from a state dict without version metadata (it moves them
    // into its _packed_params itself).
    AddBuffer("weight", PerChannelWeight({out, in}));
    AddBuffer("bias", at::zeros({out}));
  }

  at::Tensor Forward(const at::Tensor& x) override {
    CheckQuantizedInput(x, TypeName());
    if (x.dim() < 1 || x.size(-1) != in_)
      throw ArgError(ArgError::Range, TypeName() + " expects inputs of " + std::to_string(in_) + " features, got " +
                                          c10::str(x.sizes()));
    at::Tensor fast;
    if (CurrentQuantizedEngine() == "onednn" &&
        int8_.Forward(x, Buffer("weight"), Buffer("bias"), relu_, Scale(), ZeroPoint(), &fast))
      return fast;
    c10::IValue packed = Packed("weight", "bias", [](const at::Tensor& w, const at::Tensor& b) {
      return CallQuantizedOp("quantized::linear_prepack", "", {w, b});
    });
    return CallQuantizedOp(relu_ ? "quantized::linear_relu" : "quantized::linear", "",
                           {x.contiguous(), packed, Scale(), ZeroPoint()})
        .toTensor();
  }

  std::string ExtraRepr() const override {
    // torch.ao.nn.quantized.modules.linear.Linear.extra_repr
    const at::Tensor& w = Buffer("weight");
    return "in_features=" + std::to_string(in_) + ", out_features=" + std::to_string(out_) +
           ", scale=" + PyFloat(Scale()) + ", zero_point=" + std::to_string(ZeroPoint()) + ", qscheme=torch." +
           (w.qscheme() == at::kPerTensorAffine ? "per_tensor_affine" : "per_channel_affine");
  }

  Options Config() const override {
    return Options()
        .Set("inFeatures", in_)
        .Set("outFeatures", out_)
        .Set("relu", relu_)
        .Set("scale", Scale())
        .Set("zeroPoint", ZeroPoint());
  }

 private:
  const int64_t in_, out_;
  const bool relu_;
  Int8Linear int8_;  // the large layers' oneDNN path (engine onednn); libtorch's operator otherwise
};

// torch.ao.nn.quantized.Quantize: float to quint8 with the scale and zero point calibration found.
class Quantize : public Module {
 public:
  Quantize(double scale, int64_t zero_point) : Module("Quantize") {
    AddBuffer("scale", at::full({1}, scale, at::kFloat));
    AddBuffer("zero_point", at::full({1}, zero_point, at::kLong));
  }
  at::Tensor Forward(const at::Tensor& x) override {
    if (x.scalar_type() != at::kFloat)
      throw ArgError(ArgError::Type, "Quantize expects a float32 input, got " + DtypeName(x.scalar_type()));
    return at::quantize_per_tensor(x, Buffer("scale").item<double>(), Buffer("zero_point").item<int64_t>(),
                                   at::kQUInt8);
  }
  std::string ExtraRepr() const override {
    return "scale=" + OneElementRepr(Buffer("scale")) + ", zero_point=" + OneElementRepr(Buffer("zero_point")) +
           ", dtype=torch.quint8";
  }
  Options Config() const override {
    return Options()
        .Set("scale", Buffer("scale").item<double>())
        .Set("zeroPoint", Buffer("zero_point").item<int64_t>());
  }
};

class DeQuantize : public Module {
 public:
  DeQuantize() : Module("DeQuantize") {}
  at::Tensor Forward(const at::Tensor& x) override { return x.is_quantized() ? x.dequantize() : x; }
};

// torch.ao.nn.quantized.Dropout: what Dropout becomes in a converted model; inference only.
class QuantizedDropout : public Module {
 public:
  QuantizedDropout(double p, bool inplace) : Module("QuantizedDropout"), p_(p), inplace_(inplace) {
    CheckProbability(p, "dropout");
  }
  at::Tensor Forward(const at::Tensor& x) override {
    if (Training())
      throw ArgError(ArgError::Type, "QuantizedDropout: a quantized model runs in eval mode (call eval())");
    return x;
  }
  std::string ExtraRepr() const override { return "p=" + PyFloat(p_) + ", inplace=" + PyBool(inplace_); }
  Options Config() const override { return Options().Set("p", p_).Set("inplace", inplace_); }

 private:
  const double p_;
  const bool inplace_;
};

// torch.ao.quantization.QuantWrapper: dequant(module(quant(x))), children in Python's order.
class QuantWrapper : public Module {
 public:
  QuantWrapper() : Module("QuantWrapper") {}
  at::Tensor Forward(const at::Tensor& x) override {
    Ptr quant = Child("quant"), dequant = Child("dequant"), inner = Child("module");
    if (!quant || !dequant || !inner) throw ArgError(ArgError::Type, "QuantWrapper needs quant, dequant and module");
    return dequant->Call(inner->Call(quant->Call(x)));
  }
};
}  // namespace

Module::Ptr CreateQuantizedConv2d(const Options& o) {
  return std::make_shared<QuantizedConv2d>(o.Int("inChannels"), o.Int("outChannels"), o.Pair("kernelSize"),
                                           o.Pair("stride", IntPair::Of(1)), o.Pair("padding", IntPair::Of(0)),
                                           o.Pair("dilation", IntPair::Of(1)), o.Int("groups", 1),
                                           o.Bool("relu", false), o.Num("scale", 1.0), o.Int("zeroPoint", 0));
}
Module::Ptr CreateQuantizedLinear(const Options& o) {
  return std::make_shared<QuantizedLinear>(o.Int("inFeatures"), o.Int("outFeatures"), o.Bool("relu", false),
                                           o.Num("scale", 1.0), o.Int("zeroPoint", 0));
}
// The fused forms are types of their own, as in Python (torch.ao.nn.intrinsic.quantized).
Module::Ptr CreateQuantizedConvReLU2d(const Options& o) { return CreateQuantizedConv2d(Options(o).Set("relu", true)); }
Module::Ptr CreateQuantizedLinearReLU(const Options& o) { return CreateQuantizedLinear(Options(o).Set("relu", true)); }
Module::Ptr CreateQuantize(const Options& o) {
  return std::make_shared<Quantize>(o.Num("scale", 1.0), o.Int("zeroPoint", 0));
}
Module::Ptr CreateDeQuantize(const Options&) { return std::make_shared<DeQuantize>(); }
Module::Ptr CreateQuantizedDropout(const Options& o) {
  return std::make_shared<QuantizedDropout>(o.Num("p", 0.5), o.Bool("inplace", false));
}
Module::Ptr CreateQuantWrapper(const Options&) { return std::make_shared<QuantWrapper>(); }

}  // namespace tvgg
