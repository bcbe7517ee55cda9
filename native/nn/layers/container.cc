// nn.Sequential (torch/nn/modules/container.py): its children in order; the edits live in Module.
#include "nn/layers/init.h"
#include "nn/onednn.h"

namespace tvgg {

namespace {
class Sequential : public Module {
 public:
  Sequential() : Module("Sequential") {}
  // Children in order; runs of convolutions, ReLUs and max pools keep oneDNN's layout between them
  // during CPU inference (nn/onednn.h).
  at::Tensor Forward(const at::Tensor& x) override { return RunInOpaqueRuns(Children(), x, &runs_); }

 private:
  OnednnRunCache runs_;  // oneDNN plans for this container's runs (per input shape)
};
}  // namespace

Module::Ptr CreateSequential(const Options&) { return std::make_shared<Sequential>(); }

}  // namespace tvgg
