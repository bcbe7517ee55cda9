// torchvision's VGG: configurations A/B/D/E (vgg11/13/16/19), optional batch norm, torchvision's init.
#pragma once
#include "nn/layers.h"

namespace tvgg {

class VGG : public Module {
 public:
  VGG(Ptr features, int64_t num_classes, double dropout, bool init_weights);
  at::Tensor Forward(const at::Tensor& x) override;
  void Train(bool mode) override;
};

// cfg is "A", "B", "D" or "E", as in torchvision.models.vgg.cfgs.
Module::Ptr MakeVGG(const std::string& cfg, bool batch_norm, int64_t num_classes, double dropout,
                    bool init_weights);

}  // namespace tvgg
