// nn.Sequential (torch/nn/modules/container.py): its children in order; the edits live in Module.
#include "nn/layers/init.h"

namespace tvgg {

namespace {
class Sequential : public Module {
 public:
  Sequential() : Module("Sequential") {}
  at::Tensor Forward(const at::Tensor& x) override {
    at::Tensor y = x;
    for (auto& [key, child] : Children()) y = child->Call(y);
    return y;
  }
};
}  // namespace

Module::Ptr CreateSequential(const Options&) { return std::make_shared<Sequential>(); }

}  // namespace tvgg
