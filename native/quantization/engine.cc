// The quantized engine setting and the dispatcher calls behind the quantized layers.
#include "quantization/engine.h"
#include <ATen/core/dispatch/Dispatcher.h>
#include "core/errors.h"

namespace tvgg {

namespace {
const std::pair<const char*, at::QEngine> kEngines[] = {{"none", at::QEngine::NoQEngine},
                                                        {"fbgemm", at::QEngine::FBGEMM},
                                                        {"qnnpack", at::QEngine::QNNPACK},
#if TORCH_VERSION_MAJOR >= 2
                                                        {"x86", at::QEngine::X86},
#endif
                                                        {"onednn", at::QEngine::ONEDNN}};

std::string EngineName(at::QEngine e) {
  for (auto& [name, engine] : kEngines)
    if (engine == e) return name;
  return "unknown";
}

// [sync] supportedQuantizedEngines() -> string[]: what this libtorch was built with.
TVGG_FUNCTION(SupportedEngines) {
  Napi::Env env = info.Env();
  auto list = Napi::Array::New(env);
  for (at::QEngine e : at::globalContext().supportedQEngines())
    if (e != at::QEngine::NoQEngine) list.Set(list.Length(), Napi::String::New(env, EngineName(e)));
  return list;
}

// [sync] quantizedEngine() -> string
TVGG_FUNCTION(GetEngine) { return Napi::String::New(info.Env(), CurrentQuantizedEngine()); }

// [sync] setQuantizedEngine(name). Throws RangeError for an engine this build lacks.
TVGG_FUNCTION(SetEngine) {
  std::string name = info[0].As<Napi::String>();
  std::string have;
  for (at::QEngine e : at::globalContext().supportedQEngines()) {
    if (e == at::QEngine::NoQEngine) continue;
    if (EngineName(e) == name) {
      at::globalContext().setQEngine(e);
      return info.Env().Undefined();
    }
    have += (have.empty() ? "'" : ", '") + EngineName(e) + "'";
  }
  throw ArgError(ArgError::Range,
                 "quantized engine '" + name + "' is not in this libtorch; it has " + (have.empty() ? "none" : have));
}
}  // namespace

std::string CurrentQuantizedEngine() { return EngineName(at::globalContext().qEngine()); }

c10::IValue CallQuantizedOp(const char* name, const char* overload, std::vector<c10::IValue> args) {
  auto handle = c10::Dispatcher::singleton().findSchema({name, overload});
  if (!handle)
    throw std::runtime_error(std::string("this libtorch has no operator ") + name +
                             (*overload ? std::string(".") + overload : std::string()) +
                             " (built without quantized kernels)");
  torch::jit::Stack stack(std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  handle->callBoxed(&stack);
  if (stack.size() != 1)
    throw std::runtime_error(std::string(name) + " returned " + std::to_string(stack.size()) + " values");
  return std::move(stack[0]);
}

void RegisterQuantization(Napi::Env env, Napi::Object exports) {
  exports.Set("supportedQuantizedEngines", Napi::Function::New<SupportedEngines>(env));
  exports.Set("quantizedEngine", Napi::Function::New<GetEngine>(env));
  exports.Set("setQuantizedEngine", Napi::Function::New<SetEngine>(env));
}

}  // namespace tvgg
