// The layer types the JS side can create by name, each built from its Options (nn/options.h).
#pragma once
#include "nn/module.h"

namespace tvgg {

// [any thread] A new layer of `type` built from `options` (defaults filled in by the layer itself);
// TypeError for an unknown type.
Module::Ptr CreateLayer(const std::string& type, const Options& options);

}  // namespace tvgg
