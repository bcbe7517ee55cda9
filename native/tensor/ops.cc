// Tensor factories and process-wide settings (seed, threads, CUDA presence).
#include "tensor/ops.h"
#include "core/addon_data.h"
#include "tensor/tensor.h"
#include "tensor/cuda_index_guard.h"
#include "core/thread_state.h"

namespace tvgg {
namespace {

at::TensorOptions Options(const Napi::Value& dtype, const Napi::Value& device, at::ScalarType fallback) {
  auto opts = at::TensorOptions().dtype(dtype.IsString() ? ParseDtype(dtype.As<Napi::String>()) : fallback);
  if (device.IsString()) opts = opts.device(ParseDevice(device.As<Napi::String>()));
  return opts;
}

at::ScalarType TypedArrayDtype(napi_typedarray_type t) {
  switch (t) {
    case napi_float32_array:
      return at::kFloat;
    case napi_float64_array:
      return at::kDouble;
    case napi_int32_array:
      return at::kInt;
    case napi_int16_array:
      return at::kShort;
    case napi_int8_array:
      return at::kChar;
    case napi_uint8_array:
    case napi_uint8_clamped_array:
      return at::kByte;
    case napi_bigint64_array:
      return at::kLong;
    default:
      throw ArgError(ArgError::Type,
                     "unsupported typed array type (use Float32Array, Float64Array, "
                     "Int32Array, Int16Array, Int8Array, Uint8Array or BigInt64Array)");
  }
}

at::Tensor Finish(at::Tensor t, const Napi::Value& requires_grad) {
  if (requires_grad.ToBoolean()) t.set_requires_grad(true);
  return t;
}

// fromTypedArray(array, shape, dtype | null, device | null, requiresGrad): one copy, like torch.tensor.
TVGG_FUNCTION(FromTypedArray) {
  auto arr = info[0].As<Napi::TypedArray>();
  auto src_type = TypedArrayDtype(arr.TypedArrayType());
  auto shape = ToInt64s(info[1], "shape");
  void* data = static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
  at::Tensor view = at::from_blob(data, shape, at::TensorOptions().dtype(src_type));
  if (view.numel() != static_cast<int64_t>(arr.ElementLength()))
    throw ArgError(ArgError::Range, "shape does not match the number of elements");
  auto opts = Options(info[2], info[3], src_type);
  at::Tensor out = at::empty(shape, opts);
  out.copy_(view);
  return TensorWrap::Wrap(info.Env(), Finish(out, info[4]));
}

// frombuffer(arrayBuffer, byteOffset, count, dtype): a view of the JS memory, no copy. The tensor keeps
// the ArrayBuffer alive; the reference is dropped on the main thread whichever thread frees the tensor.
TVGG_FUNCTION(FromBuffer) {
  Napi::Env env = info.Env();
  auto buf = info[0].As<Napi::ArrayBuffer>();
  int64_t offset = info[1].As<Napi::Number>().Int64Value();
  int64_t count = info[2].As<Napi::Number>().Int64Value();
  auto dtype = ParseDtype(info[3].As<Napi::String>());
  int64_t need = count * static_cast<int64_t>(c10::elementSize(dtype));
  if (offset < 0 || count < 0 || offset + need > static_cast<int64_t>(buf.ByteLength()))
    throw ArgError(ArgError::Range, "buffer is too small for the requested count and offset");
  auto* ref = new Napi::Reference<Napi::ArrayBuffer>(Napi::Persistent(buf));
  std::weak_ptr<Executor> executor = Data(env).executor_ptr;
  auto release = [ref, executor](void*) {
    if (auto e = executor.lock()) e->OnMainThread([ref] { delete ref; });
    // else: the environment is torn down and its references with it; nothing is left to release.
  };
  at::Tensor t =
      at::from_blob(static_cast<uint8_t*>(buf.Data()) + offset, {count}, release, at::TensorOptions().dtype(dtype));
  return TensorWrap::Wrap(env, t);
}

// factory(kind, shape, dtype | null, device | null, requiresGrad); kind: zeros ones empty rand randn
TVGG_FUNCTION(Factory) {
  std::string kind = info[0].As<Napi::String>();
  auto shape = ToInt64s(info[1], "shape");
  for (auto d : shape)
    if (d < 0) throw ArgError(ArgError::Range, "negative dimension " + std::to_string(d));
  auto opts = Options(info[2], info[3], at::kFloat);
  int64_t bytes = CheckedBytes(shape, static_cast<int64_t>(c10::elementSize(c10::typeMetaToScalarType(opts.dtype()))),
                               kind.c_str());
  at::Tensor t;
  try {
    if (kind == "zeros") t = at::zeros(shape, opts);
    else if (kind == "ones") t = at::ones(shape, opts);
    else if (kind == "empty") t = at::empty(shape, opts);
    else if (kind == "rand") t = at::rand(shape, opts);
    else if (kind == "randn") t = at::randn(shape, opts);
    else throw ArgError(ArgError::Type, "unknown factory " + kind);
  } catch (const c10::Error& e) {
    // Say what did not fit: the shape and dtype, not only libtorch's byte count.
    if (!OutOfMemory(e.what_without_backtrace())) throw;
    throw ArgError(ArgError::Range, "out of memory: torch." + kind + "(" + c10::str(c10::IntArrayRef(shape)) + ", " +
                                        DtypeName(c10::typeMetaToScalarType(opts.dtype())) + ") needs " +
                                        std::to_string(bytes) + " bytes");
  }
  return TensorWrap::Wrap(info.Env(), Finish(t, info[4]));
}

// arange(start, end, step, dtype | null, device | null): int64 when all of start, end, step are integers.
TVGG_FUNCTION(Arange) {
  double start = info[0].As<Napi::Number>(), end = info[1].As<Napi::Number>(), step = info[2].As<Napi::Number>();
  if (step == 0) throw ArgError(ArgError::Range, "step must be nonzero");
  bool integral = start == std::floor(start) && end == std::floor(end) && step == std::floor(step);
  auto opts = Options(info[3], info[4], integral ? at::kLong : at::kFloat);
  return TensorWrap::Wrap(info.Env(), at::arange(start, end, step, opts));
}

TVGG_FUNCTION(ManualSeed) {
  torch::manual_seed(static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value()));
  return info.Env().Undefined();
}

TVGG_FUNCTION(SetNumThreads) {
  int n = info[0].As<Napi::Number>().Int32Value();
  if (n < 1) throw ArgError(ArgError::Range, "number of threads must be at least 1");
  at::set_num_threads(n);
  return info.Env().Undefined();
}

TVGG_FUNCTION(GetNumThreads) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

std::vector<at::Tensor> TensorList(const Napi::Value& v) {
  if (!v.IsArray()) throw ArgError(ArgError::Type, "tensors must be an array of Tensors");
  auto arr = v.As<Napi::Array>();
  std::vector<at::Tensor> out;
  for (uint32_t i = 0; i < arr.Length(); i++) out.push_back(TensorWrap::TensorOf(arr.Get(i), "tensors[i]"));
  if (out.empty()) throw ArgError(ArgError::Range, "expected a non-empty list of Tensors");
  return out;
}

TVGG_FUNCTION(Stack) {
  return TensorWrap::Wrap(info.Env(), at::stack(TensorList(info[0]), info[1].As<Napi::Number>().Int64Value()));
}
TVGG_FUNCTION(Cat) {
  return TensorWrap::Wrap(info.Env(), at::cat(TensorList(info[0]), info[1].As<Napi::Number>().Int64Value()));
}

TVGG_FUNCTION(SetGradEnabled) {
  at::GradMode::set_enabled(info[0].ToBoolean());
  return info.Env().Undefined();
}
// inferenceMode(fn): calls fn with c10::InferenceMode held (it is a scope, so the JS callback runs inside it).
TVGG_FUNCTION(InferenceModeFn) {
  if (!info[0].IsFunction()) throw ArgError(ArgError::Type, "inferenceMode() takes a function");
  c10::InferenceMode guard;
  return info[0].As<Napi::Function>().Call({});
}

TVGG_FUNCTION(IsGradEnabled) { return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled()); }

// crossEntropy(input, target, weight | null, reduction, ignoreIndex, labelSmoothing)
TVGG_FUNCTION(CrossEntropy) {
  const at::Tensor& input = TensorWrap::TensorOf(info[0], "input");
  const at::Tensor& target = TensorWrap::TensorOf(info[1], "target");
  at::Tensor weight;
  if (TensorWrap::Is(info[2])) weight = TensorWrap::TensorOf(info[2], "weight");
  std::string reduction = info[3].As<Napi::String>();
  int64_t r = reduction == "none" ? at::Reduction::None : reduction == "sum" ? at::Reduction::Sum : at::Reduction::Mean;
  CheckCudaClassTargets(input, target, info[4].As<Napi::Number>().Int64Value(), "crossEntropy");
  return TensorWrap::Wrap(info.Env(),
                          at::cross_entropy_loss(input, target, weight, r, info[4].As<Napi::Number>().Int64Value(),
                                                 info[5].As<Napi::Number>().DoubleValue()));
}

// dropout(input, p, training)
TVGG_FUNCTION(DropoutFn) {
  return TensorWrap::Wrap(info.Env(), at::dropout(TensorWrap::TensorOf(info[0], "input"),
                                                  info[1].As<Napi::Number>().DoubleValue(), info[2].ToBoolean()));
}

// adaptiveAvgPool2d(input, [h, w])
TVGG_FUNCTION(AdaptiveAvgPool2dFn) {
  return TensorWrap::Wrap(info.Env(), at::adaptive_avg_pool2d(TensorWrap::TensorOf(info[0], "input"),
                                                              ToInt64s(info[1], "outputSize")));
}

// setAutocast(deviceType, enabled, dtype) -> previous [enabled, dtype]; the caller restores it.
TVGG_FUNCTION(SetAutocast) {
  std::string type = info[0].As<Napi::String>();
  if (type != "cpu" && type != "cuda") throw ArgError(ArgError::Type, "autocast device must be 'cpu' or 'cuda'");
  auto device = type == "cpu" ? c10::DeviceType::CPU : c10::DeviceType::CUDA;
  auto prev = Napi::Array::New(info.Env(), 2);
  prev.Set(0u, AutocastEnabled(device));
  prev.Set(1u, DtypeName(AutocastDtype(device)));
  bool on = info[1].ToBoolean();
  SetAutocastDtype(device, ParseDtype(info[2].As<Napi::String>()));
  SetAutocastEnabled(device, on);
  if (!on) at::autocast::clear_cache();  // casts cached inside the region are dropped when it ends
  return prev;
}

TVGG_FUNCTION(CudaDeviceCount) {
  return Napi::Number::New(info.Env(), static_cast<double>(torch::cuda::device_count()));
}

// cudaSynchronize(deviceIndex): waits for every kernel queued on that device (torch.cuda.synchronize).
TVGG_FUNCTION(CudaSynchronize) {
  torch::cuda::synchronize(info[0].As<Napi::Number>().Int64Value());
  return info.Env().Undefined();
}

}  // namespace

void RegisterOps(Napi::Env env, Napi::Object exports) {
  exports.Set("fromTypedArray", Napi::Function::New<FromTypedArray>(env));
  exports.Set("frombuffer", Napi::Function::New<FromBuffer>(env));
  exports.Set("factory", Napi::Function::New<Factory>(env));
  exports.Set("arange", Napi::Function::New<Arange>(env));
  exports.Set("manualSeed", Napi::Function::New<ManualSeed>(env));
  exports.Set("setNumThreads", Napi::Function::New<SetNumThreads>(env));
  exports.Set("getNumThreads", Napi::Function::New<GetNumThreads>(env));
  exports.Set("cudaDeviceCount", Napi::Function::New<CudaDeviceCount>(env));
  exports.Set("cudaSynchronize", Napi::Function::New<CudaSynchronize>(env));
  exports.Set("stack", Napi::Function::New<Stack>(env));
  exports.Set("cat", Napi::Function::New<Cat>(env));
  exports.Set("setGradEnabled", Napi::Function::New<SetGradEnabled>(env));
  exports.Set("isGradEnabled", Napi::Function::New<IsGradEnabled>(env));
  exports.Set("inferenceMode", Napi::Function::New<InferenceModeFn>(env));
  exports.Set("crossEntropy", Napi::Function::New<CrossEntropy>(env));
  exports.Set("dropout", Napi::Function::New<DropoutFn>(env));
  exports.Set("adaptiveAvgPool2d", Napi::Function::New<AdaptiveAvgPool2dFn>(env));
  exports.Set("setAutocast", Napi::Function::New<SetAutocast>(env));
  exports.Set("libtorchVersion", Napi::String::New(env, TORCH_VERSION));
}

}  // namespace tvgg
