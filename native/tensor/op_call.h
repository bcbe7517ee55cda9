// Tensor operations called by name with PyTorch's arguments: callOp(name, [self, ...args]) runs the op
// of native/tensor/op_call.cc and returns a Tensor, a list of Tensors, or a number/boolean. An op is one
// table entry; an unknown name or a wrong argument is a TypeError naming the op.
#pragma once
#include "pch.h"

namespace tvgg {

void RegisterOpCalls(Napi::Env env, Napi::Object exports);

}  // namespace tvgg
