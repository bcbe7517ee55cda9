// torchvision's VGG (torchvision/models/vgg.py): configurations A/B/D/E (vgg11/13/16/19), optional
// batch norm, torchvision's init. Built from registry layers, so it needs no layer headers.
#include "nn/registry.h"

namespace tvgg {

namespace {
constexpr int M = 0;  // a max-pool in a cfg
const std::map<std::string, std::vector<int>> kCfgs = {
    {"A", {64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M}},
    {"B", {64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M}},
    {"D", {64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M}},
    {"E", {64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M}},
};

Module::Ptr Layer(const char* type, Options o = {}) { return CreateLayer(type, o); }

// torchvision.models.vgg.make_layers
Module::Ptr MakeLayers(const std::vector<int>& cfg, bool batch_norm) {
  auto layers = Layer("Sequential");
  int64_t in = 3, i = 0;
  auto add = [&](Module::Ptr m) { layers->SetChild(std::to_string(i++), std::move(m)); };
  for (int v : cfg) {
    if (v == M) {
      add(Layer("MaxPool2d", Options().Set("kernelSize", IntPair::Of(2)).Set("stride", IntPair::Of(2))));
      continue;
    }
    add(Layer("Conv2d", Options()
                            .Set("inChannels", in)
                            .Set("outChannels", int64_t{v})
                            .Set("kernelSize", IntPair::Of(3))
                            .Set("padding", IntPair::Of(1))));
    if (batch_norm) add(Layer("BatchNorm2d", Options().Set("numFeatures", int64_t{v})));
    add(Layer("ReLU", Options().Set("inplace", true)));
    in = v;
  }
  return layers;
}

// torchvision's VGG.__init__ weight init, over every module below `m`.
void InitWeights(const Module& m) {
  torch::NoGradGuard no_grad;
  for (auto& [key, child] : m.Children()) {
    at::Tensor weight = child->Param("weight"), bias = child->Param("bias");
    const std::string& type = child->TypeName();
    if (type == "Conv2d") {
      torch::nn::init::kaiming_normal_(weight, 0, torch::kFanOut, torch::kReLU);
      if (bias.defined()) bias.zero_();
    } else if (type == "BatchNorm2d" && weight.defined()) {
      weight.fill_(1);
      bias.zero_();
    } else if (type == "Linear") {
      weight.normal_(0, 0.01);
      if (bias.defined()) bias.zero_();
    }
    InitWeights(*child);
  }
}

class VGG : public Module {
 public:
  VGG(std::string cfg, bool batch_norm, int64_t num_classes, double dropout)
      : Module("VGG"), cfg_(std::move(cfg)), batch_norm_(batch_norm), num_classes_(num_classes), dropout_(dropout) {
    auto it = kCfgs.find(cfg_);
    if (it == kCfgs.end()) throw ArgError(ArgError::Range, "unknown VGG configuration '" + cfg_ + "'");
    if (num_classes < 1) throw ArgError(ArgError::Range, "numClasses must be a positive integer");
    SetChild("features", MakeLayers(it->second, batch_norm));
    SetChild("avgpool", Layer("AdaptiveAvgPool2d", Options().Set("outputSize", IntPair{7, 7, false})));
    auto linear = [](int64_t in, int64_t out) {
      return Layer("Linear", Options().Set("inFeatures", in).Set("outFeatures", out));
    };
    auto drop = [&] { return Layer("Dropout", Options().Set("p", dropout)); };
    auto relu = [] { return Layer("ReLU", Options().Set("inplace", true)); };
    auto classifier = Layer("Sequential");
    Module::Ptr head[] = {linear(512 * 7 * 7, 4096), relu(), drop(), linear(4096, 4096), relu(), drop(),
                          linear(4096, num_classes)};
    for (int i = 0; i < 7; i++) classifier->SetChild(std::to_string(i), head[i]);
    SetChild("classifier", classifier);
  }

  at::Tensor Forward(const at::Tensor& x) override {
    // Five 2x2 max-pools need at least 32x32; say so instead of libtorch's "output size is too small".
    if (x.dim() != 4)
      throw ArgError(ArgError::Range, "VGG expects input of shape [N, C, H, W], got " + c10::str(x.sizes()));
    if (x.size(2) < 32 || x.size(3) < 32)
      throw ArgError(ArgError::Range, "VGG needs H and W of at least 32, got " + c10::str(x.sizes()));
    at::Tensor y = Child("features")->Call(x);
    y = Child("avgpool")->Call(y);
    return Child("classifier")->Call(y.flatten(1));
  }

  Options Config() const override {
    return Options()
        .Set("cfg", cfg_)
        .Set("batchNorm", batch_norm_)
        .Set("numClasses", num_classes_)
        .Set("dropout", dropout_)
        .Set("initWeights", false);
  }

 private:
  const std::string cfg_;
  const bool batch_norm_;
  const int64_t num_classes_;
  const double dropout_;
};
}  // namespace

Module::Ptr CreateVGG(const Options& o) {
  auto m =
      std::make_shared<VGG>(o.Str("cfg"), o.Bool("batchNorm", false), o.Int("numClasses", 1000), o.Num("dropout", 0.5));
  if (o.Bool("initWeights", true)) InitWeights(*m);
  return m;
}

}  // namespace tvgg
