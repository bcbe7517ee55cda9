// Module: the tree, its parameters and buffers, children edits, Call and Clone.
#include "nn/module.h"
#include "nn/registry.h"

namespace tvgg {

namespace {
std::atomic<uint64_t> next_id{1};
const at::Tensor kUndefined;

const at::Tensor& Lookup(const Module::NamedTensors& list, const char* name) {
  for (auto& [n, t] : list)
    if (n == name) return t;
  return kUndefined;
}

void Upsert(Module::NamedTensors& list, const std::string& name, at::Tensor t) {
  for (auto it = list.begin(); it != list.end(); ++it)
    if (it->first == name) {
      if (t.defined()) it->second = std::move(t);
      else list.erase(it);
      return;
    }
  if (t.defined()) list.emplace_back(name, std::move(t));
}

[[noreturn]] void OutOfRange(size_t pos) {
  throw ArgError(ArgError::Range, "index " + std::to_string(pos) + " is out of range");
}
}  // namespace

Module::Module(std::string type_name) : type_name_(std::move(type_name)), id_(next_id++) {}

Module::~Module() {
  for (auto& [key, child] : children_) child->Detached();
}

at::Tensor Module::Call(const at::Tensor& x) {
  if (bridged_.load(std::memory_order_acquire)) return bridge_->Call(*this, x);
  return Forward(x);
}

void Module::SetBridge(JsBridge* bridge, bool on) {
  if (bridge) bridge_ = bridge;
  bridged_.store(on && bridge_ != nullptr, std::memory_order_release);
}

Module::Ptr Module::Clone() const {
  Ptr copy = CreateLayer(type_name_, Config());
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : params_) {
    at::Tensor c = t.detach().clone();
    c.set_requires_grad(t.requires_grad());
    copy->SetParameter(name, c);
  }
  for (auto& [name, t] : buffers_) copy->SetBuffer(name, t.detach().clone());
  for (auto& [key, child] : Children()) copy->SetChild(key, child->Clone());
  copy->training_ = training_.load();
  copy->layout_ = layout_;
  return copy;
}

const at::Tensor& Module::Param(const char* name) const { return Lookup(params_, name); }
const at::Tensor& Module::Buffer(const char* name) const { return Lookup(buffers_, name); }
void Module::SetParameter(const std::string& name, at::Tensor t) { Upsert(params_, name, std::move(t)); }
void Module::SetBuffer(const std::string& name, at::Tensor t) { Upsert(buffers_, name, std::move(t)); }

Module::Named Module::Children() const {
  std::lock_guard<std::mutex> lock(mu_);
  return children_;
}

Module::Ptr Module::Child(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [k, c] : children_)
    if (k == key) return c;
  return nullptr;
}

bool Module::Contains(const Module* m) const {
  if (m == this) return true;
  for (auto& [key, child] : Children())
    if (child->Contains(m)) return true;
  return false;
}

void Module::CheckChild(const Ptr& child) const {
  if (!child) throw ArgError(ArgError::Type, "child must be an nn.Module");
  if (child->Contains(this))
    throw ArgError(ArgError::Range, "cannot add " + child->TypeName() + " as a child of " + type_name_ +
                                        ": it contains " + type_name_ + " (a module cannot contain itself)");
}

void Module::SetChild(const std::string& key, Ptr child) {
  CheckChild(child);
  child->Attached();
  Ptr old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = std::find_if(children_.begin(), children_.end(), [&](auto& kv) { return kv.first == key; });
    if (it == children_.end()) {
      children_.emplace_back(key, std::move(child));
    } else {
      old = std::move(it->second);
      it->second = std::move(child);
    }
  }
  if (old) old->Detached();
}

bool Module::RemoveChild(const std::string& key) {
  Ptr old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = std::find_if(children_.begin(), children_.end(), [&](auto& kv) { return kv.first == key; });
    if (it == children_.end()) return false;
    old = std::move(it->second);
    children_.erase(it);
  }
  old->Detached();
  return true;
}

void Module::Renumber() {
  for (size_t i = 0; i < children_.size(); i++) children_[i].first = std::to_string(i);
}

void Module::EraseChildAt(size_t pos) {
  Ptr old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (pos >= children_.size()) OutOfRange(pos);
    old = std::move(children_[pos].second);
    children_.erase(children_.begin() + pos);
    Renumber();
  }
  old->Detached();
}

void Module::InsertChildAt(size_t pos, Ptr child) {
  CheckChild(child);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (pos > children_.size()) OutOfRange(pos);
    children_.insert(children_.begin() + pos, {"", child});
    Renumber();
  }
  child->Attached();
}

void Module::ReplaceChildAt(size_t pos, Ptr child) {
  CheckChild(child);
  Ptr old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (pos >= children_.size()) OutOfRange(pos);
    old = std::move(children_[pos].second);
    children_[pos].second = child;
  }
  child->Attached();
  old->Detached();
}

void Module::Train(bool mode) {
  training_ = mode;
  for (auto& [key, child] : Children()) child->Train(mode);
}

at::Tensor& Module::AddParameter(std::string name, at::Tensor t) {
  t.set_requires_grad(true);
  params_.emplace_back(std::move(name), std::move(t));
  return params_.back().second;
}

at::Tensor& Module::AddBuffer(std::string name, at::Tensor t) {
  buffers_.emplace_back(std::move(name), std::move(t));
  return buffers_.back().second;
}

}  // namespace tvgg
