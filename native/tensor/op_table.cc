// The named elementwise and binary ops, and the lookup that refuses unknown names.
#include "tensor/op_table.h"
#include "core/errors.h"

namespace tvgg {

namespace {
template <typename Map>
std::string Names(const Map& m) {
  std::string out;
  for (auto& [k, v] : m) out += (out.empty() ? "" : ", ") + k;
  return out;
}

const std::map<std::string, UnaryOp, std::less<>>& UnaryOps() {
  static const std::map<std::string, UnaryOp, std::less<>> ops = {
      {"relu", [](const at::Tensor& t) { return t.relu(); }},
      {"exp", [](const at::Tensor& t) { return t.exp(); }},
      {"log", [](const at::Tensor& t) { return t.log(); }},
      {"neg", [](const at::Tensor& t) { return t.neg(); }},
      {"abs", [](const at::Tensor& t) { return t.abs(); }},
      {"sqrt", [](const at::Tensor& t) { return t.sqrt(); }},
      {"sigmoid", [](const at::Tensor& t) { return t.sigmoid(); }},
      {"tanh", [](const at::Tensor& t) { return t.tanh(); }},
      {"sign", [](const at::Tensor& t) { return t.sign(); }},
      {"floor", [](const at::Tensor& t) { return t.floor(); }},
      {"ceil", [](const at::Tensor& t) { return t.ceil(); }},
      {"round", [](const at::Tensor& t) { return t.round(); }},
      {"trunc", [](const at::Tensor& t) { return t.trunc(); }},
      {"frac", [](const at::Tensor& t) { return t.frac(); }},
      {"sin", [](const at::Tensor& t) { return t.sin(); }},
      {"cos", [](const at::Tensor& t) { return t.cos(); }},
      {"logical_not", [](const at::Tensor& t) { return t.logical_not(); }},
      {"isnan", [](const at::Tensor& t) { return t.isnan(); }},
      {"isinf", [](const at::Tensor& t) { return t.isinf(); }},
      {"isfinite", [](const at::Tensor& t) { return t.isfinite(); }},
  };
  return ops;
}

const std::map<std::string, BinaryOp, std::less<>>& BinaryOps() {
  static const std::map<std::string, BinaryOp, std::less<>> ops = {
      {"add",
       {[](const at::Tensor& a, const at::Tensor& b) { return a.add(b); },
        [](const at::Tensor& a, const at::Scalar& b) { return a.add(b); }}},
      {"sub",
       {[](const at::Tensor& a, const at::Tensor& b) { return a.sub(b); },
        [](const at::Tensor& a, const at::Scalar& b) { return a.sub(b); }}},
      {"mul",
       {[](const at::Tensor& a, const at::Tensor& b) { return a.mul(b); },
        [](const at::Tensor& a, const at::Scalar& b) { return a.mul(b); }}},
      {"div",
       {[](const at::Tensor& a, const at::Tensor& b) { return a.div(b); },
        [](const at::Tensor& a, const at::Scalar& b) { return a.div(b); }}},
      {"eq",
       {[](const at::Tensor& a, const at::Tensor& b) { return a.eq(b); },
        [](const at::Tensor& a, const at::Scalar& b) { return a.eq(b); }}},
      {"matmul", {[](const at::Tensor& a, const at::Tensor& b) { return a.matmul(b); }, nullptr}},
      {"ne",
       {[](const at::Tensor& a, const at::Tensor& b) { return a.ne(b); },
        [](const at::Tensor& a, const at::Scalar& b) { return a.ne(b); }}},
      {"lt",
       {[](const at::Tensor& a, const at::Tensor& b) { return a.lt(b); },
        [](const at::Tensor& a, const at::Scalar& b) { return a.lt(b); }}},
      {"le",
       {[](const at::Tensor& a, const at::Tensor& b) { return a.le(b); },
        [](const at::Tensor& a, const at::Scalar& b) { return a.le(b); }}},
      {"gt",
       {[](const at::Tensor& a, const at::Tensor& b) { return a.gt(b); },
        [](const at::Tensor& a, const at::Scalar& b) { return a.gt(b); }}},
      {"ge",
       {[](const at::Tensor& a, const at::Tensor& b) { return a.ge(b); },
        [](const at::Tensor& a, const at::Scalar& b) { return a.ge(b); }}},
      {"maximum", {[](const at::Tensor& a, const at::Tensor& b) { return at::maximum(a, b); }, nullptr}},
      {"minimum", {[](const at::Tensor& a, const at::Tensor& b) { return at::minimum(a, b); }, nullptr}},
      {"logical_and", {[](const at::Tensor& a, const at::Tensor& b) { return a.logical_and(b); }, nullptr}},
      {"logical_or", {[](const at::Tensor& a, const at::Tensor& b) { return a.logical_or(b); }, nullptr}},
      {"logical_xor", {[](const at::Tensor& a, const at::Tensor& b) { return a.logical_xor(b); }, nullptr}},
  };
  return ops;
}
}  // namespace

UnaryOp FindUnaryOp(std::string_view name) {
  auto it = UnaryOps().find(name);
  if (it == UnaryOps().end())
    throw ArgError(ArgError::Type, "unknown unary op '" + std::string(name) + "' (known: " + Names(UnaryOps()) + ")");
  return it->second;
}

const BinaryOp& FindBinaryOp(std::string_view name) {
  auto it = BinaryOps().find(name);
  if (it == BinaryOps().end())
    throw ArgError(ArgError::Type, "unknown binary op '" + std::string(name) + "' (known: " + Names(BinaryOps()) + ")");
  return it->second;
}

std::string_view OpName(const Napi::Value& v, char (&buf)[32]) {
  size_t len = 0;
  // napi_string_expected says it is no string: no napi_typeof first (this is on every op's path).
  if (napi_get_value_string_utf8(v.Env(), v, buf, sizeof buf, &len) != napi_ok)
    throw ArgError(ArgError::Type, "op name must be a string");
  return std::string_view(buf, len);
}

}  // namespace tvgg
