// Tensor: how an at::Tensor reaches JS. Conversions between JS values and dtypes, devices, shapes.
#pragma once
#include "pch.h"
#include "core/errors.h"

namespace tvgg {

c10::ScalarType ParseDtype(const std::string& name);
std::string DtypeName(c10::ScalarType t);
c10::Device ParseDevice(const std::string& name);
c10::MemoryFormat ParseMemoryFormat(const std::string& name);
// An array of JS integers: TypeError for a non-integer, RangeError beyond ±2^53 (no silent saturation).
std::vector<int64_t> ToInt64s(Napi::Value v, const char* what);
// The element count and byte size of a shape, with checked arithmetic: RangeError naming `what` and the
// shape when they overflow int64, instead of wrapping to a small number.
int64_t CheckedNumel(c10::IntArrayRef sizes, const char* what);
int64_t CheckedBytes(c10::IntArrayRef sizes, int64_t item_size, const char* what);

// [[name, wrap(value)], ...]: how named children, parameters and buffers reach JS.
template <typename T, typename Wrapper>
Napi::Array NamedToJs(Napi::Env env, const std::vector<std::pair<std::string, T>>& list, Wrapper wrap) {
  auto out = Napi::Array::New(env, list.size());
  for (size_t i = 0; i < list.size(); i++) {
    auto pair = Napi::Array::New(env, 2);
    pair.Set(0u, list[i].first);
    pair.Set(1u, wrap(env, list[i].second));
    out.Set(i, pair);
  }
  return out;
}

// [[name, Tensor], ...] for a list of named tensors (parameters, buffers).
Napi::Array NamedTensorsToJs(Napi::Env env, const std::vector<std::pair<std::string, at::Tensor>>& list);

// How tensors cross into JS: as NativeTensor objects of lib/native_tensor.ts, each holding a handle into the
// environment's TensorTable. The functions JS calls on a tensor take its handle first (Define).
class TensorWrap {
 public:
  // The object of tensor functions (shape, binaryTensor, ...) and setTensorClass, which hands over the JS class.
  static Napi::Object Define(Napi::Env env);
  // [main thread] A new JS NativeTensor owning `t`.
  static Napi::Object Wrap(Napi::Env env, at::Tensor t);
  // [main thread] The handle of a new table entry owning `t`, for JS to wrap (the tensor functions' results).
  static Napi::Value Handle(Napi::Env env, at::Tensor t);
  // The tensor behind a JS NativeTensor; TypeError when `v` is not one, Error when it was disposed.
  static const at::Tensor& TensorOf(Napi::Value v, const char* what = "argument");
  static bool Is(Napi::Value v);
};

}  // namespace tvgg
