#include "models/vgg.h"

namespace tvgg {

namespace {
constexpr int M = 0;  // a max-pool in a cfg
const std::map<std::string, std::vector<int>> kCfgs = {
    {"A", {64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M}},
    {"B", {64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M}},
    {"D", {64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M}},
    {"E", {64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M}},
};

IntPair Int(int64_t v) { return {v, v, true}; }

// torchvision.models.vgg.make_layers
Module::Ptr MakeLayers(const std::vector<int>& cfg, bool batch_norm) {
  auto layers = std::make_shared<Sequential>();
  int64_t in = 3;
  auto add = [&](Module::Ptr m) { layers->SetChild(std::to_string(layers->Children().size()), std::move(m)); };
  for (int v : cfg) {
    if (v == M) {
      add(std::make_shared<MaxPool2d>(Int(2), Int(2), Int(0), Int(1), false));
      continue;
    }
    add(std::make_shared<Conv2d>(in, v, IntPair{3, 3, false}, IntPair{1, 1, false}, IntPair{1, 1, false}, "",
                                 IntPair{1, 1, false}, 1, true));
    if (batch_norm) add(std::make_shared<BatchNorm2d>(v, 1e-5, 0.1, true, true));
    add(std::make_shared<ReLU>(true));
    in = v;
  }
  return layers;
}

// torchvision's VGG.__init__ weight init, over every module below `m`.
void InitWeights(const Module& m) {
  torch::NoGradGuard no_grad;
  for (auto& [key, child] : m.Children()) {
    if (auto* conv = dynamic_cast<Conv2d*>(child.get())) {
      torch::nn::init::kaiming_normal_(conv->weight, 0, torch::kFanOut, torch::kReLU);
      if (conv->bias.defined()) conv->bias.zero_();
    } else if (auto* bn = dynamic_cast<BatchNorm2d*>(child.get())) {
      if (bn->affine) {
        bn->weight.fill_(1);
        bn->bias.zero_();
      }
    } else if (auto* linear = dynamic_cast<Linear*>(child.get())) {
      linear->weight.normal_(0, 0.01);
      if (linear->bias.defined()) linear->bias.zero_();
    }
    InitWeights(*child);
  }
}
}  // namespace

VGG::VGG(Ptr features, int64_t num_classes, double dropout, bool init_weights) : Module("VGG") {
  SetChild("features", std::move(features));
  SetChild("avgpool", std::make_shared<AdaptiveAvgPool2d>(IntPair{7, 7, false}));
  auto classifier = std::make_shared<Sequential>();
  classifier->SetChild("0", std::make_shared<Linear>(512 * 7 * 7, 4096, true));
  classifier->SetChild("1", std::make_shared<ReLU>(true));
  classifier->SetChild("2", std::make_shared<Dropout>(dropout, false));
  classifier->SetChild("3", std::make_shared<Linear>(4096, 4096, true));
  classifier->SetChild("4", std::make_shared<ReLU>(true));
  classifier->SetChild("5", std::make_shared<Dropout>(dropout, false));
  classifier->SetChild("6", std::make_shared<Linear>(4096, num_classes, true));
  SetChild("classifier", classifier);
  if (init_weights) InitWeights(*this);
}

at::Tensor VGG::Forward(const at::Tensor& x) {
  // Five 2x2 max-pools need at least 32x32; say so instead of libtorch's "output size is too small".
  if (x.dim() != 4)
    throw ArgError(ArgError::Range, "VGG expects input of shape [N, C, H, W], got " + c10::str(x.sizes()));
  if (x.size(2) < 32 || x.size(3) < 32)
    throw ArgError(ArgError::Range, "VGG needs H and W of at least 32, got " + c10::str(x.sizes()));
  // Inference on CPU runs channels_last: oneDNN's convolutions are faster on NHWC (measured in the
  // README's performance table); the logits are the same up to float rounding.
  at::Tensor input = x;
  if (!Training() && x.device().is_cpu()) input = x.contiguous(at::MemoryFormat::ChannelsLast);
  at::Tensor y = Child("features")->Forward(input);
  y = Child("avgpool")->Forward(y);
  y = y.flatten(1);
  return Child("classifier")->Forward(y);
}

// eval() also moves CPU conv weights to channels_last, so inference does not convert them on every
// call (oneDNN wants NHWC; measured in the README's performance table). Values and names are unchanged.
void VGG::Train(bool mode) {
  Module::Train(mode);
  if (mode) return;
  torch::NoGradGuard no_grad;
  auto features = Child("features");
  if (!features) return;
  for (auto& [key, child] : features->Children())
    if (auto* conv = dynamic_cast<Conv2d*>(child.get()))
      if (conv->weight.device().is_cpu() && !conv->weight.is_contiguous(at::MemoryFormat::ChannelsLast)) {
        conv->weight.set_data(conv->weight.contiguous(at::MemoryFormat::ChannelsLast));
        // A kept gradient must follow its parameter's layout, or autograd warns and copies on every step.
        at::Tensor& grad = conv->weight.mutable_grad();
        if (grad.defined()) grad = grad.contiguous(at::MemoryFormat::ChannelsLast);
      }
}

Module::Ptr MakeVGG(const std::string& cfg, bool batch_norm, int64_t num_classes, double dropout,
                    bool init_weights) {
  auto it = kCfgs.find(cfg);
  if (it == kCfgs.end()) throw ArgError(ArgError::Range, "unknown VGG configuration '" + cfg + "'");
  if (num_classes < 1) throw ArgError(ArgError::Range, "numClasses must be a positive integer");
  return std::make_shared<VGG>(MakeLayers(it->second, batch_norm), num_classes, dropout, init_weights);
}

}  // namespace tvgg
