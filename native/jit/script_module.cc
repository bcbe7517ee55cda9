// torch.jit.load and ScriptModuleWrap: TorchScript modules run by libtorch.
#include "jit/script_module.h"
#include "core/addon_data.h"
#include "tensor/tensor.h"

namespace tvgg {

namespace {
Napi::Object WrapScript(Napi::Env env, std::shared_ptr<torch::jit::Module> m) {
  auto* holder = new std::shared_ptr<torch::jit::Module>(std::move(m));
  return Data(env).script_module_class.New({Napi::External<std::shared_ptr<torch::jit::Module>>::New(env, holder)});
}

std::vector<c10::IValue> Inputs(const Napi::CallbackInfo& info) {
  auto arr = info[0].As<Napi::Array>();
  std::vector<c10::IValue> inputs;
  for (uint32_t i = 0; i < arr.Length(); i++) inputs.emplace_back(TensorWrap::TensorOf(arr.Get(i), "input"));
  return inputs;
}

// A tensor, or a (nested) tuple/list of tensors, as JS; anything else is refused by name.
Napi::Value OutputToJs(Napi::Env env, const c10::IValue& v) {
  if (v.isTensor()) return TensorWrap::Wrap(env, v.toTensor());
  if (v.isTuple() || v.isList()) {
    auto elems = v.isTuple() ? v.toTupleRef().elements().vec() : v.toListRef().vec();
    auto arr = Napi::Array::New(env, elems.size());
    for (size_t i = 0; i < elems.size(); i++) arr.Set(i, OutputToJs(env, elems[i]));
    return arr;
  }
  if (v.isNone()) return env.Null();
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isInt()) return Napi::Number::New(env, static_cast<double>(v.toInt()));
  throw std::runtime_error("forward returned a " + v.tagKind() + ", which torchvgg cannot convert");
}

// load(path, device | null): parses the archive; a malformed file becomes an Error naming it.
TVGG_FUNCTION(JitLoad) {
  std::string path = info[0].As<Napi::String>();
  c10::optional<c10::Device> device;
  if (info[1].IsString()) device = ParseDevice(info[1].As<Napi::String>());
  try {
    auto m = std::make_shared<torch::jit::Module>(torch::jit::load(path, device));
    return WrapScript(info.Env(), m);
  } catch (const c10::Error& e) {
    throw std::runtime_error(path + ": not a loadable TorchScript file: " + FirstLines(e.what_without_backtrace()));
  }
}

}  // namespace

Napi::Function ScriptModuleWrap::Define(Napi::Env env) {
  Napi::Function cls = DefineClass(env, "NativeScriptModule",
                                   {InstanceMethod<&ScriptModuleWrap::Forward>("forward", kReplaceable),
                                    InstanceMethod<&ScriptModuleWrap::ForwardAsync>("forwardAsync", kReplaceable),
                                    InstanceMethod<&ScriptModuleWrap::NamedParameters>("namedParameters", kReplaceable),
                                    InstanceMethod<&ScriptModuleWrap::NamedBuffers>("namedBuffers", kReplaceable),
                                    InstanceMethod<&ScriptModuleWrap::NamedChildren>("namedChildren", kReplaceable),
                                    InstanceMethod<&ScriptModuleWrap::Training>("training", kReplaceable),
                                    InstanceMethod<&ScriptModuleWrap::Train>("train", kReplaceable),
                                    InstanceMethod<&ScriptModuleWrap::To>("to", kReplaceable)});
  Data(env).script_module_class = Napi::Persistent(cls);
  return cls;
}

ScriptModuleWrap::ScriptModuleWrap(const Napi::CallbackInfo& info) : ObjectWrap(info) {
  if (info.Length() != 1 || !info[0].IsExternal())
    throw Napi::TypeError::New(info.Env(), "ScriptModules come from torch.jit.load()");
  auto* holder = info[0].As<Napi::External<std::shared_ptr<torch::jit::Module>>>().Data();
  m_ = std::move(*holder);
  delete holder;
}

// [sync] forward(inputs[])
Napi::Value ScriptModuleWrap::ForwardImpl(const Napi::CallbackInfo& info) {
  return OutputToJs(info.Env(), m_->forward(Inputs(info)));
}

// [async] forwardAsync(inputs[]): on the executor thread; eval mode runs under InferenceMode.
Napi::Value ScriptModuleWrap::ForwardAsyncImpl(const Napi::CallbackInfo& info) {
  auto inputs = Inputs(info);
  auto m = m_;
  return Data(info.Env()).executor.Submit(info.Env(), [m, inputs]() mutable -> Settle {
    c10::IValue out;
    if (m->is_training()) {
      out = m->forward(inputs);
    } else {
      c10::InferenceMode guard;
      out = m->forward(inputs);
    }
    return [out](Napi::Env env) { return OutputToJs(env, out); };
  });
}

Napi::Value ScriptModuleWrap::NamedParametersImpl(const Napi::CallbackInfo& info) {
  std::vector<std::pair<std::string, at::Tensor>> list;
  for (const auto& p : m_->named_parameters(true)) list.emplace_back(p.name, p.value);
  return NamedTensorsToJs(info.Env(), list);
}
Napi::Value ScriptModuleWrap::NamedBuffersImpl(const Napi::CallbackInfo& info) {
  std::vector<std::pair<std::string, at::Tensor>> list;
  for (const auto& b : m_->named_buffers(true)) list.emplace_back(b.name, b.value);
  return NamedTensorsToJs(info.Env(), list);
}
// [[name, ScriptModule]]: children share the parent's storage, like Python's.
Napi::Value ScriptModuleWrap::NamedChildrenImpl(const Napi::CallbackInfo& info) {
  std::vector<std::pair<std::string, torch::jit::Module>> children;
  for (const auto& c : m_->named_children()) children.emplace_back(c.name, c.value);
  return NamedToJs(info.Env(), children, [](Napi::Env e, const torch::jit::Module& m) {
    return WrapScript(e, std::make_shared<torch::jit::Module>(m));
  });
}
Napi::Value ScriptModuleWrap::TrainingImpl(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), m_->is_training());
}
Napi::Value ScriptModuleWrap::TrainImpl(const Napi::CallbackInfo& info) {
  m_->train(info[0].ToBoolean());
  return info.Env().Undefined();
}
// to(dtype | null, device | null)
Napi::Value ScriptModuleWrap::ToImpl(const Napi::CallbackInfo& info) {
  if (info[1].IsString()) m_->to(ParseDevice(info[1].As<Napi::String>()));
  if (info[0].IsString()) m_->to(ParseDtype(info[0].As<Napi::String>()));
  return info.Env().Undefined();
}
void RegisterScriptModules(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeScriptModule", ScriptModuleWrap::Define(env));
  exports.Set("jitLoad", Napi::Function::New<JitLoad>(env));
}

}  // namespace tvgg
