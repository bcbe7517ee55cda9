// libtorch keeps grad mode and autocast per thread. An async job runs on the executor thread, so it
// captures the caller's settings at submission and applies them while it runs: torch.noGrad(() =>
// model.forwardAsync(x)) and torch.autocast(...) then mean the same as for the sync call.
#pragma once
#include <ATen/autocast_mode.h>
#include "pch.h"

namespace tvgg {

// Autocast's per-thread switches; libtorch 2.4 replaced the per-device functions with ones taking a
// device type.
inline bool AutocastEnabled(c10::DeviceType d) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  return at::autocast::is_autocast_enabled(d);
#else
  return d == c10::DeviceType::CPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
#endif
}
inline void SetAutocastEnabled(c10::DeviceType d, bool on) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  at::autocast::set_autocast_enabled(d, on);
#else
  if (d == c10::DeviceType::CPU) at::autocast::set_cpu_enabled(on);
  else at::autocast::set_enabled(on);
#endif
}
inline at::ScalarType AutocastDtype(c10::DeviceType d) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  return at::autocast::get_autocast_dtype(d);
#else
  return d == c10::DeviceType::CPU ? at::autocast::get_autocast_cpu_dtype() : at::autocast::get_autocast_gpu_dtype();
#endif
}
inline void SetAutocastDtype(c10::DeviceType d, at::ScalarType t) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  at::autocast::set_autocast_dtype(d, t);
#else
  if (d == c10::DeviceType::CPU) at::autocast::set_autocast_cpu_dtype(t);
  else at::autocast::set_autocast_gpu_dtype(t);
#endif
}

struct ThreadState {
  bool grad = true;
  bool cpu_autocast = false, cuda_autocast = false;
  at::ScalarType cpu_dtype = at::kBFloat16, cuda_dtype = at::kHalf;

  static ThreadState Capture() {
    ThreadState s;
    s.grad = at::GradMode::is_enabled();
    s.cpu_autocast = AutocastEnabled(c10::DeviceType::CPU);
    s.cuda_autocast = AutocastEnabled(c10::DeviceType::CUDA);
    s.cpu_dtype = AutocastDtype(c10::DeviceType::CPU);
    s.cuda_dtype = AutocastDtype(c10::DeviceType::CUDA);
    return s;
  }

  void Apply() const {
    at::GradMode::set_enabled(grad);
    SetAutocastEnabled(c10::DeviceType::CPU, cpu_autocast);
    SetAutocastEnabled(c10::DeviceType::CUDA, cuda_autocast);
    SetAutocastDtype(c10::DeviceType::CPU, cpu_dtype);
    SetAutocastDtype(c10::DeviceType::CUDA, cuda_dtype);
  }
};

// Applies a captured state for the lifetime of the scope, then restores this thread's own.
class ThreadStateScope {
 public:
  explicit ThreadStateScope(const ThreadState& s) : saved_(ThreadState::Capture()) { s.Apply(); }
  ~ThreadStateScope() {
    saved_.Apply();
    at::autocast::clear_cache();
  }

 private:
  ThreadState saved_;
};

}  // namespace tvgg
