// Tensor: the JS handle of an at::Tensor. Conversions between JS values and dtypes, devices, shapes.
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

class TensorWrap : public Napi::ObjectWrap<TensorWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // [main thread] A new JS handle owning `t`.
  static Napi::Object Wrap(Napi::Env env, at::Tensor t);
  // The tensor behind a JS handle; TypeError when `v` is not one, Error when it was disposed.
  static const at::Tensor& TensorOf(Napi::Value v, const char* what = "argument");
  static bool Is(Napi::Value v);

  explicit TensorWrap(const Napi::CallbackInfo& info);
  ~TensorWrap();
  const at::Tensor& Get() const;

 private:
  void Release(Napi::Env env);

  TVGG_METHOD(Shape);  // [sync] sizes
  TVGG_METHOD(Strides);  // [sync]
  TVGG_METHOD(Dtype);  // [sync] dtype name
  TVGG_METHOD(Device);  // [sync] device string
  TVGG_METHOD(GetRequiresGrad);  // [sync]
  TVGG_METHOD(SetRequiresGrad);  // [sync]
  TVGG_METHOD(IsContiguous);  // [sync] TypeError for an unknown memory format
  TVGG_METHOD(Item);  // [sync] RangeError unless one element
  TVGG_METHOD(ToTypedArray);  // [sync] one copy into a fresh ArrayBuffer; TypeError for dtypes JS has no array for
  TVGG_METHOD(Reshape);  // [sync] Error for an incompatible shape
  TVGG_METHOD(View);  // [sync] Error when no view is possible
  TVGG_METHOD(To);  // [sync] TypeError for an unknown dtype/device/format, RangeError for channels_last on non-4-D
  TVGG_METHOD(Contiguous);  // [sync]
  TVGG_METHOD(Clone);  // [sync]
  TVGG_METHOD(Detach);  // [sync]
  TVGG_METHOD(
      Binary);  // [sync] op by name (op_table.cc); TypeError for an unknown op, Error for shapes that do not broadcast
  TVGG_METHOD(Sum);  // [sync]
  TVGG_METHOD(Mean);  // [sync]
  TVGG_METHOD(Argmax);  // [sync]
  TVGG_METHOD(Softmax);  // [sync]
  TVGG_METHOD(Allclose);  // [sync]
  TVGG_METHOD(CopyFrom);  // [sync] copy_ under no_grad; Error for a shape mismatch
  TVGG_METHOD(AsStrided);  // [sync] RangeError for a view beyond the storage
  TVGG_METHOD(Select);  // [sync] Error out of range
  TVGG_METHOD(Narrow);  // [sync] Error out of range
  TVGG_METHOD(IndexSelect);  // [sync] Error out of range
  TVGG_METHOD(GradFnName);  // [sync]
  TVGG_METHOD(Permute);  // [sync]
  TVGG_METHOD(Transpose);  // [sync]
  TVGG_METHOD(Unsqueeze);  // [sync]
  TVGG_METHOD(Squeeze);  // [sync]
  TVGG_METHOD(Unary);  // [sync] op by name (op_table.cc); TypeError for an unknown op
  TVGG_METHOD(LogSoftmax);  // [sync]
  TVGG_METHOD(Topk);  // [sync] -> [values, indices]
  TVGG_METHOD(Backward);  // [sync] Error when the graph cannot be differentiated
  TVGG_METHOD(Grad);  // [sync] tensor or null
  TVGG_METHOD(SetGrad);  // [sync]
  TVGG_METHOD(IsLeaf);  // [sync]
  TVGG_METHOD(Dispose);  // [sync] frees now; later use throws Error
  TVGG_METHOD(IsDisposed);  // [sync]

  at::Tensor t_;
  int64_t reported_bytes_ = 0;  // told to V8 via AdjustExternalMemory
};

}  // namespace tvgg
