// The module tree. It lives in C++ so a forward pass never crosses back into JS and can run on the
// executor thread; JS objects are views of these nodes (ModuleWrap). A node calls JS only when JS asked
// for it: forward hooks on it, or a module whose forward is written in JS (JsModule).
#pragma once
#include <atomic>
#include <mutex>
#include "pch.h"
#include "core/errors.h"
#include "nn/options.h"

namespace tvgg {

class Module;

// How a hooked or JS-defined module is called: by the addon's JS dispatcher (nn/js_module.cc), on the
// main thread. One per environment; it outlives every module that points to it.
struct JsBridge {
  virtual ~JsBridge() = default;
  virtual at::Tensor Call(Module& m, const at::Tensor& x) = 0;
};

// The layout eval() prepares convolution weights in: Auto lets eval() pick channels_last on the CPU;
// an explicit to({ memoryFormat }) pins the choice.
enum class LayoutPreference { Auto, Contiguous, ChannelsLast };

// One layer of a oneDNN run (nn/onednn_run.h): a convolution, a ReLU or a max pooling, with its arguments.
struct OpaqueOp {
  enum Kind { Conv, Relu, MaxPool } kind = Relu;
  std::vector<int64_t> kernel, stride, padding, dilation;
  int64_t groups = 1;
  bool ceil_mode = false;
  at::Tensor weight, bias;  // Conv only; bias may be undefined
};

class Module : public std::enable_shared_from_this<Module> {
 public:
  using Ptr = std::shared_ptr<Module>;
  using Named = std::vector<std::pair<std::string, Ptr>>;
  using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

  explicit Module(std::string type_name);
  virtual ~Module();

  // What the layer computes. Containers call their children through Call, never Forward.
  virtual at::Tensor Forward(const at::Tensor& x) = 0;
  // PyTorch's __call__: Forward, or the JS dispatcher when hooks are set on this module.
  at::Tensor Call(const at::Tensor& x);

  // PyTorch's extra_repr(): what goes between the parentheses of a leaf.
  virtual std::string ExtraRepr() const { return ""; }
  // The constructor arguments, under the names the registry reads (nn/registry.h).
  virtual Options Config() const { return {}; }
  // A new module of the same type and configuration with copies of every tensor and child.
  virtual Ptr Clone() const;

  const std::string& TypeName() const { return type_name_; }
  // True for the native node of a module written in JS (nn/js_module.cc).
  virtual bool DefinedInJs() const { return false; }
  uint64_t Id() const { return id_; }  // stable identity, so JS can hand back the same object

  // Own parameters and buffers in registration order (PyTorch's order). The tensors are updated in
  // place (copy_ / set_data), so any handle to them stays valid; SetParameter replaces one entry.
  const NamedTensors& Parameters() const { return params_; }
  const NamedTensors& Buffers() const { return buffers_; }
  // The own parameter or buffer `name`, or an undefined tensor when absent (bias=False).
  const at::Tensor& Param(const char* name) const;
  const at::Tensor& Buffer(const char* name) const;
  // register_parameter / register_buffer: replaces or appends; an undefined tensor removes the entry.
  void SetParameter(const std::string& name, at::Tensor t);
  void SetBuffer(const std::string& name, at::Tensor t);

  // Children: a consistent copy, safe against concurrent edits from the main thread.
  Named Children() const;
  Ptr Child(const std::string& key) const;  // null when absent
  // add_module(): replaces the child under `key`, or appends it. Refuses a child that contains this
  // module (a cycle would recurse forever in forward, print and train).
  void SetChild(const std::string& key, Ptr child);
  bool RemoveChild(const std::string& key);
  // Sequential's positional edits (keys renumbered 0..n-1 afterwards, as PyTorch does).
  void EraseChildAt(size_t pos);
  void InsertChildAt(size_t pos, Ptr child);
  void ReplaceChildAt(size_t pos, Ptr child);
  bool Contains(const Module* m) const;  // m is this module or below it

  bool Training() const { return training_; }
  virtual void Train(bool mode);  // recursive, like Module.train(mode)

  LayoutPreference Layout() const { return layout_; }
  void SetLayout(LayoutPreference p) { layout_ = p; }

  // oneDNN's opaque layout for CPU inference (nn/onednn.h): whether Forward takes and returns opaque
  // tensors right now, and whether a run of such layers may start here (a convolution) rather than
  // only continue through it (ReLU, max pooling).
  virtual bool PassesOpaque() const { return false; }
  virtual bool StartsOpaque() const { return false; }
  // For a layer that passes opaque tensors: what it computes, so a container can hand a whole run to
  // oneDNN's own primitives (nn/onednn_run.h). False where the layer cannot describe itself.
  virtual bool DescribeOpaque(struct OpaqueOp* op) const { return false; }

  // Calls through the JS dispatcher (hooks set) or not.
  bool Bridged() const { return bridged_.load(std::memory_order_acquire); }
  void SetBridge(JsBridge* bridge, bool on);
  JsBridge* Bridge() const { return bridge_; }

  // In-flight async work using this module (nn/busy.h); main thread only.
  int busy_jobs = 0, busy_writers = 0;

 protected:
  at::Tensor& AddParameter(std::string name, at::Tensor t);
  at::Tensor& AddBuffer(std::string name, at::Tensor t);
  // Told when this module becomes or stops being another module's child (JsModule keeps its JS object
  // alive meanwhile). Any thread for detach: a parent can die on the executor thread.
  virtual void Attached() {}
  virtual void Detached() {}

 private:
  void Renumber();  // caller holds mu_
  void CheckChild(const Ptr& child) const;

  std::string type_name_;
  uint64_t id_;
  NamedTensors params_, buffers_;
  mutable std::mutex mu_;
  Named children_;
  std::atomic<bool> training_{true};
  std::atomic<bool> bridged_{false};
  JsBridge* bridge_ = nullptr;
  LayoutPreference layout_ = LayoutPreference::Auto;
};

}  // namespace tvgg
