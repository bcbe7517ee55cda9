// TensorWrap: tensors in JS (NativeTensor handles into the TensorTable) and dtype/device/shape conversions.
#include "tensor/tensor.h"
#include <unistd.h>
#include "core/addon_data.h"
#include "tensor/op_table.h"

namespace tvgg {

namespace {
// V8's limit on one ArrayBuffer on 64-bit platforms (2^53 - 1 bytes; allocation fails far earlier).
constexpr uint64_t kMaxArrayBufferBytes = (uint64_t{1} << 53) - 1;
// toTypedArray asks the allocator before V8 allocates from this size on.
constexpr int64_t kProbeBytes = int64_t{64} << 20;
// The machine's physical memory. Where the kernel grants every allocation (vm.overcommit_memory=1) the
// malloc probe below always succeeds, and touching the pages gets the process killed instead; a copy
// larger than all of memory is refused outright.
uint64_t PhysicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : UINT64_MAX;
}
const std::pair<const char*, c10::ScalarType> kDtypes[] = {{"float32", at::kFloat}, {"float64", at::kDouble},
                                                           {"float16", at::kHalf},  {"bfloat16", at::kBFloat16},
                                                           {"int64", at::kLong},    {"int32", at::kInt},
                                                           {"int16", at::kShort},   {"int8", at::kChar},
                                                           {"uint8", at::kByte},    {"bool", at::kBool}};
}  // namespace

c10::ScalarType ParseDtype(const std::string& name) {
  for (auto& [n, t] : kDtypes)
    if (name == n) return t;
  throw ArgError(ArgError::Type, "unknown dtype '" + name + "'");
}

std::string DtypeName(c10::ScalarType type) {
  for (auto& [n, t] : kDtypes)
    if (type == t) return n;
  // Quantized tensors are made only by quantize_per_tensor/_per_channel (op_call), never from a dtype
  // name: a factory given a quantized dtype would make a tensor without a quantizer.
  if (type == at::kQInt8) return "qint8";
  if (type == at::kQUInt8) return "quint8";
  if (type == at::kQInt32) return "qint32";
  return c10::toString(type);
}

c10::Device ParseDevice(const std::string& name) {
  c10::optional<c10::Device> device;
  try {
    device = c10::Device(name);
  } catch (const c10::Error&) { throw ArgError(ArgError::Type, "unknown device '" + name + "'"); }
  // Said here, in one line, instead of libtorch's 5 KB dispatcher dump from the first CUDA op.
  if (device->is_cuda()) {
    int64_t count = static_cast<int64_t>(torch::cuda::device_count());
    if (count == 0)
      throw std::runtime_error("device '" + name +
                               "': this libtorch has no CUDA (it is a CPU-only build, or no CUDA device "
                               "is visible). Build against a CUDA libtorch: LIBTORCH=<unpacked CUDA libtorch> or "
                               "LIBTORCH_USE_PYTORCH=1 with a CUDA PyTorch, and check that nvidia-smi lists a GPU.");
    if (device->has_index() && device->index() >= count)
      throw ArgError(ArgError::Range,
                     "device '" + name + "': there are only " + std::to_string(count) + " CUDA device(s)");
  }
  return *device;
}

c10::MemoryFormat ParseMemoryFormat(const std::string& name) {
  if (name == "channels_last") return c10::MemoryFormat::ChannelsLast;
  if (name == "contiguous_format") return c10::MemoryFormat::Contiguous;
  if (name == "preserve_format") return c10::MemoryFormat::Preserve;
  throw ArgError(ArgError::Type,
                 "unknown memory format '" + name + "' (channels_last, contiguous_format, preserve_format)");
}

std::vector<int64_t> ToInt64s(Napi::Value v, const char* what) {
  if (!v.IsArray()) throw ArgError(ArgError::Type, std::string(what) + " must be an array of integers");
  auto arr = v.As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value e = arr[i];
    if (!e.IsNumber()) throw ArgError(ArgError::Type, std::string(what) + " must be an array of integers");
    double d = e.As<Napi::Number>().DoubleValue();
    if (std::isnan(d) || d != std::floor(d)) {
      throw ArgError(ArgError::Type,
                     std::string(what) + "[" + std::to_string(i) + "] must be an integer; got " + c10::str(d));
    }
    if (std::abs(d) > 9007199254740991.0) {
      throw ArgError(ArgError::Range, std::string(what) + "[" + std::to_string(i) +
                                          "] is beyond the exact integer range of a JS number (2^53); got " +
                                          c10::str(d));
    }
    out[i] = static_cast<int64_t>(d);
  }
  return out;
}

int64_t CheckedNumel(c10::IntArrayRef sizes, const char* what) {
  int64_t n = 1;
  for (int64_t s : sizes) {
    if (s < 0) throw ArgError(ArgError::Range, std::string(what) + ": negative size in " + c10::str(sizes));
    if (__builtin_mul_overflow(n, s, &n))
      throw ArgError(ArgError::Range,
                     std::string(what) + ": shape " + c10::str(sizes) + " has more elements than int64 can count");
  }
  return n;
}

int64_t CheckedBytes(c10::IntArrayRef sizes, int64_t item_size, const char* what) {
  int64_t bytes = 0;
  if (__builtin_mul_overflow(CheckedNumel(sizes, what), item_size, &bytes))
    throw ArgError(ArgError::Range,
                   std::string(what) + ": shape " + c10::str(sizes) + " needs more bytes than int64 can count");
  return bytes;
}

Napi::Array NamedTensorsToJs(Napi::Env env, const std::vector<std::pair<std::string, at::Tensor>>& list) {
  return NamedToJs(env, list, [](Napi::Env e, const at::Tensor& t) { return TensorWrap::Wrap(e, t); });
}

Napi::Object TensorWrap::Wrap(Napi::Env env, at::Tensor t) {
  AddonData& d = Data(env);
  if (d.tensor_class.IsEmpty())
    throw std::runtime_error("torchvgg: no NativeTensor class was registered (setTensorClass)");
  Napi::Value handle = Napi::Number::New(env, d.tensors.Insert(env, std::move(t)));
  return d.tensor_class.New({handle});
}

Napi::Value TensorWrap::Handle(Napi::Env env, at::Tensor t) {
  return Napi::Number::New(env, Data(env).tensors.Insert(env, std::move(t)));
}

bool TensorWrap::Is(Napi::Value v) {
  if (!v.IsObject()) return false;
  AddonData& d = Data(v.Env());
  return !d.tensor_class.IsEmpty() && v.As<Napi::Object>().InstanceOf(d.tensor_class.Value());
}

const at::Tensor& TensorWrap::TensorOf(Napi::Value v, const char* what) {
  if (!Is(v)) throw ArgError(ArgError::Type, std::string(what) + " must be a Tensor");
  return Data(v.Env()).tensors.Get(v.As<Napi::Object>().Get("handle"));
}

namespace {
// The tensor whose handle is argument i (argument 0: the tensor a method is called on).
const at::Tensor& At(const Napi::CallbackInfo& info, size_t i) { return Data(info.Env()).tensors.Get(info[i]); }
const at::Tensor& Self(const Napi::CallbackInfo& info) { return At(info, 0); }

Napi::Array ToArray(Napi::Env env, c10::IntArrayRef values) {
  auto arr = Napi::Array::New(env, values.size());
  for (size_t i = 0; i < values.size(); i++) arr.Set(i, Napi::Number::New(env, values[i]));
  return arr;
}

TVGG_FUNCTION(TensorShape) { return ToArray(info.Env(), Self(info).sizes()); }
TVGG_FUNCTION(TensorStrides) { return ToArray(info.Env(), Self(info).strides()); }
TVGG_FUNCTION(TensorDtype) { return Napi::String::New(info.Env(), DtypeName(Self(info).scalar_type())); }
TVGG_FUNCTION(TensorDevice) { return Napi::String::New(info.Env(), Self(info).device().str()); }
TVGG_FUNCTION(TensorGetRequiresGrad) { return Napi::Boolean::New(info.Env(), Self(info).requires_grad()); }
TVGG_FUNCTION(TensorSetRequiresGrad) {
  // const_cast: requires_grad is metadata of the shared TensorImpl, which PyTorch also mutates in place.
  const_cast<at::Tensor&>(Self(info)).set_requires_grad(info[1].ToBoolean());
  return info.Env().Undefined();
}
// isContiguous(memoryFormat | null)
TVGG_FUNCTION(TensorIsContiguous) {
  auto format = info[1].IsString() ? ParseMemoryFormat(info[1].As<Napi::String>()) : c10::MemoryFormat::Contiguous;
  return Napi::Boolean::New(info.Env(), Self(info).is_contiguous(format));
}

TVGG_FUNCTION(TensorItem) {
  const at::Tensor& t = Self(info);
  if (t.numel() != 1)
    throw ArgError(ArgError::Range,
                   "a Tensor with " + std::to_string(t.numel()) + " elements cannot be converted to Scalar");
  at::Scalar s = t.item();
  if (s.isBoolean()) return Napi::Boolean::New(info.Env(), s.toBool());
  if (s.isIntegral(false)) return Napi::Number::New(info.Env(), static_cast<double>(s.toLong()));
  return Napi::Number::New(info.Env(), s.toDouble());
}

// A contiguous CPU copy in a fresh ArrayBuffer (one copy). Half types come back as float32,
// since JS has no typed array for them.
TVGG_FUNCTION(TensorToTypedArray) {
  Napi::Env env = info.Env();
  at::Tensor t = Self(info).detach();
  if (t.is_quantized())
    throw ArgError(ArgError::Type, "toTypedArray: a quantized (" + DtypeName(t.scalar_type()) +
                                       ") tensor has no typed array; call intRepr() or dequantize() first");
  bool half = t.scalar_type() == at::kHalf || t.scalar_type() == at::kBFloat16;
  // Checked before anything is allocated: a view can claim far more elements than its storage holds.
  int64_t bytes = CheckedBytes(t.sizes(), half ? 4 : static_cast<int64_t>(t.element_size()), "toTypedArray");
  if (static_cast<uint64_t>(bytes) > kMaxArrayBufferBytes)
    throw ArgError(ArgError::Range, "toTypedArray: " + std::to_string(bytes) + " bytes for shape " +
                                        c10::str(t.sizes()) + " exceed the largest ArrayBuffer (" +
                                        std::to_string(kMaxArrayBufferBytes) + " bytes)");
  // V8 ends the process when an ArrayBuffer allocation fails; for a size that could fail, ask the
  // allocator first (a large malloc only reserves address space, nothing is touched) and fail with a
  // RangeError instead. Small copies, the common case, skip the probe.
  if (bytes < kProbeBytes) {
    // nothing to ask
  } else if (static_cast<uint64_t>(bytes) > PhysicalMemoryBytes()) {
    throw ArgError(ArgError::Range, "out of memory: toTypedArray needs " + std::to_string(bytes) + " bytes for shape " +
                                        c10::str(t.sizes()) + ", more than this machine's " +
                                        std::to_string(PhysicalMemoryBytes()) + " bytes of memory");
  } else if (void* probe = std::malloc(static_cast<size_t>(bytes))) {
    std::free(probe);
  } else {
    throw ArgError(ArgError::Range, "out of memory: toTypedArray needs " + std::to_string(bytes) + " bytes for shape " +
                                        c10::str(t.sizes()));
  }
  if (half) t = t.to(at::kFloat);
  auto buf = Napi::ArrayBuffer::New(env, static_cast<size_t>(bytes));
  at::Tensor dst = at::from_blob(buf.Data(), t.sizes(), t.options().device(at::kCPU));
  dst.copy_(t);
  size_t n = t.numel();
  switch (t.scalar_type()) {
    case at::kFloat:
      return Napi::Float32Array::New(env, n, buf, 0);
    case at::kDouble:
      return Napi::Float64Array::New(env, n, buf, 0);
    case at::kLong:
      return Napi::TypedArrayOf<int64_t>::New(env, n, buf, 0, napi_bigint64_array);
    case at::kInt:
      return Napi::Int32Array::New(env, n, buf, 0);
    case at::kShort:
      return Napi::Int16Array::New(env, n, buf, 0);
    case at::kChar:
      return Napi::Int8Array::New(env, n, buf, 0);
    case at::kByte:
    case at::kBool:
      return Napi::Uint8Array::New(env, n, buf, 0);
    default:
      throw ArgError(ArgError::Type, "no typed array for dtype " + DtypeName(t.scalar_type()));
  }
}

TVGG_FUNCTION(TensorReshape) { return TensorWrap::Handle(info.Env(), Self(info).reshape(ToInt64s(info[1], "shape"))); }
TVGG_FUNCTION(TensorView) { return TensorWrap::Handle(info.Env(), Self(info).view(ToInt64s(info[1], "shape"))); }

// to(dtype | null, device | null, copy, memoryFormat | null)
TVGG_FUNCTION(TensorTo) {
  const at::Tensor& t = Self(info);
  auto dtype = info[1].IsString() ? ParseDtype(info[1].As<Napi::String>()) : t.scalar_type();
  auto device = info[2].IsString() ? ParseDevice(info[2].As<Napi::String>()) : t.device();
  c10::optional<c10::MemoryFormat> format;
  if (info[4].IsString()) format = ParseMemoryFormat(info[4].As<Napi::String>());
  if (format == c10::MemoryFormat::ChannelsLast && t.dim() != 4)
    throw ArgError(ArgError::Range, "channels_last needs a 4-D tensor, got " + std::to_string(t.dim()) + "-D");
  // Copies to pinned memory would go here for CUDA; non_blocking only matters for pinned sources.
  at::Tensor out = t.to(device, dtype, /*non_blocking=*/false, /*copy=*/info[3].ToBoolean(), format);
  if (out.unsafeGetTensorImpl() == t.unsafeGetTensorImpl()) return info[0];  // PyTorch returns self
  return TensorWrap::Handle(info.Env(), std::move(out));
}
TVGG_FUNCTION(TensorContiguous) {
  const at::Tensor& t = Self(info);
  if (t.is_contiguous()) return info[0];
  return TensorWrap::Handle(info.Env(), t.contiguous());
}
TVGG_FUNCTION(TensorClone) { return TensorWrap::Handle(info.Env(), Self(info).clone()); }
TVGG_FUNCTION(TensorDetach) { return TensorWrap::Handle(info.Env(), Self(info).detach()); }

// binaryTensor(self, name, other), binaryScalar(self, name, number | boolean): `name` is looked up in
// op_table.cc. Two functions, so that neither asks JS what kind of value `other` is.
TVGG_FUNCTION(TensorBinaryTensor) {
  char name[32];
  const BinaryOp& op = FindBinaryOp(OpName(info[1], name));
  return TensorWrap::Handle(info.Env(), op.with_tensor(Self(info), At(info, 2)));
}
TVGG_FUNCTION(TensorBinaryScalar) {
  char name[32];
  const BinaryOp& op = FindBinaryOp(OpName(info[1], name));
  if (!op.with_scalar) throw ArgError(ArgError::Type, "other must be a Tensor");
  if (!info[2].IsNumber() && !info[2].IsBoolean())
    throw ArgError(ArgError::Type, "other must be a number or a boolean");
  // An integral JS number acts as a Python int (int64 tensors stay int64), any other as a float.
  double v = info[2].IsBoolean() ? 0 : info[2].As<Napi::Number>().DoubleValue();
  at::Scalar b = info[2].IsBoolean()                          ? at::Scalar(info[2].ToBoolean().Value())
                 : v == std::floor(v) && std::abs(v) < 9.0e15 ? at::Scalar(static_cast<int64_t>(v))
                                                              : at::Scalar(v);
  return TensorWrap::Handle(info.Env(), op.with_scalar(Self(info), b));
}

// sum(dims | null, keepdim), mean(dims | null, keepdim)
TVGG_FUNCTION(TensorSum) {
  if (!info[1].IsArray()) return TensorWrap::Handle(info.Env(), Self(info).sum());
  return TensorWrap::Handle(info.Env(), Self(info).sum(ToInt64s(info[1], "dim"), info[2].ToBoolean()));
}
TVGG_FUNCTION(TensorMean) {
  if (!info[1].IsArray()) return TensorWrap::Handle(info.Env(), Self(info).mean());
  return TensorWrap::Handle(info.Env(), Self(info).mean(ToInt64s(info[1], "dim"), info[2].ToBoolean()));
}
// argmax(dim | null, keepdim)
TVGG_FUNCTION(TensorArgmax) {
  c10::optional<int64_t> dim;
  if (info[1].IsNumber()) dim = info[1].As<Napi::Number>().Int64Value();
  return TensorWrap::Handle(info.Env(), Self(info).argmax(dim, info[2].ToBoolean()));
}
TVGG_FUNCTION(TensorSoftmax) {
  return TensorWrap::Handle(info.Env(), Self(info).softmax(info[1].As<Napi::Number>().Int64Value()));
}
// allclose(other, rtol, atol, equalNan)
TVGG_FUNCTION(TensorAllclose) {
  return Napi::Boolean::New(info.Env(),
                            Self(info).allclose(At(info, 1), info[2].As<Napi::Number>().DoubleValue(),
                                                info[3].As<Napi::Number>().DoubleValue(), info[4].ToBoolean()));
}
// copyFrom(src): in-place copy (with dtype/device conversion) outside autograd, as load_state_dict does.
TVGG_FUNCTION(TensorCopyFrom) {
  torch::NoGradGuard no_grad;
  const_cast<at::Tensor&>(Self(info)).copy_(At(info, 1));
  return info.Env().Undefined();
}
// asStrided(size, stride, storageOffset): a view into this tensor's storage (checkpoint tensors that
// are views of a shared storage). Bounds are checked against the storage, so a bad file cannot read past it.
TVGG_FUNCTION(TensorAsStrided) {
  const at::Tensor& t = Self(info);
  auto size = ToInt64s(info[1], "size");
  auto stride = ToInt64s(info[2], "stride");
  int64_t offset = info[3].As<Napi::Number>().Int64Value();
  if (size.size() != stride.size()) throw ArgError(ArgError::Range, "size and stride must have the same length");
  CheckedBytes(size, static_cast<int64_t>(t.element_size()), "asStrided");
  int64_t last = offset;  // index of the furthest element the view can reach
  for (size_t i = 0; i < size.size(); i++) {
    if (size[i] < 0 || stride[i] < 0) throw ArgError(ArgError::Range, "negative size or stride");
    if (size[i] == 0) {
      last = -1;
      break;
    }
    if (size[i] - 1 > (INT64_MAX - last) / std::max<int64_t>(stride[i], 1))
      throw ArgError(ArgError::Range, "view is larger than its storage");
    last += (size[i] - 1) * stride[i];
  }
  int64_t capacity = static_cast<int64_t>(t.storage().nbytes() / t.element_size());
  if (offset < 0 || (last >= 0 && last >= capacity) || offset > capacity)
    throw ArgError(ArgError::Range, "view of " + std::to_string(last + 1) + " elements exceeds a storage of " +
                                        std::to_string(capacity) + " elements");
  return TensorWrap::Handle(info.Env(), t.as_strided(size, stride, offset));
}
TVGG_FUNCTION(TensorSelect) {
  return TensorWrap::Handle(info.Env(), Self(info).select(info[1].As<Napi::Number>().Int64Value(),
                                                          info[2].As<Napi::Number>().Int64Value()));
}
TVGG_FUNCTION(TensorNarrow) {
  return TensorWrap::Handle(info.Env(), Self(info).narrow(info[1].As<Napi::Number>().Int64Value(),
                                                          info[2].As<Napi::Number>().Int64Value(),
                                                          info[3].As<Napi::Number>().Int64Value()));
}
TVGG_FUNCTION(TensorIndexSelect) {
  auto idx = ToInt64s(info[2], "index");
  const at::Tensor& self = Self(info);
  int64_t dim = at::maybe_wrap_dim(info[1].As<Napi::Number>().Int64Value(), self.dim());
  // The indices are on the host already: check them here (on CUDA a bad one is a device-side assert).
  int64_t size = self.dim() == 0 ? 1 : self.size(dim);
  for (int64_t i : idx)
    if (i < 0 || i >= size)
      throw ArgError(ArgError::Range, "indexSelect: index " + std::to_string(i) + " is out of bounds for dimension " +
                                          std::to_string(dim) + " with size " + std::to_string(size));
  at::Tensor index = at::tensor(idx, at::TensorOptions().dtype(at::kLong)).to(self.device());
  return TensorWrap::Handle(info.Env(), self.index_select(dim, index));
}
// The autograd node that produced this tensor ("AddBackward0"), or "" for a leaf; used by toString.
TVGG_FUNCTION(TensorGradFnName) {
  const auto& fn = Self(info).grad_fn();
  return Napi::String::New(info.Env(), fn ? fn->name() : "");
}
TVGG_FUNCTION(TensorPermute) { return TensorWrap::Handle(info.Env(), Self(info).permute(ToInt64s(info[1], "dims"))); }
TVGG_FUNCTION(TensorTranspose) {
  return TensorWrap::Handle(info.Env(), Self(info).transpose(info[1].As<Napi::Number>().Int64Value(),
                                                             info[2].As<Napi::Number>().Int64Value()));
}
TVGG_FUNCTION(TensorUnsqueeze) {
  return TensorWrap::Handle(info.Env(), Self(info).unsqueeze(info[1].As<Napi::Number>().Int64Value()));
}
TVGG_FUNCTION(TensorSqueeze) {
  if (!info[1].IsNumber()) return TensorWrap::Handle(info.Env(), Self(info).squeeze());
  return TensorWrap::Handle(info.Env(), Self(info).squeeze(info[1].As<Napi::Number>().Int64Value()));
}
// unary(name): `name` is looked up in op_table.cc.
TVGG_FUNCTION(TensorUnary) {
  char name[32];
  return TensorWrap::Handle(info.Env(), FindUnaryOp(OpName(info[1], name))(Self(info)));
}
TVGG_FUNCTION(TensorLogSoftmax) {
  return TensorWrap::Handle(info.Env(), Self(info).log_softmax(info[1].As<Napi::Number>().Int64Value()));
}
// topk(k, dim, largest, sorted) -> [values, indices]
TVGG_FUNCTION(TensorTopk) {
  auto [values, indices] =
      Self(info).topk(info[1].As<Napi::Number>().Int64Value(), info[2].As<Napi::Number>().Int64Value(),
                      info[3].ToBoolean(), info[4].ToBoolean());
  auto out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, TensorWrap::Handle(info.Env(), values));
  out.Set(1u, TensorWrap::Handle(info.Env(), indices));
  return out;
}
// backward(gradient | null, retainGraph)
TVGG_FUNCTION(TensorBackward) {
  at::Tensor gradient;
  if (info[1].IsNumber()) gradient = At(info, 1);
  Self(info).backward(gradient, info[2].ToBoolean());
  return info.Env().Undefined();
}
TVGG_FUNCTION(TensorGrad) {
  const at::Tensor& g = Self(info).grad();
  if (!g.defined()) return info.Env().Null();
  return TensorWrap::Handle(info.Env(), g);
}
// setGrad(tensor | null): null drops the gradient, as optimizer.zero_grad(set_to_none=True) does.
TVGG_FUNCTION(TensorSetGrad) {
  at::Tensor& t = const_cast<at::Tensor&>(Self(info));
  t.mutable_grad() = info[1].IsNull() || info[1].IsUndefined() ? at::Tensor() : At(info, 1);
  return info.Env().Undefined();
}
TVGG_FUNCTION(TensorIsLeaf) { return Napi::Boolean::New(info.Env(), Self(info).is_leaf()); }
TVGG_FUNCTION(TensorDispose) {
  Data(info.Env()).tensors.Release(info.Env(), info[0]);
  return info.Env().Undefined();
}
TVGG_FUNCTION(TensorIsDisposed) { return Napi::Boolean::New(info.Env(), !Data(info.Env()).tensors.Live(info[0])); }

// releaseMany(handles: Float64Array, count): the tensors the collector found unreachable since the last call,
// freed in one call (lib/native_tensor.ts); stale handles are ignored.
TVGG_FUNCTION(TensorReleaseMany) {
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw ArgError(ArgError::Type, "releaseMany takes a Float64Array of handles");
  auto handles = info[0].As<Napi::Float64Array>();
  size_t count =
      std::min<size_t>(handles.ElementLength(), info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : 0);
  Data(info.Env()).tensors.ReleaseMany(info.Env(), handles.Data(), count);
  return info.Env().Undefined();
}

// setTensorClass(NativeTensor): the JS class Wrap() makes and TensorOf() accepts (lib/native_tensor.ts).
TVGG_FUNCTION(SetTensorClass) {
  if (!info[0].IsFunction()) throw ArgError(ArgError::Type, "setTensorClass takes the NativeTensor class");
  Data(info.Env()).tensor_class = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}
}  // namespace

Napi::Object TensorWrap::Define(Napi::Env env) {
  Napi::Object fns = Napi::Object::New(env);
  fns.Set("shape", Napi::Function::New<TensorShape>(env, "shape"));
  fns.Set("strides", Napi::Function::New<TensorStrides>(env, "strides"));
  fns.Set("dtype", Napi::Function::New<TensorDtype>(env, "dtype"));
  fns.Set("device", Napi::Function::New<TensorDevice>(env, "device"));
  fns.Set("requiresGrad", Napi::Function::New<TensorGetRequiresGrad>(env, "requiresGrad"));
  fns.Set("setRequiresGrad", Napi::Function::New<TensorSetRequiresGrad>(env, "setRequiresGrad"));
  fns.Set("isContiguous", Napi::Function::New<TensorIsContiguous>(env, "isContiguous"));
  fns.Set("item", Napi::Function::New<TensorItem>(env, "item"));
  fns.Set("toTypedArray", Napi::Function::New<TensorToTypedArray>(env, "toTypedArray"));
  fns.Set("reshape", Napi::Function::New<TensorReshape>(env, "reshape"));
  fns.Set("view", Napi::Function::New<TensorView>(env, "view"));
  fns.Set("to", Napi::Function::New<TensorTo>(env, "to"));
  fns.Set("contiguous", Napi::Function::New<TensorContiguous>(env, "contiguous"));
  fns.Set("clone", Napi::Function::New<TensorClone>(env, "clone"));
  fns.Set("detach", Napi::Function::New<TensorDetach>(env, "detach"));
  fns.Set("binaryTensor", Napi::Function::New<TensorBinaryTensor>(env, "binaryTensor"));
  fns.Set("binaryScalar", Napi::Function::New<TensorBinaryScalar>(env, "binaryScalar"));
  fns.Set("sum", Napi::Function::New<TensorSum>(env, "sum"));
  fns.Set("mean", Napi::Function::New<TensorMean>(env, "mean"));
  fns.Set("argmax", Napi::Function::New<TensorArgmax>(env, "argmax"));
  fns.Set("softmax", Napi::Function::New<TensorSoftmax>(env, "softmax"));
  fns.Set("allclose", Napi::Function::New<TensorAllclose>(env, "allclose"));
  fns.Set("copyFrom", Napi::Function::New<TensorCopyFrom>(env, "copyFrom"));
  fns.Set("asStrided", Napi::Function::New<TensorAsStrided>(env, "asStrided"));
  fns.Set("select", Napi::Function::New<TensorSelect>(env, "select"));
  fns.Set("narrow", Napi::Function::New<TensorNarrow>(env, "narrow"));
  fns.Set("indexSelect", Napi::Function::New<TensorIndexSelect>(env, "indexSelect"));
  fns.Set("gradFnName", Napi::Function::New<TensorGradFnName>(env, "gradFnName"));
  fns.Set("permute", Napi::Function::New<TensorPermute>(env, "permute"));
  fns.Set("transpose", Napi::Function::New<TensorTranspose>(env, "transpose"));
  fns.Set("unsqueeze", Napi::Function::New<TensorUnsqueeze>(env, "unsqueeze"));
  fns.Set("squeeze", Napi::Function::New<TensorSqueeze>(env, "squeeze"));
  fns.Set("unary", Napi::Function::New<TensorUnary>(env, "unary"));
  fns.Set("logSoftmax", Napi::Function::New<TensorLogSoftmax>(env, "logSoftmax"));
  fns.Set("topk", Napi::Function::New<TensorTopk>(env, "topk"));
  fns.Set("backward", Napi::Function::New<TensorBackward>(env, "backward"));
  fns.Set("grad", Napi::Function::New<TensorGrad>(env, "grad"));
  fns.Set("setGrad", Napi::Function::New<TensorSetGrad>(env, "setGrad"));
  fns.Set("isLeaf", Napi::Function::New<TensorIsLeaf>(env, "isLeaf"));
  fns.Set("release", Napi::Function::New<TensorDispose>(env, "release"));
  fns.Set("isDisposed", Napi::Function::New<TensorIsDisposed>(env, "isDisposed"));
  fns.Set("releaseMany", Napi::Function::New<TensorReleaseMany>(env, "releaseMany"));
  fns.Set("setTensorClass", Napi::Function::New<SetTensorClass>(env, "setTensorClass"));
  return fns;
}

}  // namespace tvgg
