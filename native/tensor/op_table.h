// Elementwise and binary operations by name: the one table the JS side calls into with an op's name
// ("add", "relu", ...). A new op is one line here; an unknown name is a TypeError, never another op.
#pragma once
#include "pch.h"

namespace tvgg {

using UnaryOp = at::Tensor (*)(const at::Tensor&);
struct BinaryOp {
  at::Tensor (*with_tensor)(const at::Tensor&, const at::Tensor&);
  at::Tensor (*with_scalar)(const at::Tensor&, const at::Scalar&);  // null: the op takes tensors only
};

// Throw ArgError(Type) naming the unknown op and the known ones.
UnaryOp FindUnaryOp(const std::string& name);
const BinaryOp& FindBinaryOp(const std::string& name);

}  // namespace tvgg
