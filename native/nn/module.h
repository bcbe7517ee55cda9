// The module tree. It lives in C++ so a forward pass never crosses back into JS and can run on the
// executor thread; JS objects are views of these nodes (ModuleWrap).
#pragma once
#include <atomic>
#include <mutex>
#include "pch.h"
#include "core/errors.h"

namespace tvgg {

class Module {
 public:
  using Ptr = std::shared_ptr<Module>;
  using Named = std::vector<std::pair<std::string, Ptr>>;
  using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

  explicit Module(std::string type_name);
  virtual ~Module() = default;

  virtual at::Tensor Forward(const at::Tensor& x) = 0;
  // PyTorch's extra_repr(): what goes between the parentheses of a leaf.
  virtual std::string ExtraRepr() const { return ""; }
  // PyTorch's __repr__, byte for byte.
  std::string Repr() const;

  const std::string& TypeName() const { return type_name_; }
  uint64_t Id() const { return id_; }  // stable identity, so JS can hand back the same object

  // Own parameters and buffers in registration order (PyTorch's order). The tensors themselves are
  // updated in place (copy_ / set_data), never replaced, so any handle to them stays valid.
  const NamedTensors& Parameters() const { return params_; }
  const NamedTensors& Buffers() const { return buffers_; }

  // Children: a consistent copy, safe against concurrent edits from the main thread.
  Named Children() const;
  Ptr Child(const std::string& key) const;  // null when absent
  // add_module(): replaces the child under `key`, or appends it.
  void SetChild(const std::string& key, Ptr child);
  // Sequential's positional edits (keys renumbered 0..n-1 afterwards, as PyTorch does).
  void EraseChildAt(size_t pos);
  void InsertChildAt(size_t pos, Ptr child);
  void ReplaceChildAt(size_t pos, Ptr child);

  bool Training() const { return training_; }
  virtual void Train(bool mode);  // recursive, like Module.train(mode)

 protected:
  at::Tensor& AddParameter(std::string name, at::Tensor t);
  at::Tensor& AddBuffer(std::string name, at::Tensor t);

 private:
  void Renumber();  // caller holds mu_

  std::string type_name_;
  uint64_t id_;
  NamedTensors params_, buffers_;
  mutable std::mutex mu_;
  Named children_;
  std::atomic<bool> training_{true};
};

// Python's repr() of a float (shortest round trip; 0.5, 1e-05, 0.0001, 2.0).
std::string PyFloat(double v);
std::string PyBool(bool v);

}  // namespace tvgg
