// libtorch's quantized engines (FBGEMM/x86 in pip's builds, QNNPACK and oneDNN elsewhere): which one
// runs the quantized layers, and calls into their operators through the dispatcher by name, so the
// addon needs no engine-specific headers and builds against every libtorch.
#pragma once
#include "pch.h"

namespace tvgg {

// torch.backends.quantized.engine: the engine's name ('x86', 'fbgemm', 'onednn', 'qnnpack').
std::string CurrentQuantizedEngine();

// Calls the operator `name.overload` (e.g. quantized::conv2d_prepack) with `args`; returns its one result.
// An operator this libtorch lacks is an Error naming it.
c10::IValue CallQuantizedOp(const char* name, const char* overload, std::vector<c10::IValue> args);

void RegisterQuantization(Napi::Env env, Napi::Object exports);

}  // namespace tvgg
