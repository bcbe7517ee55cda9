// Tensor: the JS handle of an at::Tensor. Conversions between JS values and dtypes, devices, shapes.
#pragma once
#include "pch.h"
#include "core/errors.h"

namespace tvgg {

c10::ScalarType ParseDtype(const std::string& name);
std::string DtypeName(c10::ScalarType t);
c10::Device ParseDevice(const std::string& name);
c10::MemoryFormat ParseMemoryFormat(const std::string& name);
std::vector<int64_t> ToInt64s(Napi::Value v, const char* what);

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

  TVGG_METHOD(Shape);
  TVGG_METHOD(Strides);
  TVGG_METHOD(Dtype);
  TVGG_METHOD(Device);
  TVGG_METHOD(GetRequiresGrad);
  TVGG_METHOD(SetRequiresGrad);
  TVGG_METHOD(IsContiguous);
  TVGG_METHOD(Item);
  TVGG_METHOD(ToTypedArray);
  TVGG_METHOD(Reshape);
  TVGG_METHOD(View);
  TVGG_METHOD(To);
  TVGG_METHOD(Contiguous);
  TVGG_METHOD(Clone);
  TVGG_METHOD(Detach);
  TVGG_METHOD(Binary);
  TVGG_METHOD(Sum);
  TVGG_METHOD(Mean);
  TVGG_METHOD(Argmax);
  TVGG_METHOD(Softmax);
  TVGG_METHOD(Allclose);
  TVGG_METHOD(CopyFrom);
  TVGG_METHOD(AsStrided);
  TVGG_METHOD(Select);
  TVGG_METHOD(Narrow);
  TVGG_METHOD(IndexSelect);
  TVGG_METHOD(GradFnName);
  TVGG_METHOD(Permute);
  TVGG_METHOD(Transpose);
  TVGG_METHOD(Unsqueeze);
  TVGG_METHOD(Squeeze);
  TVGG_METHOD(Unary);
  TVGG_METHOD(LogSoftmax);
  TVGG_METHOD(Topk);
  TVGG_METHOD(Backward);
  TVGG_METHOD(Grad);
  TVGG_METHOD(SetGrad);
  TVGG_METHOD(IsLeaf);
  TVGG_METHOD(Dispose);
  TVGG_METHOD(IsDisposed);

  at::Tensor t_;
  int64_t reported_bytes_ = 0;  // told to V8 via AdjustExternalMemory
};

}  // namespace tvgg
