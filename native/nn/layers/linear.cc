// nn.Linear and nn.Identity (torch/nn/modules/linear.py).
#include "nn/bf16_linear.h"
#include "nn/fast_linear.h"
#include "nn/layers/init.h"

namespace tvgg {

namespace {
class Linear : public Module {
 public:
  Linear(int64_t in, int64_t out, bool bias) : Module("Linear"), in_(in), out_(out) {
    if (in < 0 || out < 0) throw ArgError(ArgError::Range, "Linear sizes must be non-negative");
    AddParameter("weight", at::empty({out, in}));
    if (bias) AddParameter("bias", at::empty({out}));
    DefaultInit(Param("weight"), Param("bias"));
  }
  at::Tensor Forward(const at::Tensor& x) override {
    at::Tensor y;
    if (fast_.Forward(x, Param("weight"), Param("bias"), &y)) return y;
    if (bf16_.Forward(x, Param("weight"), Param("bias"), &y)) return y;
    return at::linear(x, Param("weight"), Param("bias"));
  }
  std::string ExtraRepr() const override {
    return "in_features=" + std::to_string(in_) + ", out_features=" + std::to_string(out_) +
           ", bias=" + PyBool(Param("bias").defined());
  }
  Options Config() const override {
    return Options().Set("inFeatures", in_).Set("outFeatures", out_).Set("bias", Param("bias").defined());
  }

 private:
  const int64_t in_, out_;
  FastLinear fast_;  // float32 inference on large layers (nn/fast_linear.h)
  Bf16Linear bf16_;  // bfloat16 inference on large layers (nn/bf16_linear.h)
};

class Identity : public Module {
 public:
  Identity() : Module("Identity") {}
  at::Tensor Forward(const at::Tensor& x) override { return x; }
};
}  // namespace

Module::Ptr CreateLinear(const Options& o) {
  return std::make_shared<Linear>(o.Int("inFeatures"), o.Int("outFeatures"), o.Bool("bias", true));
}
Module::Ptr CreateIdentity(const Options&) { return std::make_shared<Identity>(); }

}  // namespace tvgg
