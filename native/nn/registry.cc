// The layer registry: one line per layer type the JS side can create by name.
#include "nn/registry.h"

namespace tvgg {

// One line per layer type: X(Name) names the type PyTorch prints and the factory `CreateName`, defined
// in the layer's own file under nn/layers/ (or models/ for model families).
// The X-macro list reads best packed several to a line, so clang-format leaves it alone.
// clang-format off
#define TVGG_LAYER_TYPES(X)                                                                           \
  X(Linear) X(Identity) X(Conv2d) X(ReLU) X(LeakyReLU) X(GELU) X(Sigmoid) X(Tanh) X(Softmax) X(Dropout) \
  X(Dropout2d) X(MaxPool2d) X(AvgPool2d) X(AdaptiveAvgPool2d) X(BatchNorm1d) X(BatchNorm2d) X(Flatten)  \
  X(Sequential) X(VGG) X(Quantize) X(DeQuantize) X(QuantWrapper) X(QuantizedConv2d) X(QuantizedConvReLU2d)      \
  X(QuantizedLinear) X(QuantizedLinearReLU) X(QuantizedDropout)
// clang-format on

#define TVGG_DECLARE(Name) Module::Ptr Create##Name(const Options&);
TVGG_LAYER_TYPES(TVGG_DECLARE)
#undef TVGG_DECLARE

namespace {
using LayerFactory = Module::Ptr (*)(const Options&);
const std::map<std::string, LayerFactory>& Factories() {
#define TVGG_ENTRY(Name) {#Name, &Create##Name},
  static const std::map<std::string, LayerFactory> table = {TVGG_LAYER_TYPES(TVGG_ENTRY)};
#undef TVGG_ENTRY
  return table;
}
}  // namespace

Module::Ptr CreateLayer(const std::string& type, const Options& options) {
  auto it = Factories().find(type);
  if (it == Factories().end()) throw ArgError(ArgError::Type, "unknown module type '" + type + "'");
  return it->second(options);
}

}  // namespace tvgg
