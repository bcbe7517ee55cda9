// TensorWrap: the JS handle of an at::Tensor, and dtype/device/shape conversions.
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

Napi::Function TensorWrap::Define(Napi::Env env) {
  Napi::Function cls = DefineClass(env, "NativeTensor",
                                   {InstanceMethod<&TensorWrap::Shape>("shape", kReplaceable),
                                    InstanceMethod<&TensorWrap::Strides>("strides", kReplaceable),
                                    InstanceMethod<&TensorWrap::Dtype>("dtype", kReplaceable),
                                    InstanceMethod<&TensorWrap::Device>("device", kReplaceable),
                                    InstanceMethod<&TensorWrap::GetRequiresGrad>("requiresGrad", kReplaceable),
                                    InstanceMethod<&TensorWrap::SetRequiresGrad>("setRequiresGrad", kReplaceable),
                                    InstanceMethod<&TensorWrap::IsContiguous>("isContiguous", kReplaceable),
                                    InstanceMethod<&TensorWrap::Item>("item", kReplaceable),
                                    InstanceMethod<&TensorWrap::ToTypedArray>("toTypedArray", kReplaceable),
                                    InstanceMethod<&TensorWrap::Reshape>("reshape", kReplaceable),
                                    InstanceMethod<&TensorWrap::View>("view", kReplaceable),
                                    InstanceMethod<&TensorWrap::To>("to", kReplaceable),
                                    InstanceMethod<&TensorWrap::Contiguous>("contiguous", kReplaceable),
                                    InstanceMethod<&TensorWrap::Clone>("clone", kReplaceable),
                                    InstanceMethod<&TensorWrap::Detach>("detach", kReplaceable),
                                    InstanceMethod<&TensorWrap::Binary>("binary", kReplaceable),
                                    InstanceMethod<&TensorWrap::Sum>("sum", kReplaceable),
                                    InstanceMethod<&TensorWrap::Mean>("mean", kReplaceable),
                                    InstanceMethod<&TensorWrap::Argmax>("argmax", kReplaceable),
                                    InstanceMethod<&TensorWrap::Softmax>("softmax", kReplaceable),
                                    InstanceMethod<&TensorWrap::Allclose>("allclose", kReplaceable),
                                    InstanceMethod<&TensorWrap::CopyFrom>("copyFrom", kReplaceable),
                                    InstanceMethod<&TensorWrap::AsStrided>("asStrided", kReplaceable),
                                    InstanceMethod<&TensorWrap::Select>("select", kReplaceable),
                                    InstanceMethod<&TensorWrap::Narrow>("narrow", kReplaceable),
                                    InstanceMethod<&TensorWrap::IndexSelect>("indexSelect", kReplaceable),
                                    InstanceMethod<&TensorWrap::GradFnName>("gradFnName", kReplaceable),
                                    InstanceMethod<&TensorWrap::Permute>("permute", kReplaceable),
                                    InstanceMethod<&TensorWrap::Transpose>("transpose", kReplaceable),
                                    InstanceMethod<&TensorWrap::Unsqueeze>("unsqueeze", kReplaceable),
                                    InstanceMethod<&TensorWrap::Squeeze>("squeeze", kReplaceable),
                                    InstanceMethod<&TensorWrap::Unary>("unary", kReplaceable),
                                    InstanceMethod<&TensorWrap::LogSoftmax>("logSoftmax", kReplaceable),
                                    InstanceMethod<&TensorWrap::Topk>("topk", kReplaceable),
                                    InstanceMethod<&TensorWrap::Backward>("backward", kReplaceable),
                                    InstanceMethod<&TensorWrap::Grad>("grad", kReplaceable),
                                    InstanceMethod<&TensorWrap::SetGrad>("setGrad", kReplaceable),
                                    InstanceMethod<&TensorWrap::IsLeaf>("isLeaf", kReplaceable),
                                    InstanceMethod<&TensorWrap::Dispose>("dispose", kReplaceable),
                                    InstanceMethod<&TensorWrap::IsDisposed>("isDisposed", kReplaceable)});
  Data(env).tensor_class = Napi::Persistent(cls);
  return cls;
}

namespace {
// The tensor a Wrap() call is handing to the constructor it invokes. Passing it here instead of in an
// External saves allocating one more JS object per result, which is most of a tiny op's cost.
thread_local at::Tensor* pending_tensor = nullptr;
// Results smaller than this are not reported to V8: the call costs more than the bytes matter.
constexpr int64_t kReportBytes = 64 * 1024;
}  // namespace

Napi::Object TensorWrap::Wrap(Napi::Env env, at::Tensor t) {
  pending_tensor = &t;
  Napi::Object obj = Data(env).tensor_class.New({});
  pending_tensor = nullptr;
  return obj;
}

// Every NativeTensor carries this tag: checking it is cheaper than instanceof (no prototype walk).
static const napi_type_tag kTensorTag = {0x7f3a9c2e51d84b06ULL, 0xa1c4e8f20b6d3957ULL};

bool TensorWrap::Is(Napi::Value v) {
  if (!v.IsObject()) return false;
  bool tagged = false;
  napi_check_object_type_tag(v.Env(), v, &kTensorTag, &tagged);
  return tagged;
}

const at::Tensor& TensorWrap::TensorOf(Napi::Value v, const char* what) {
  if (!Is(v)) throw ArgError(ArgError::Type, std::string(what) + " must be a Tensor");
  return ObjectWrap::Unwrap(v.As<Napi::Object>())->Get();
}

TensorWrap::TensorWrap(const Napi::CallbackInfo& info) : ObjectWrap(info) {
  if (pending_tensor == nullptr)
    throw Napi::TypeError::New(info.Env(), "NativeTensor is created by torch functions, not directly");
  t_ = std::move(*pending_tensor);
  pending_tensor = nullptr;
  napi_type_tag_object(info.Env(), info.This(), &kTensorTag);
  // Tell V8 about memory this handle alone keeps alive, so the collector frees unreferenced results.
  if (t_.defined() && t_.has_storage() && t_.device().is_cpu() && t_.storage().use_count() == 1 &&
      static_cast<int64_t>(t_.storage().nbytes()) >= kReportBytes) {
    reported_bytes_ = static_cast<int64_t>(t_.storage().nbytes());
    Napi::MemoryManagement::AdjustExternalMemory(info.Env(), reported_bytes_);
  }
}

TensorWrap::~TensorWrap() { Release(Env()); }

void TensorWrap::Release(Napi::Env env) {
  if (reported_bytes_) Napi::MemoryManagement::AdjustExternalMemory(env, -reported_bytes_);
  reported_bytes_ = 0;
  t_.reset();
}

const at::Tensor& TensorWrap::Get() const {
  if (!t_.defined()) throw std::runtime_error("tensor was disposed");
  return t_;
}

static Napi::Array ToArray(Napi::Env env, c10::IntArrayRef values) {
  auto arr = Napi::Array::New(env, values.size());
  for (size_t i = 0; i < values.size(); i++) arr.Set(i, Napi::Number::New(env, values[i]));
  return arr;
}

Napi::Value TensorWrap::ShapeImpl(const Napi::CallbackInfo& info) { return ToArray(info.Env(), Get().sizes()); }
Napi::Value TensorWrap::StridesImpl(const Napi::CallbackInfo& info) { return ToArray(info.Env(), Get().strides()); }
Napi::Value TensorWrap::DtypeImpl(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), DtypeName(Get().scalar_type()));
}
Napi::Value TensorWrap::DeviceImpl(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Get().device().str());
}
Napi::Value TensorWrap::GetRequiresGradImpl(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), Get().requires_grad());
}
Napi::Value TensorWrap::SetRequiresGradImpl(const Napi::CallbackInfo& info) {
  // const_cast: requires_grad is metadata of the shared TensorImpl, which PyTorch also mutates in place.
  const_cast<at::Tensor&>(Get()).set_requires_grad(info[0].ToBoolean());
  return info.Env().Undefined();
}
// isContiguous(memoryFormat | null)
Napi::Value TensorWrap::IsContiguousImpl(const Napi::CallbackInfo& info) {
  auto format = info[0].IsString() ? ParseMemoryFormat(info[0].As<Napi::String>()) : c10::MemoryFormat::Contiguous;
  return Napi::Boolean::New(info.Env(), Get().is_contiguous(format));
}

Napi::Value TensorWrap::ItemImpl(const Napi::CallbackInfo& info) {
  const at::Tensor& t = Get();
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
Napi::Value TensorWrap::ToTypedArrayImpl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor t = Get().detach();
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

Napi::Value TensorWrap::ReshapeImpl(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), Get().reshape(ToInt64s(info[0], "shape")));
}
Napi::Value TensorWrap::ViewImpl(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), Get().view(ToInt64s(info[0], "shape")));
}

// to(dtype | null, device | null, copy, memoryFormat | null)
Napi::Value TensorWrap::ToImpl(const Napi::CallbackInfo& info) {
  const at::Tensor& t = Get();
  auto dtype = info[0].IsString() ? ParseDtype(info[0].As<Napi::String>()) : t.scalar_type();
  auto device = info[1].IsString() ? ParseDevice(info[1].As<Napi::String>()) : t.device();
  c10::optional<c10::MemoryFormat> format;
  if (info[3].IsString()) format = ParseMemoryFormat(info[3].As<Napi::String>());
  if (format == c10::MemoryFormat::ChannelsLast && t.dim() != 4)
    throw ArgError(ArgError::Range, "channels_last needs a 4-D tensor, got " + std::to_string(t.dim()) + "-D");
  // Copies to pinned memory would go here for CUDA; non_blocking only matters for pinned sources.
  at::Tensor out = t.to(device, dtype, /*non_blocking=*/false, /*copy=*/info[2].ToBoolean(), format);
  if (out.unsafeGetTensorImpl() == t.unsafeGetTensorImpl()) return info.This();  // PyTorch returns self
  return Wrap(info.Env(), std::move(out));
}
Napi::Value TensorWrap::ContiguousImpl(const Napi::CallbackInfo& info) {
  const at::Tensor& t = Get();
  if (t.is_contiguous()) return info.This();
  return Wrap(info.Env(), t.contiguous());
}
Napi::Value TensorWrap::CloneImpl(const Napi::CallbackInfo& info) { return Wrap(info.Env(), Get().clone()); }
Napi::Value TensorWrap::DetachImpl(const Napi::CallbackInfo& info) { return Wrap(info.Env(), Get().detach()); }

// binary(name, other): other a Tensor or a number; `name` is looked up in op_table.cc.
Napi::Value TensorWrap::BinaryImpl(const Napi::CallbackInfo& info) {
  const at::Tensor& a = Get();
  char name[32];
  const BinaryOp& op = FindBinaryOp(OpName(info[0], name));
  if (info[1].IsNumber() || info[1].IsBoolean()) {
    if (!op.with_scalar) throw ArgError(ArgError::Type, "other must be a Tensor");
    // An integral JS number acts as a Python int (int64 tensors stay int64), any other as a float.
    double v = info[1].IsBoolean() ? 0 : info[1].As<Napi::Number>().DoubleValue();
    at::Scalar b = info[1].IsBoolean()                          ? at::Scalar(info[1].ToBoolean().Value())
                   : v == std::floor(v) && std::abs(v) < 9.0e15 ? at::Scalar(static_cast<int64_t>(v))
                                                                : at::Scalar(v);
    return Wrap(info.Env(), op.with_scalar(a, b));
  }
  return Wrap(info.Env(), op.with_tensor(a, TensorOf(info[1], "other")));
}

// sum(dims | null, keepdim), mean(dims | null, keepdim)
Napi::Value TensorWrap::SumImpl(const Napi::CallbackInfo& info) {
  if (!info[0].IsArray()) return Wrap(info.Env(), Get().sum());
  return Wrap(info.Env(), Get().sum(ToInt64s(info[0], "dim"), info[1].ToBoolean()));
}
Napi::Value TensorWrap::MeanImpl(const Napi::CallbackInfo& info) {
  if (!info[0].IsArray()) return Wrap(info.Env(), Get().mean());
  return Wrap(info.Env(), Get().mean(ToInt64s(info[0], "dim"), info[1].ToBoolean()));
}
// argmax(dim | null, keepdim)
Napi::Value TensorWrap::ArgmaxImpl(const Napi::CallbackInfo& info) {
  c10::optional<int64_t> dim;
  if (info[0].IsNumber()) dim = info[0].As<Napi::Number>().Int64Value();
  return Wrap(info.Env(), Get().argmax(dim, info[1].ToBoolean()));
}
Napi::Value TensorWrap::SoftmaxImpl(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), Get().softmax(info[0].As<Napi::Number>().Int64Value()));
}
// allclose(other, rtol, atol, equalNan)
Napi::Value TensorWrap::AllcloseImpl(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(),
                            Get().allclose(TensorOf(info[0], "other"), info[1].As<Napi::Number>().DoubleValue(),
                                           info[2].As<Napi::Number>().DoubleValue(), info[3].ToBoolean()));
}
// copyFrom(src): in-place copy (with dtype/device conversion) outside autograd, as load_state_dict does.
Napi::Value TensorWrap::CopyFromImpl(const Napi::CallbackInfo& info) {
  torch::NoGradGuard no_grad;
  const_cast<at::Tensor&>(Get()).copy_(TensorOf(info[0], "source"));
  return info.Env().Undefined();
}
// asStrided(size, stride, storageOffset): a view into this tensor's storage (checkpoint tensors that
// are views of a shared storage). Bounds are checked against the storage, so a bad file cannot read past it.
Napi::Value TensorWrap::AsStridedImpl(const Napi::CallbackInfo& info) {
  const at::Tensor& t = Get();
  auto size = ToInt64s(info[0], "size");
  auto stride = ToInt64s(info[1], "stride");
  int64_t offset = info[2].As<Napi::Number>().Int64Value();
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
  return Wrap(info.Env(), t.as_strided(size, stride, offset));
}
Napi::Value TensorWrap::SelectImpl(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(),
              Get().select(info[0].As<Napi::Number>().Int64Value(), info[1].As<Napi::Number>().Int64Value()));
}
Napi::Value TensorWrap::NarrowImpl(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), Get().narrow(info[0].As<Napi::Number>().Int64Value(), info[1].As<Napi::Number>().Int64Value(),
                                       info[2].As<Napi::Number>().Int64Value()));
}
Napi::Value TensorWrap::IndexSelectImpl(const Napi::CallbackInfo& info) {
  auto idx = ToInt64s(info[1], "index");
  const at::Tensor& self = Get();
  int64_t dim = at::maybe_wrap_dim(info[0].As<Napi::Number>().Int64Value(), self.dim());
  // The indices are on the host already: check them here (on CUDA a bad one is a device-side assert).
  int64_t size = self.dim() == 0 ? 1 : self.size(dim);
  for (int64_t i : idx)
    if (i < 0 || i >= size)
      throw ArgError(ArgError::Range, "indexSelect: index " + std::to_string(i) + " is out of bounds for dimension " +
                                          std::to_string(dim) + " with size " + std::to_string(size));
  at::Tensor index = at::tensor(idx, at::TensorOptions().dtype(at::kLong)).to(self.device());
  return Wrap(info.Env(), self.index_select(dim, index));
}
// The autograd node that produced this tensor ("AddBackward0"), or "" for a leaf; used by toString.
Napi::Value TensorWrap::GradFnNameImpl(const Napi::CallbackInfo& info) {
  const auto& fn = Get().grad_fn();
  return Napi::String::New(info.Env(), fn ? fn->name() : "");
}
Napi::Value TensorWrap::PermuteImpl(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), Get().permute(ToInt64s(info[0], "dims")));
}
Napi::Value TensorWrap::TransposeImpl(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(),
              Get().transpose(info[0].As<Napi::Number>().Int64Value(), info[1].As<Napi::Number>().Int64Value()));
}
Napi::Value TensorWrap::UnsqueezeImpl(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), Get().unsqueeze(info[0].As<Napi::Number>().Int64Value()));
}
Napi::Value TensorWrap::SqueezeImpl(const Napi::CallbackInfo& info) {
  if (!info[0].IsNumber()) return Wrap(info.Env(), Get().squeeze());
  return Wrap(info.Env(), Get().squeeze(info[0].As<Napi::Number>().Int64Value()));
}
// unary(name): `name` is looked up in op_table.cc.
Napi::Value TensorWrap::UnaryImpl(const Napi::CallbackInfo& info) {
  char name[32];
  return Wrap(info.Env(), FindUnaryOp(OpName(info[0], name))(Get()));
}
Napi::Value TensorWrap::LogSoftmaxImpl(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), Get().log_softmax(info[0].As<Napi::Number>().Int64Value()));
}
// topk(k, dim, largest, sorted) -> [values, indices]
Napi::Value TensorWrap::TopkImpl(const Napi::CallbackInfo& info) {
  auto [values, indices] = Get().topk(info[0].As<Napi::Number>().Int64Value(), info[1].As<Napi::Number>().Int64Value(),
                                      info[2].ToBoolean(), info[3].ToBoolean());
  auto out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, Wrap(info.Env(), values));
  out.Set(1u, Wrap(info.Env(), indices));
  return out;
}
// backward(gradient | null, retainGraph)
Napi::Value TensorWrap::BackwardImpl(const Napi::CallbackInfo& info) {
  at::Tensor gradient;
  if (TensorWrap::Is(info[0])) gradient = TensorOf(info[0], "gradient");
  Get().backward(gradient, info[1].ToBoolean());
  return info.Env().Undefined();
}
Napi::Value TensorWrap::GradImpl(const Napi::CallbackInfo& info) {
  const at::Tensor& g = Get().grad();
  if (!g.defined()) return info.Env().Null();
  return Wrap(info.Env(), g);
}
// setGrad(tensor | null): null drops the gradient, as optimizer.zero_grad(set_to_none=True) does.
Napi::Value TensorWrap::SetGradImpl(const Napi::CallbackInfo& info) {
  at::Tensor& t = const_cast<at::Tensor&>(Get());
  t.mutable_grad() = info[0].IsNull() || info[0].IsUndefined() ? at::Tensor() : TensorOf(info[0], "grad");
  return info.Env().Undefined();
}
Napi::Value TensorWrap::IsLeafImpl(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), Get().is_leaf());
}
Napi::Value TensorWrap::DisposeImpl(const Napi::CallbackInfo& info) {
  Release(info.Env());
  return info.Env().Undefined();
}
Napi::Value TensorWrap::IsDisposedImpl(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !t_.defined());
}

}  // namespace tvgg
