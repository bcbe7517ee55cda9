// The bridge to the JS module dispatcher, and JsModule (a TS-defined module's native node).
#include "nn/js_module.h"
#include "core/addon_data.h"
#include "core/thread_state.h"
#include "nn/module_wrap.h"
#include "tensor/tensor.h"

namespace tvgg {

namespace {
class Bridge : public JsBridge {
 public:
  explicit Bridge(Napi::Env env) : env_(env) {}

  at::Tensor Call(Module& m, const at::Tensor& x) override {
    AddonData& data = Data(env_);
    Executor& executor = data.executor;
    bool cross_thread = !executor.OnMainThreadNow();
    // The JS side runs under the calling job's autograd state (grad mode, autocast, inference mode), so
    // an inference tensor from forwardAsync meets the same rules it would on the executor thread.
    ThreadState state = ThreadState::Capture();
    bool inference = c10::InferenceMode::is_enabled();
    Module::Ptr self = m.shared_from_this();
    at::Tensor result;
    executor.RunOnMainThread([&](Napi::Env env) {
      std::optional<ThreadStateScope> scope;
      std::optional<c10::InferenceMode> inference_guard;
      if (cross_thread) {
        scope.emplace(state);
        if (inference) inference_guard.emplace(true);
      }
      AddonData& d = Data(env);
      if (d.module_dispatcher.IsEmpty()) throw std::runtime_error("torchvgg: no module dispatcher is set");
      struct Depth {
        int& n;
        explicit Depth(int& d) : n(d) { n++; }
        ~Depth() { n--; }
      } depth(d.bridge_depth);
      Napi::Value out = d.module_dispatcher.Call({ModuleWrap::Wrap(env, self), TensorWrap::Wrap(env, x)});
      result = TensorWrap::TensorOf(out, "the result of forward");
    });
    return result;
  }

 private:
  Napi::Env env_;
};

class JsModule : public Module {
 public:
  JsModule(Napi::Env env, const std::string& type_name, Napi::Object self)
      : Module(type_name), self_(new Napi::ObjectReference(Napi::Weak(self))), executor_(Data(env).executor_ptr) {
    SetBridge(Data(env).bridge.get(), true);
  }
  ~JsModule() override {
    auto* ref = self_;
    if (auto e = executor_.lock()) e->OnMainThread([ref] { delete ref; });
    // else: the environment is gone and its references with it.
  }
  at::Tensor Forward(const at::Tensor& x) override { return Bridge()->Call(*this, x); }
  bool DefinedInJs() const override { return true; }
  Ptr Clone() const override {
    throw ArgError(ArgError::Type, TypeName() +
                                       " is defined in JS and cannot be copied natively; "
                                       "construct a new one and loadStateDict() into it");
  }

 protected:
  void Attached() override {
    attached_++;
    Sync();
  }
  void Detached() override {
    attached_--;
    Sync();
  }

 private:
  // Holds the JS object strongly exactly while attached; Ref/Unref only on the main thread.
  void Sync() {
    auto e = executor_.lock();
    if (!e) return;
    std::weak_ptr<Module> weak = weak_from_this();
    e->OnMainThread([weak] {
      auto strong = std::static_pointer_cast<JsModule>(weak.lock());
      if (!strong) return;
      bool want = strong->attached_.load() > 0;
      if (want == strong->held_) return;
      if (want) strong->self_->Ref();
      else strong->self_->Unref();
      strong->held_ = want;
    });
  }

  Napi::ObjectReference* self_;
  std::weak_ptr<Executor> executor_;
  std::atomic<int> attached_{0};
  bool held_ = false;  // main thread only
};

// setModuleDispatcher(fn): fn(module, input) -> output, called for hooked and JS-defined modules.
TVGG_FUNCTION(SetModuleDispatcher) {
  if (!info[0].IsFunction()) throw ArgError(ArgError::Type, "dispatcher must be a function");
  Data(info.Env()).module_dispatcher = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// createJsModule(typeName, self) -> NativeModule
TVGG_FUNCTION(CreateJsModule) {
  if (!info[0].IsString() || !info[1].IsObject()) throw ArgError(ArgError::Type, "createJsModule(typeName, self)");
  return ModuleWrap::Wrap(info.Env(), MakeJsModule(info.Env(), info[0].As<Napi::String>(), info[1].As<Napi::Object>()));
}
}  // namespace

std::shared_ptr<JsBridge> MakeJsBridge(Napi::Env env) { return std::make_shared<Bridge>(env); }

Module::Ptr MakeJsModule(Napi::Env env, const std::string& type_name, Napi::Object self) {
  return std::make_shared<JsModule>(env, type_name, self);
}

void RegisterJsModules(Napi::Env env, Napi::Object exports) {
  Data(env).bridge = MakeJsBridge(env);
  exports.Set("setModuleDispatcher", Napi::Function::New<SetModuleDispatcher>(env));
  exports.Set("createJsModule", Napi::Function::New<CreateJsModule>(env));
}

}  // namespace tvgg
