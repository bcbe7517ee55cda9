// SGD/Adam/AdamW steps, their state in PyTorch's layout, and the async trainStep.
#include "optim/optim.h"
#include "core/addon_data.h"
#include "nn/busy.h"
#include "nn/module_wrap.h"
#include "tensor/tensor.h"
#include "tensor/cuda_index_guard.h"

namespace tvgg {

double ParamGroup::Get(const std::string& key) const {
  auto it = options.find(key);
  return it == options.end() ? 0.0 : it->second;
}

Optimizer::Optimizer(Kind kind, std::vector<ParamGroup> groups) : kind(kind), groups(std::move(groups)) {
  size_t n = 0;
  for (auto& g : this->groups) n += g.params.size();
  state.resize(n);
}

void Optimizer::ZeroGrad(bool set_to_none) {
  for (auto& g : groups)
    for (auto& p : g.params) {
      if (!p.grad().defined()) continue;
      if (set_to_none) p.mutable_grad() = at::Tensor();
      else p.mutable_grad().zero_();
    }
}

void Optimizer::Step() {
  torch::NoGradGuard no_grad;
  size_t i = 0;
  for (auto& g : groups)
    for (auto& p : g.params) {
      ParamState& s = state[i++];
      if (!p.grad().defined()) continue;  // frozen or unused parameters are left alone, as in PyTorch
      if (kind == SGD) StepSGD(g, p, s);
      else StepAdam(g, p, s);
    }
}

// torch.optim.sgd._single_tensor_sgd
void Optimizer::StepSGD(const ParamGroup& g, at::Tensor& p, ParamState& s) {
  at::Tensor d_p = g.Get("maximize") ? -p.grad() : p.grad();
  double wd = g.Get("weight_decay"), momentum = g.Get("momentum");
  if (wd != 0) d_p = d_p.add(p, wd);
  if (momentum != 0) {
    if (!s.momentum_buffer.defined()) s.momentum_buffer = d_p.clone().detach();
    else s.momentum_buffer.mul_(momentum).add_(d_p, 1 - g.Get("dampening"));
    d_p = g.Get("nesterov") ? d_p.add(s.momentum_buffer, momentum) : s.momentum_buffer;
  }
  p.add_(d_p, -g.Get("lr"));
}

// torch.optim.adam._single_tensor_adam and adamw (decoupled weight decay)
void Optimizer::StepAdam(const ParamGroup& g, at::Tensor& p, ParamState& s) {
  at::Tensor grad = g.Get("maximize") ? -p.grad() : p.grad();
  double lr = g.Get("lr"), beta1 = g.Get("beta1"), beta2 = g.Get("beta2"), wd = g.Get("weight_decay");
  if (!s.step.defined()) {
    s.step = at::zeros({}, at::kFloat);
    s.exp_avg = at::zeros_like(p, at::MemoryFormat::Preserve);
    s.exp_avg_sq = at::zeros_like(p, at::MemoryFormat::Preserve);
    if (g.Get("amsgrad")) s.max_exp_avg_sq = at::zeros_like(p, at::MemoryFormat::Preserve);
  }
  s.step.add_(1);
  if (kind == AdamW) p.mul_(1 - lr * wd);
  else if (wd != 0) grad = grad.add(p, wd);
  s.exp_avg.mul_(beta1).add_(grad, 1 - beta1);
  s.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
  double step = s.step.item<double>();
  double bias1 = 1 - std::pow(beta1, step), bias2_sqrt = std::sqrt(1 - std::pow(beta2, step));
  if (!s.denom.defined()) s.denom = at::empty_like(p, at::MemoryFormat::Preserve);
  if (g.Get("amsgrad")) {
    at::maximum_out(s.max_exp_avg_sq, s.max_exp_avg_sq, s.exp_avg_sq);
    at::sqrt_out(s.denom, s.max_exp_avg_sq);
  } else {
    at::sqrt_out(s.denom, s.exp_avg_sq);
  }
  s.denom.div_(bias2_sqrt).add_(g.Get("eps"));  // (sqrt(v) / sqrt(1 - beta2^t)) + eps, PyTorch's order
  p.addcdiv_(s.exp_avg, s.denom, -lr / bias1);
}

namespace {
// createOptimizer(kind, groups: [{ params: Tensor[], options: { key: number } }])
TVGG_FUNCTION(CreateOptimizer) {
  std::string kind = info[0].As<Napi::String>();
  Optimizer::Kind k = kind == "SGD" ? Optimizer::SGD : kind == "Adam" ? Optimizer::Adam : Optimizer::AdamW;
  if (kind != "SGD" && kind != "Adam" && kind != "AdamW") throw ArgError(ArgError::Type, "unknown optimizer " + kind);
  std::vector<ParamGroup> groups;
  auto arr = info[1].As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); i++) {
    auto obj = arr.Get(i).As<Napi::Object>();
    ParamGroup g;
    auto params = obj.Get("params").As<Napi::Array>();
    for (uint32_t j = 0; j < params.Length(); j++) {
      const at::Tensor& t = TensorWrap::TensorOf(params.Get(j), "params[i]");
      if (!t.is_leaf()) throw ArgError(ArgError::Type, "can't optimize a non-leaf Tensor");
      g.params.push_back(t);
    }
    auto options = obj.Get("options").As<Napi::Object>();
    auto keys = options.GetPropertyNames();
    for (uint32_t j = 0; j < keys.Length(); j++) {
      std::string key = keys.Get(j).As<Napi::String>();
      g.options[key] = options.Get(key).ToNumber().DoubleValue();
    }
    groups.push_back(std::move(g));
  }
  auto opt = std::make_shared<Optimizer>(k, std::move(groups));
  auto* holder = new std::shared_ptr<Optimizer>(opt);
  return Data(info.Env()).optimizer_class.New({Napi::External<std::shared_ptr<Optimizer>>::New(info.Env(), holder)});
}

// [async] trainStep(module, optimizer, input, target, weight | null, labelSmoothing) -> [loss, correct]
// One whole step on the executor thread: zero_grad, forward, cross-entropy, backward, optimizer step.
TVGG_FUNCTION(TrainStep) {
  Module::Ptr module = ModuleWrap::ModuleOf(info[0]);
  if (!info[1].IsObject() || !info[1].As<Napi::Object>().InstanceOf(Data(info.Env()).optimizer_class.Value()))
    throw ArgError(ArgError::Type, "optimizer must be an optim.Optimizer");
  auto opt = OptimizerWrap::Unwrap(info[1].As<Napi::Object>())->Get();
  at::Tensor input = TensorWrap::TensorOf(info[2], "input");
  at::Tensor target = TensorWrap::TensorOf(info[3], "target");
  at::Tensor weight;
  if (TensorWrap::Is(info[4])) weight = TensorWrap::TensorOf(info[4], "weight");
  double smoothing = info[5].As<Napi::Number>().DoubleValue();
  // The step changes every parameter it trains: the tree is marked as written until it settles.
  auto marked = std::make_shared<std::vector<Module::Ptr>>(MarkBusy(module, true));
  auto release = [marked] { Unmark(*marked, true); };
  return Data(info.Env())
      .executor.Submit(
          info.Env(),
          [=]() -> Settle {
            at::AutoGradMode grad(true);
            // Zero the gradients in place rather than dropping them: re-allocating ~0.5 GB of VGG gradients every
            // step costs page faults (more system time than compute in a fine-tuning run).
            opt->ZeroGrad(false);
            at::Tensor logits = module->Call(input);
            CheckCudaClassTargets(logits, target, -100, "trainStep");
            at::Tensor loss = at::cross_entropy_loss(logits, target, weight, at::Reduction::Mean, -100, smoothing);
            loss.backward();
            opt->Step();
            double loss_value = loss.item<double>();
            double correct = logits.argmax(1).eq(target).sum().item<double>();
            return [loss_value, correct](Napi::Env env) -> Napi::Value {
              auto out = Napi::Array::New(env, 2);
              out.Set(0u, loss_value);
              out.Set(1u, correct);
              return out;
            };
          },
          release);
}
}  // namespace

Napi::Function OptimizerWrap::Define(Napi::Env env) {
  Napi::Function cls = DefineClass(env, "NativeOptimizer",
                                   {InstanceMethod<&OptimizerWrap::Step>("step", kReplaceable),
                                    InstanceMethod<&OptimizerWrap::ZeroGrad>("zeroGrad", kReplaceable),
                                    InstanceMethod<&OptimizerWrap::GetOption>("getOption", kReplaceable),
                                    InstanceMethod<&OptimizerWrap::SetOption>("setOption", kReplaceable),
                                    InstanceMethod<&OptimizerWrap::State>("state", kReplaceable),
                                    InstanceMethod<&OptimizerWrap::SetState>("setState", kReplaceable)});
  Data(env).optimizer_class = Napi::Persistent(cls);
  return cls;
}

OptimizerWrap::OptimizerWrap(const Napi::CallbackInfo& info) : ObjectWrap(info) {
  if (info.Length() != 1 || !info[0].IsExternal())
    throw Napi::TypeError::New(info.Env(), "use new optim.SGD(...) or optim.Adam(...)");
  auto* holder = info[0].As<Napi::External<std::shared_ptr<Optimizer>>>().Data();
  opt_ = std::move(*holder);
  delete holder;
}

Napi::Value OptimizerWrap::StepImpl(const Napi::CallbackInfo& info) {
  opt_->Step();
  return info.Env().Undefined();
}
Napi::Value OptimizerWrap::ZeroGradImpl(const Napi::CallbackInfo& info) {
  opt_->ZeroGrad(info[0].ToBoolean());
  return info.Env().Undefined();
}
static ParamGroup& GroupAt(Optimizer& o, const Napi::Value& v) {
  int64_t i = v.As<Napi::Number>().Int64Value();
  if (i < 0 || i >= static_cast<int64_t>(o.groups.size()))
    throw ArgError(ArgError::Range, "no parameter group " + std::to_string(i));
  return o.groups[i];
}
// getOption(group, key), setOption(group, key, value): what schedulers and loadStateDict change.
Napi::Value OptimizerWrap::GetOptionImpl(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), GroupAt(*opt_, info[0]).Get(info[1].As<Napi::String>()));
}
Napi::Value OptimizerWrap::SetOptionImpl(const Napi::CallbackInfo& info) {
  GroupAt(*opt_, info[0]).options[info[1].As<Napi::String>()] = info[2].As<Napi::Number>().DoubleValue();
  return info.Env().Undefined();
}

static const char* kStateNames[] = {"momentum_buffer", "step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
static at::Tensor& StateField(ParamState& s, int i) {
  at::Tensor* fields[] = {&s.momentum_buffer, &s.step, &s.exp_avg, &s.exp_avg_sq, &s.max_exp_avg_sq};
  return *fields[i];
}

// state(): per parameter index, an object of the defined state tensors.
Napi::Value OptimizerWrap::StateImpl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto out = Napi::Array::New(env, opt_->state.size());
  for (size_t i = 0; i < opt_->state.size(); i++) {
    auto obj = Napi::Object::New(env);
    for (int f = 0; f < 5; f++) {
      const at::Tensor& t = StateField(opt_->state[i], f);
      if (t.defined()) obj.Set(kStateNames[f], TensorWrap::Wrap(env, t));
    }
    out.Set(i, obj);
  }
  return out;
}

// setState(index, { name: Tensor }): copies (clones) loaded state onto the parameter's device and dtype.
Napi::Value OptimizerWrap::SetStateImpl(const Napi::CallbackInfo& info) {
  int64_t i = info[0].As<Napi::Number>().Int64Value();
  if (i < 0 || i >= static_cast<int64_t>(opt_->state.size()))
    throw ArgError(ArgError::Range, "no parameter " + std::to_string(i));
  const at::Tensor* param = nullptr;
  int64_t k = i;
  for (auto& g : opt_->groups) {
    if (k < static_cast<int64_t>(g.params.size())) {
      param = &g.params[k];
      break;
    }
    k -= g.params.size();
  }
  auto obj = info[1].As<Napi::Object>();
  ParamState s;
  for (int f = 0; f < 5; f++) {
    Napi::Value v = obj.Get(kStateNames[f]);
    if (!TensorWrap::Is(v)) continue;
    at::Tensor t = TensorWrap::TensorOf(v, kStateNames[f]);
    if (f == 1) {
      StateField(s, f) = t.to(at::kFloat).clone();  // step stays a float CPU scalar, as in PyTorch
    } else {
      if (t.sizes() != param->sizes())
        throw ArgError(ArgError::Range, std::string("state '") + kStateNames[f] + "' of parameter " +
                                            std::to_string(i) + " has shape " + c10::str(t.sizes()) +
                                            ", the parameter " + c10::str(param->sizes()));
      StateField(s, f) = t.to(param->device(), param->scalar_type()).clone();
    }
  }
  opt_->state[i] = s;
  return info.Env().Undefined();
}

void RegisterOptim(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeOptimizer", OptimizerWrap::Define(env));
  exports.Set("createOptimizer", Napi::Function::New<CreateOptimizer>(env));
  exports.Set("trainStep", Napi::Function::New<TrainStep>(env));
}

}  // namespace tvgg
