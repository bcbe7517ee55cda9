// SGD, Adam and AdamW with PyTorch 1.13's update rules and state layout (momentum_buffer; step,
// exp_avg, exp_avg_sq, max_exp_avg_sq), so a state dict moves between Node and Python unchanged.
#pragma once
#include <map>
#include "pch.h"
#include "core/errors.h"

namespace tvgg {

struct ParamGroup {
  std::vector<at::Tensor> params;
  std::map<std::string, double> options;  // lr, momentum, dampening, weight_decay, beta1, beta2, eps; flags as 0/1
  double Get(const std::string& key) const;
};

struct ParamState {
  at::Tensor momentum_buffer, step, exp_avg, exp_avg_sq, max_exp_avg_sq;
  // Adam's denominator, kept between steps: allocating it afresh (0.4 GB for VGG's first Linear) cost
  // more time in page faults than the arithmetic. Not part of the state dict.
  at::Tensor denom;
};

class Optimizer {
 public:
  enum Kind { SGD, Adam, AdamW };
  Optimizer(Kind kind, std::vector<ParamGroup> groups);
  void Step();
  void ZeroGrad(bool set_to_none);
  Kind kind;
  std::vector<ParamGroup> groups;
  std::vector<ParamState> state;  // one per parameter, in group order (PyTorch's state-dict indices)

 private:
  void StepSGD(const ParamGroup& g, at::Tensor& p, ParamState& s);
  void StepAdam(const ParamGroup& g, at::Tensor& p, ParamState& s);
};

class OptimizerWrap : public Napi::ObjectWrap<OptimizerWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit OptimizerWrap(const Napi::CallbackInfo& info);
  std::shared_ptr<Optimizer> Get() const { return opt_; }

 private:
  TVGG_METHOD(Step);  // [sync] one optimizer step
  TVGG_METHOD(ZeroGrad);  // [sync]
  TVGG_METHOD(GetOption);  // [sync] RangeError for a missing group
  TVGG_METHOD(SetOption);  // [sync] RangeError for a missing group
  TVGG_METHOD(State);  // [sync] per-parameter state tensors
  TVGG_METHOD(SetState);  // [sync] RangeError for a shape that does not fit the parameter

  std::shared_ptr<Optimizer> opt_;
};

void RegisterOptim(Napi::Env env, Napi::Object exports);

}  // namespace tvgg
