#include "nn/module_wrap.h"
#include "core/addon_data.h"
#include "tensor/tensor.h"
#include "models/vgg.h"

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
  int64_t pos = v.As<Napi::Number>().Int64Value();
  if (pos < 0) throw ArgError(ArgError::Range, "index " + std::to_string(pos) + " is out of range");
  return static_cast<size_t>(pos);
}

// Casts every parameter and buffer below `m` in place (set_data keeps each tensor's identity, as
// Module.to() does); dtype applies to floating-point tensors only, memory format to 4-D ones, like PyTorch.
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
  for (auto& [key, child] : m.Children()) CastTree(*child, dtype, device, format);
}

void SetInt(Napi::Object& o, const char* k, int64_t v) { o.Set(k, Napi::Number::New(o.Env(), static_cast<double>(v))); }
void SetPair(Napi::Object& o, const char* k, const IntPair& p) {
  if (p.scalar) return SetInt(o, k, p.a);
  auto arr = Napi::Array::New(o.Env(), 2);
  arr.Set(0u, Napi::Number::New(o.Env(), p.a));
  arr.Set(1u, Napi::Number::New(o.Env(), p.b));
  o.Set(k, arr);
}

IntPair ReadPair(const Napi::Object& o, const char* k, int64_t fallback) {
  Napi::Value v = o.Get(k);
  if (v.IsUndefined() || v.IsNull()) return {fallback, fallback, true};
  if (v.IsNumber()) {
    int64_t n = v.As<Napi::Number>().Int64Value();
    return {n, n, true};
  }
  auto vals = ToInt64s(v, k);
  if (vals.size() != 2) throw ArgError(ArgError::Type, std::string(k) + " must be an integer or a pair of integers");
  return {vals[0], vals[1], false};
}
int64_t ReadInt(const Napi::Object& o, const char* k) { return o.Get(k).As<Napi::Number>().Int64Value(); }
double ReadNum(const Napi::Object& o, const char* k) { return o.Get(k).As<Napi::Number>().DoubleValue(); }
bool ReadBool(const Napi::Object& o, const char* k) { return o.Get(k).ToBoolean(); }

// create(type, config): config holds the constructor arguments, already validated and defaulted in TS.
TVGG_FUNCTION(Create) {
  std::string type = info[0].As<Napi::String>();
  auto c = info[1].As<Napi::Object>();
  Module::Ptr m;
  if (type == "Linear") {
    m = std::make_shared<Linear>(ReadInt(c, "inFeatures"), ReadInt(c, "outFeatures"), ReadBool(c, "bias"));
  } else if (type == "Conv2d") {
    Napi::Value padding = c.Get("padding");
    std::string padding_str = padding.IsString() ? padding.As<Napi::String>().Utf8Value() : "";
    IntPair pad = padding.IsString() ? IntPair{0, 0, false} : ReadPair(c, "padding", 0);
    auto tuple = [](IntPair p) { return IntPair{p.a, p.b, false}; };  // Conv2d stores _pair(...)
    m = std::make_shared<Conv2d>(ReadInt(c, "inChannels"), ReadInt(c, "outChannels"),
                                 tuple(ReadPair(c, "kernelSize", 1)), tuple(ReadPair(c, "stride", 1)), tuple(pad),
                                 padding_str, tuple(ReadPair(c, "dilation", 1)), ReadInt(c, "groups"),
                                 ReadBool(c, "bias"));
  } else if (type == "ReLU") {
    m = std::make_shared<ReLU>(ReadBool(c, "inplace"));
  } else if (type == "Dropout") {
    m = std::make_shared<Dropout>(ReadNum(c, "p"), ReadBool(c, "inplace"));
  } else if (type == "MaxPool2d") {
    IntPair kernel = ReadPair(c, "kernelSize", 1);
    IntPair stride = c.Get("stride").IsUndefined() || c.Get("stride").IsNull() ? kernel : ReadPair(c, "stride", 1);
    m = std::make_shared<MaxPool2d>(kernel, stride, ReadPair(c, "padding", 0), ReadPair(c, "dilation", 1),
                                    ReadBool(c, "ceilMode"));
  } else if (type == "AdaptiveAvgPool2d") {
    m = std::make_shared<AdaptiveAvgPool2d>(ReadPair(c, "outputSize", 1));
  } else if (type == "BatchNorm2d") {
    m = std::make_shared<BatchNorm2d>(ReadInt(c, "numFeatures"), ReadNum(c, "eps"), ReadNum(c, "momentum"),
                                      ReadBool(c, "affine"), ReadBool(c, "trackRunningStats"));
  } else if (type == "Flatten") {
    m = std::make_shared<Flatten>(ReadInt(c, "startDim"), ReadInt(c, "endDim"));
  } else if (type == "Sequential") {
    m = std::make_shared<Sequential>();
  } else if (type == "VGG") {
    m = MakeVGG(c.Get("cfg").As<Napi::String>(), ReadBool(c, "batchNorm"), ReadInt(c, "numClasses"),
                ReadNum(c, "dropout"), ReadBool(c, "initWeights"));
  } else {
    throw ArgError(ArgError::Type, "unknown module type " + type);
  }
  return ModuleWrap::Wrap(info.Env(), m);
}
}  // namespace

Napi::Function ModuleWrap::Define(Napi::Env env) {
  Napi::Function cls = DefineClass(
      env, "NativeModule",
      {InstanceMethod<&ModuleWrap::TypeName>("typeName"), InstanceMethod<&ModuleWrap::Id>("id"),
       InstanceMethod<&ModuleWrap::Repr>("repr"), InstanceMethod<&ModuleWrap::NamedChildren>("namedChildren"),
       InstanceMethod<&ModuleWrap::OwnParameters>("ownParameters"),
       InstanceMethod<&ModuleWrap::OwnBuffers>("ownBuffers"), InstanceMethod<&ModuleWrap::Training>("training"),
       InstanceMethod<&ModuleWrap::Train>("train"), InstanceMethod<&ModuleWrap::Forward>("forward"),
       InstanceMethod<&ModuleWrap::ForwardAsync>("forwardAsync"),
       InstanceMethod<&ModuleWrap::SetChild>("setChild"),
       InstanceMethod<&ModuleWrap::EraseChildAt>("eraseChildAt"),
       InstanceMethod<&ModuleWrap::InsertChildAt>("insertChildAt"),
       InstanceMethod<&ModuleWrap::ReplaceChildAt>("replaceChildAt"),
       InstanceMethod<&ModuleWrap::Config>("config"), InstanceMethod<&ModuleWrap::To>("to")});
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
Napi::Value ModuleWrap::IdImpl(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(m_->Id()));
}
Napi::Value ModuleWrap::ReprImpl(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), m_->Repr()); }

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
  m_->Train(info[0].ToBoolean());
  return info.Env().Undefined();
}

// [sync] forward(x): autograd records the graph, as Python's model(x) does.
Napi::Value ModuleWrap::ForwardImpl(const Napi::CallbackInfo& info) {
  return TensorWrap::Wrap(info.Env(), m_->Forward(TensorWrap::TensorOf(info[0], "input")));
}

// [async] forwardAsync(x): runs on the executor thread. In eval mode it runs under InferenceMode
// (no autograd bookkeeping), which is what serving wants.
Napi::Value ModuleWrap::ForwardAsyncImpl(const Napi::CallbackInfo& info) {
  at::Tensor x = TensorWrap::TensorOf(info[0], "input");
  Module::Ptr m = m_;
  return Data(info.Env()).executor.Submit(info.Env(), [m, x]() -> Settle {
    at::Tensor input = x;
    // A CPU batch for a CUDA model goes through pinned memory, so the copy is asynchronous and
    // overlaps with the kernels queued after it on the same stream.
    at::Tensor first = FirstParameter(*m);
    if (first.defined() && first.is_cuda() && input.is_cpu())
      input = input.pin_memory().to(first.device(), /*non_blocking=*/true);
    at::Tensor y;
    if (m->Training()) {
      y = m->Forward(input);
    } else {
      c10::InferenceMode guard;
      y = m->Forward(input);
    }
    return [y](Napi::Env env) -> Napi::Value { return TensorWrap::Wrap(env, y); };
  });
}

Napi::Value ModuleWrap::SetChildImpl(const Napi::CallbackInfo& info) {
  m_->SetChild(info[0].As<Napi::String>(), ModuleOf(info[1]));
  return info.Env().Undefined();
}
Napi::Value ModuleWrap::EraseChildAtImpl(const Napi::CallbackInfo& info) {
  m_->EraseChildAt(Position(info[0]));
  return info.Env().Undefined();
}
Napi::Value ModuleWrap::InsertChildAtImpl(const Napi::CallbackInfo& info) {
  m_->InsertChildAt(Position(info[0]), ModuleOf(info[1]));
  return info.Env().Undefined();
}
Napi::Value ModuleWrap::ReplaceChildAtImpl(const Napi::CallbackInfo& info) {
  m_->ReplaceChildAt(Position(info[0]), ModuleOf(info[1]));
  return info.Env().Undefined();
}

// The constructor arguments of a layer, under the names its TS class exposes.
Napi::Value ModuleWrap::ConfigImpl(const Napi::CallbackInfo& info) {
  auto o = Napi::Object::New(info.Env());
  Module* m = m_.get();
  if (auto* l = dynamic_cast<Linear*>(m)) {
    SetInt(o, "inFeatures", l->in_features);
    SetInt(o, "outFeatures", l->out_features);
  } else if (auto* c = dynamic_cast<Conv2d*>(m)) {
    SetInt(o, "inChannels", c->in_channels);
    SetInt(o, "outChannels", c->out_channels);
    SetPair(o, "kernelSize", c->kernel_size);
    SetPair(o, "stride", c->stride);
    if (c->padding_str.empty()) SetPair(o, "padding", c->padding);
    else o.Set("padding", c->padding_str);
    SetPair(o, "dilation", c->dilation);
    SetInt(o, "groups", c->groups);
  } else if (auto* r = dynamic_cast<ReLU*>(m)) {
    o.Set("inplace", r->inplace);
  } else if (auto* d = dynamic_cast<Dropout*>(m)) {
    o.Set("p", d->p);
    o.Set("inplace", d->inplace);
  } else if (auto* p = dynamic_cast<MaxPool2d*>(m)) {
    SetPair(o, "kernelSize", p->kernel_size);
    SetPair(o, "stride", p->stride);
    SetPair(o, "padding", p->padding);
    SetPair(o, "dilation", p->dilation);
    o.Set("ceilMode", p->ceil_mode);
  } else if (auto* a = dynamic_cast<AdaptiveAvgPool2d*>(m)) {
    SetPair(o, "outputSize", a->output_size);
  } else if (auto* b = dynamic_cast<BatchNorm2d*>(m)) {
    SetInt(o, "numFeatures", b->num_features);
    o.Set("eps", b->eps);
    o.Set("momentum", b->momentum);
    o.Set("affine", b->affine);
    o.Set("trackRunningStats", b->track_running_stats);
  } else if (auto* f = dynamic_cast<Flatten*>(m)) {
    SetInt(o, "startDim", f->start_dim);
    SetInt(o, "endDim", f->end_dim);
  }
  return o;
}

// to(dtype | null, device | null, memoryFormat | null): recursive, in place.
Napi::Value ModuleWrap::ToImpl(const Napi::CallbackInfo& info) {
  c10::optional<at::ScalarType> dtype;
  c10::optional<c10::Device> device;
  c10::optional<c10::MemoryFormat> format;
  if (info[0].IsString()) dtype = ParseDtype(info[0].As<Napi::String>());
  if (info[1].IsString()) device = ParseDevice(info[1].As<Napi::String>());
  if (info[2].IsString()) format = ParseMemoryFormat(info[2].As<Napi::String>());
  CastTree(*m_, dtype, device, format);
  return info.Env().Undefined();
}

void RegisterModules(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeModule", ModuleWrap::Define(env));
  exports.Set("createModule", Napi::Function::New<Create>(env));
}

}  // namespace tvgg
