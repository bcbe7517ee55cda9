// ModuleWrap bindings, createModule through the registry, and to()'s in-place casts.
#include "nn/module_wrap.h"
#include "core/addon_data.h"
#include "nn/busy.h"
#include "nn/registry.h"
#include "tensor/tensor.h"

namespace tvgg {

namespace {
at::Tensor FirstParameter(const Module& m) {
  if (!m.Parameters().empty()) return m.Parameters().front().second;
  for (auto& [key, child] : m.Children()) {
    at::Tensor t = FirstParameter(*child);
    if (t.defined()) return t;
  }
  return at::Tensor();
}

size_t Position(const Napi::Value& v) {
  if (!v.IsNumber()) throw ArgError(ArgError::Type, "index must be an integer");
  int64_t pos = v.As<Napi::Number>().Int64Value();
  if (pos < 0) throw ArgError(ArgError::Range, "index " + std::to_string(pos) + " is out of range");
  return static_cast<size_t>(pos);
}

std::string Key(const Napi::Value& v, const char* what) {
  if (!v.IsString()) throw ArgError(ArgError::Type, std::string(what) + " must be a string");
  std::string key = v.As<Napi::String>();
  if (key.empty() || key.find('.') != std::string::npos)
    throw ArgError(ArgError::Range, std::string(what) + " must be a non-empty name without dots; got '" + key + "'");
  return key;
}

// Casts every parameter and buffer below `m` in place (set_data keeps each tensor's identity, as
// Module.to() does); dtype applies to floating-point tensors only, memory format to 4-D ones, like
// PyTorch. An explicit memory format also pins the layout eval() would otherwise choose.
void CastTree(Module& m, c10::optional<at::ScalarType> dtype, c10::optional<c10::Device> device,
              c10::optional<c10::MemoryFormat> format) {
  torch::NoGradGuard no_grad;
  for (auto* list : {&m.Parameters(), &m.Buffers()}) {
    for (auto& [name, t] : *list) {
      auto target = dtype && t.is_floating_point() ? *dtype : t.scalar_type();
      auto layout = format && t.dim() == 4 ? format : c10::nullopt;
      auto converted = t.to(device.value_or(t.device()), target, false, false, layout);
      if (converted.unsafeGetTensorImpl() != t.unsafeGetTensorImpl()) const_cast<at::Tensor&>(t).set_data(converted);
    }
  }
  if (format == c10::MemoryFormat::ChannelsLast) m.SetLayout(LayoutPreference::ChannelsLast);
  if (format == c10::MemoryFormat::Contiguous) m.SetLayout(LayoutPreference::Contiguous);
  for (auto& [key, child] : m.Children()) CastTree(*child, dtype, device, format);
}

// createModule(type, options): the layer registry builds it; defaults live with each layer.
TVGG_FUNCTION(Create) {
  if (!info[0].IsString()) throw ArgError(ArgError::Type, "module type must be a string");
  return ModuleWrap::Wrap(info.Env(), CreateLayer(info[0].As<Napi::String>(), Options::FromJs(info[1])));
}

// executorPending() -> async jobs submitted and not yet settled (the server's backpressure signal).
TVGG_FUNCTION(ExecutorPending) {
  return Napi::Number::New(info.Env(), static_cast<double>(Data(info.Env()).executor.Pending()));
}
}  // namespace

Napi::Function ModuleWrap::Define(Napi::Env env) {
  Napi::Function cls = DefineClass(env, "NativeModule",
                                   {InstanceMethod<&ModuleWrap::TypeName>("typeName", kReplaceable),
                                    InstanceMethod<&ModuleWrap::Id>("id", kReplaceable),
                                    InstanceMethod<&ModuleWrap::DefinedInJs>("definedInJs", kReplaceable),
                                    InstanceMethod<&ModuleWrap::ExtraRepr>("extraRepr", kReplaceable),
                                    InstanceMethod<&ModuleWrap::Config>("config", kReplaceable),
                                    InstanceMethod<&ModuleWrap::NamedChildren>("namedChildren", kReplaceable),
                                    InstanceMethod<&ModuleWrap::OwnParameters>("ownParameters", kReplaceable),
                                    InstanceMethod<&ModuleWrap::OwnBuffers>("ownBuffers", kReplaceable),
                                    InstanceMethod<&ModuleWrap::Training>("training", kReplaceable),
                                    InstanceMethod<&ModuleWrap::Train>("train", kReplaceable),
                                    InstanceMethod<&ModuleWrap::Forward>("forward", kReplaceable),
                                    InstanceMethod<&ModuleWrap::ForwardRaw>("forwardRaw", kReplaceable),
                                    InstanceMethod<&ModuleWrap::ForwardAsync>("forwardAsync", kReplaceable),
                                    InstanceMethod<&ModuleWrap::SetChild>("setChild", kReplaceable),
                                    InstanceMethod<&ModuleWrap::RemoveChild>("removeChild", kReplaceable),
                                    InstanceMethod<&ModuleWrap::EraseChildAt>("eraseChildAt", kReplaceable),
                                    InstanceMethod<&ModuleWrap::InsertChildAt>("insertChildAt", kReplaceable),
                                    InstanceMethod<&ModuleWrap::ReplaceChildAt>("replaceChildAt", kReplaceable),
                                    InstanceMethod<&ModuleWrap::SetParameter>("setParameter", kReplaceable),
                                    InstanceMethod<&ModuleWrap::SetBuffer>("setBuffer", kReplaceable),
                                    InstanceMethod<&ModuleWrap::RequiresGrad>("requiresGrad_", kReplaceable),
                                    InstanceMethod<&ModuleWrap::EnsureIdle>("ensureIdle", kReplaceable),
                                    InstanceMethod<&ModuleWrap::To>("to", kReplaceable),
                                    InstanceMethod<&ModuleWrap::SetHooked>("setHooked", kReplaceable),
                                    InstanceMethod<&ModuleWrap::Deepcopy>("deepcopy", kReplaceable)});
  Data(env).module_class = Napi::Persistent(cls);
  return cls;
}

Napi::Object ModuleWrap::Wrap(Napi::Env env, Module::Ptr m) {
  auto* holder = new Module::Ptr(std::move(m));
  return Data(env).module_class.New({Napi::External<Module::Ptr>::New(env, holder)});
}

Module::Ptr ModuleWrap::ModuleOf(Napi::Value v, const char* what) {
  if (!v.IsObject() || !v.As<Napi::Object>().InstanceOf(Data(v.Env()).module_class.Value()))
    throw ArgError(ArgError::Type, std::string(what) + " must be an nn.Module");
  return ObjectWrap::Unwrap(v.As<Napi::Object>())->m_;
}

ModuleWrap::ModuleWrap(const Napi::CallbackInfo& info) : ObjectWrap(info) {
  if (info.Length() != 1 || !info[0].IsExternal())
    throw Napi::TypeError::New(info.Env(), "NativeModule is created by nn constructors, not directly");
  auto* holder = info[0].As<Napi::External<Module::Ptr>>().Data();
  m_ = std::move(*holder);
  delete holder;
}

Napi::Value ModuleWrap::TypeNameImpl(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), m_->TypeName());
}
Napi::Value ModuleWrap::DefinedInJsImpl(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), m_->DefinedInJs());
}
Napi::Value ModuleWrap::IdImpl(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(m_->Id()));
}
Napi::Value ModuleWrap::ExtraReprImpl(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), m_->ExtraRepr());
}
Napi::Value ModuleWrap::ConfigImpl(const Napi::CallbackInfo& info) { return m_->Config().ToJs(info.Env()); }

Napi::Value ModuleWrap::NamedChildrenImpl(const Napi::CallbackInfo& info) {
  return NamedToJs(info.Env(), m_->Children(), [](Napi::Env e, const Module::Ptr& c) { return Wrap(e, c); });
}
Napi::Value ModuleWrap::OwnParametersImpl(const Napi::CallbackInfo& info) {
  return NamedTensorsToJs(info.Env(), m_->Parameters());
}
Napi::Value ModuleWrap::OwnBuffersImpl(const Napi::CallbackInfo& info) {
  return NamedTensorsToJs(info.Env(), m_->Buffers());
}
Napi::Value ModuleWrap::TrainingImpl(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), m_->Training());
}
Napi::Value ModuleWrap::TrainImpl(const Napi::CallbackInfo& info) {
  bool mode = info[0].ToBoolean();
  tvgg::EnsureIdle(*m_, mode ? "calling train()" : "calling eval()");
  m_->Train(mode);
  return info.Env().Undefined();
}

Napi::Value ModuleWrap::ForwardImpl(const Napi::CallbackInfo& info) {
  const at::Tensor& x = TensorWrap::TensorOf(info[0], "input");
  // Inside a hook or JS forward called for an async job, the job's own modules are read, not raced.
  if (Data(info.Env()).bridge_depth == 0) EnsureReadable(*m_);
  return TensorWrap::Wrap(info.Env(), m_->Call(x));
}
Napi::Value ModuleWrap::ForwardRawImpl(const Napi::CallbackInfo& info) {
  return TensorWrap::Wrap(info.Env(), m_->Forward(TensorWrap::TensorOf(info[0], "input")));
}

// In eval mode the pass runs under InferenceMode (no autograd bookkeeping), which is what serving wants.
Napi::Value ModuleWrap::ForwardAsyncImpl(const Napi::CallbackInfo& info) {
  at::Tensor x = TensorWrap::TensorOf(info[0], "input");
  Module::Ptr m = m_;
  bool writes = m->Training();
  auto marked = std::make_shared<std::vector<Module::Ptr>>(MarkBusy(m, writes));
  auto release = [marked, writes] { Unmark(*marked, writes); };
  return Data(info.Env())
      .executor.Submit(
          info.Env(),
          [m, x]() -> Settle {
            at::Tensor input = x;
            // A CPU batch for a CUDA model goes through pinned memory, so the copy is asynchronous and
            // overlaps with the kernels queued after it on the same stream.
            at::Tensor first = FirstParameter(*m);
            if (first.defined() && first.is_cuda() && input.is_cpu())
              input = input.pin_memory().to(first.device(), /*non_blocking=*/true);
            at::Tensor y;
            if (m->Training()) {
              y = m->Call(input);
            } else {
              c10::InferenceMode guard;
              y = m->Call(input);
            }
            // CUDA kernels only queue here; wait for them on this thread, so that the promise settles
            // when the result exists and a .to('cpu') on the main thread copies finished data
            // instead of blocking the event loop for the whole pass.
            if (y.is_cuda()) torch::cuda::synchronize(y.device().index());
            return [y](Napi::Env env) -> Napi::Value { return TensorWrap::Wrap(env, y); };
          },
          release);
}

Napi::Value ModuleWrap::SetChildImpl(const Napi::CallbackInfo& info) {
  std::string key = Key(info[0], "child name");
  auto child = ModuleOf(info[1], "child");
  tvgg::EnsureIdle(*m_, "changing its children", false);
  m_->SetChild(key, child);
  return info.Env().Undefined();
}
Napi::Value ModuleWrap::RemoveChildImpl(const Napi::CallbackInfo& info) {
  std::string key = Key(info[0], "child name");
  tvgg::EnsureIdle(*m_, "changing its children", false);
  return Napi::Boolean::New(info.Env(), m_->RemoveChild(key));
}
Napi::Value ModuleWrap::EraseChildAtImpl(const Napi::CallbackInfo& info) {
  tvgg::EnsureIdle(*m_, "changing its children", false);
  m_->EraseChildAt(Position(info[0]));
  return info.Env().Undefined();
}
Napi::Value ModuleWrap::InsertChildAtImpl(const Napi::CallbackInfo& info) {
  auto child = ModuleOf(info[1], "child");
  tvgg::EnsureIdle(*m_, "changing its children", false);
  m_->InsertChildAt(Position(info[0]), child);
  return info.Env().Undefined();
}
Napi::Value ModuleWrap::ReplaceChildAtImpl(const Napi::CallbackInfo& info) {
  auto child = ModuleOf(info[1], "child");
  tvgg::EnsureIdle(*m_, "changing its children", false);
  m_->ReplaceChildAt(Position(info[0]), child);
  return info.Env().Undefined();
}

Napi::Value ModuleWrap::SetParameterImpl(const Napi::CallbackInfo& info) {
  std::string name = Key(info[0], "parameter name");
  at::Tensor t = info[1].IsNull() || info[1].IsUndefined() ? at::Tensor() : TensorWrap::TensorOf(info[1], "parameter");
  tvgg::EnsureIdle(*m_, "assigning a parameter", false);
  m_->SetParameter(name, t);
  return info.Env().Undefined();
}
Napi::Value ModuleWrap::SetBufferImpl(const Napi::CallbackInfo& info) {
  std::string name = Key(info[0], "buffer name");
  at::Tensor t = info[1].IsNull() || info[1].IsUndefined() ? at::Tensor() : TensorWrap::TensorOf(info[1], "buffer");
  tvgg::EnsureIdle(*m_, "assigning a buffer", false);
  m_->SetBuffer(name, t);
  return info.Env().Undefined();
}

Napi::Value ModuleWrap::RequiresGradImpl(const Napi::CallbackInfo& info) {
  bool flag = info[0].ToBoolean();
  tvgg::EnsureIdle(*m_, "calling requiresGrad_()");
  std::function<void(Module&)> walk = [&](Module& m) {
    for (auto& [name, t] : m.Parameters()) const_cast<at::Tensor&>(t).set_requires_grad(flag);
    for (auto& [key, child] : m.Children()) walk(*child);
  };
  walk(*m_);
  return info.Env().Undefined();
}

Napi::Value ModuleWrap::EnsureIdleImpl(const Napi::CallbackInfo& info) {
  tvgg::EnsureIdle(*m_, info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "changing it");
  return info.Env().Undefined();
}

// to(dtype | null, device | null, memoryFormat | null): recursive, in place.
Napi::Value ModuleWrap::ToImpl(const Napi::CallbackInfo& info) {
  c10::optional<at::ScalarType> dtype;
  c10::optional<c10::Device> device;
  c10::optional<c10::MemoryFormat> format;
  if (info[0].IsString()) dtype = ParseDtype(info[0].As<Napi::String>());
  if (info[1].IsString()) device = ParseDevice(info[1].As<Napi::String>());
  if (info[2].IsString()) format = ParseMemoryFormat(info[2].As<Napi::String>());
  tvgg::EnsureIdle(*m_, "calling to()");
  CastTree(*m_, dtype, device, format);
  return info.Env().Undefined();
}

Napi::Value ModuleWrap::SetHookedImpl(const Napi::CallbackInfo& info) {
  m_->SetBridge(Data(info.Env()).bridge.get(), info[0].ToBoolean());
  return info.Env().Undefined();
}

Napi::Value ModuleWrap::DeepcopyImpl(const Napi::CallbackInfo& info) { return Wrap(info.Env(), m_->Clone()); }

void RegisterModules(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeModule", ModuleWrap::Define(env));
  exports.Set("createModule", Napi::Function::New<Create>(env));
  exports.Set("executorPending", Napi::Function::New<ExecutorPending>(env));
}

}  // namespace tvgg
