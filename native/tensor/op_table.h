// Elementwise and binary operations by name: the one table the JS side calls into with an op's name
// ("add", "relu", ...). A new op is one line here; an unknown name is a TypeError, never another op.
#pragma once
#include <string_view>
#include "pch.h"

namespace tvgg {

using UnaryOp = at::Tensor (*)(const at::Tensor&);
struct BinaryOp {
  at::Tensor (*with_tensor)(const at::Tensor&, const at::Tensor&);
  at::Tensor (*with_scalar)(const at::Tensor&, const at::Scalar&);  // null: the op takes tensors only
};

// Throw ArgError(Type) naming the unknown op and the known ones.
UnaryOp FindUnaryOp(std::string_view name);
const BinaryOp& FindBinaryOp(std::string_view name);
// An op name from JS without a heap allocation (this is on every tensor op's path); TypeError if not a
// string. The view points into `buf`.
std::string_view OpName(const Napi::Value& v, char (&buf)[32]);

}  // namespace tvgg
