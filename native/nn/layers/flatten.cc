// nn.Flatten (torch/nn/modules/flatten.py).
#include "nn/layers/init.h"

namespace tvgg {

namespace {
class Flatten : public Module {
 public:
  Flatten(int64_t start, int64_t end) : Module("Flatten"), start_(start), end_(end) {}
  at::Tensor Forward(const at::Tensor& x) override { return x.flatten(start_, end_); }
  std::string ExtraRepr() const override {
    return "start_dim=" + std::to_string(start_) + ", end_dim=" + std::to_string(end_);
  }
  Options Config() const override { return Options().Set("startDim", start_).Set("endDim", end_); }

 private:
  const int64_t start_, end_;
};
}  // namespace

Module::Ptr CreateFlatten(const Options& o) {
  return std::make_shared<Flatten>(o.Int("startDim", 1), o.Int("endDim", -1));
}

}  // namespace tvgg
