// nn.Dropout and nn.Dropout2d (torch/nn/modules/dropout.py): active in training mode only.
#include "nn/layers/init.h"

namespace tvgg {

namespace {
class Dropout : public Module {
 public:
  // channels: Dropout2d zeroes whole channels (feature_dropout), Dropout single elements.
  Dropout(std::string name, double p, bool inplace, bool channels)
      : Module(std::move(name)), p_(p), inplace_(inplace), channels_(channels) {
    CheckProbability(p, "dropout");
  }
  at::Tensor Forward(const at::Tensor& x) override {
    at::Tensor y = x;
    if (channels_) return inplace_ ? at::feature_dropout_(y, p_, Training()) : at::feature_dropout(x, p_, Training());
    return inplace_ ? at::dropout_(y, p_, Training()) : at::dropout(x, p_, Training());
  }
  std::string ExtraRepr() const override { return "p=" + PyFloat(p_) + ", inplace=" + PyBool(inplace_); }
  Options Config() const override { return Options().Set("p", p_).Set("inplace", inplace_); }

 private:
  const double p_;
  const bool inplace_, channels_;
};
}  // namespace

Module::Ptr CreateDropout(const Options& o) {
  return std::make_shared<Dropout>("Dropout", o.Num("p", 0.5), o.Bool("inplace", false), false);
}
Module::Ptr CreateDropout2d(const Options& o) {
  return std::make_shared<Dropout>("Dropout2d", o.Num("p", 0.5), o.Bool("inplace", false), true);
}

}  // namespace tvgg
