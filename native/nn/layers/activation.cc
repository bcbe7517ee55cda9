// Activations (torch/nn/modules/activation.py): ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax.
#include "nn/layers/init.h"

namespace tvgg {

namespace {
// inplace=True mutates the shared TensorImpl, exactly like Python's in-place activations.
class ReLU : public Module {
 public:
  explicit ReLU(bool inplace) : Module("ReLU"), inplace_(inplace) {}
  at::Tensor Forward(const at::Tensor& x) override {
    if (!inplace_) return at::relu(x);
    at::Tensor y = x;
    return at::relu_(y);
  }
  std::string ExtraRepr() const override { return inplace_ ? "inplace=True" : ""; }
  Options Config() const override { return Options().Set("inplace", inplace_); }
  bool PassesOpaque() const override { return true; }  // oneDNN's ReLU takes the opaque layout as it is
  bool DescribeOpaque(OpaqueOp* op) const override {
    op->kind = OpaqueOp::Relu;
    return true;
  }

 private:
  const bool inplace_;
};

class LeakyReLU : public Module {
 public:
  LeakyReLU(double slope, bool inplace) : Module("LeakyReLU"), slope_(slope), inplace_(inplace) {}
  at::Tensor Forward(const at::Tensor& x) override {
    if (!inplace_) return at::leaky_relu(x, slope_);
    at::Tensor y = x;
    return at::leaky_relu_(y, slope_);
  }
  std::string ExtraRepr() const override {
    return "negative_slope=" + PyFloat(slope_) + (inplace_ ? ", inplace=True" : "");
  }
  Options Config() const override { return Options().Set("negativeSlope", slope_).Set("inplace", inplace_); }

 private:
  const double slope_;
  const bool inplace_;
};

class GELU : public Module {
 public:
  explicit GELU(std::string approximate) : Module("GELU"), approximate_(std::move(approximate)) {
    if (approximate_ != "none" && approximate_ != "tanh")
      throw ArgError(ArgError::Range, "approximate must be 'none' or 'tanh'; got '" + approximate_ + "'");
  }
  at::Tensor Forward(const at::Tensor& x) override { return at::gelu(x, approximate_); }
  std::string ExtraRepr() const override { return "approximate='" + approximate_ + "'"; }
  Options Config() const override { return Options().Set("approximate", approximate_); }

 private:
  const std::string approximate_;
};

class Elementwise : public Module {
 public:
  Elementwise(std::string name, at::Tensor (*fn)(const at::Tensor&)) : Module(std::move(name)), fn_(fn) {}
  at::Tensor Forward(const at::Tensor& x) override { return fn_(x); }

 private:
  at::Tensor (*fn_)(const at::Tensor&);
};

class Softmax : public Module {
 public:
  explicit Softmax(std::optional<int64_t> dim) : Module("Softmax"), dim_(dim) {}
  at::Tensor Forward(const at::Tensor& x) override {
    // dim=None: PyTorch's legacy choice (_get_softmax_dim): 0 for 0-, 1- and 3-D input, else 1.
    int64_t d = dim_ ? *dim_ : (x.dim() == 0 || x.dim() == 1 || x.dim() == 3 ? 0 : 1);
    return at::softmax(x, d);
  }
  std::string ExtraRepr() const override { return "dim=" + (dim_ ? std::to_string(*dim_) : std::string("None")); }
  Options Config() const override {
    Options o;
    if (dim_) o.Set("dim", *dim_);
    else o.Set("dim", std::monostate{});
    return o;
  }

 private:
  const std::optional<int64_t> dim_;
};
}  // namespace

Module::Ptr CreateReLU(const Options& o) { return std::make_shared<ReLU>(o.Bool("inplace", false)); }
Module::Ptr CreateLeakyReLU(const Options& o) {
  return std::make_shared<LeakyReLU>(o.Num("negativeSlope", 0.01), o.Bool("inplace", false));
}
Module::Ptr CreateGELU(const Options& o) { return std::make_shared<GELU>(o.Str("approximate", "none")); }
Module::Ptr CreateSigmoid(const Options&) {
  return std::make_shared<Elementwise>("Sigmoid", [](const at::Tensor& x) { return at::sigmoid(x); });
}
Module::Ptr CreateTanh(const Options&) {
  return std::make_shared<Elementwise>("Tanh", [](const at::Tensor& x) { return at::tanh(x); });
}
Module::Ptr CreateSoftmax(const Options& o) {
  return std::make_shared<Softmax>(o.Has("dim") ? std::optional<int64_t>(o.Int("dim")) : std::nullopt);
}

}  // namespace tvgg
