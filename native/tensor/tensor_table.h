// TensorTable: the tensors JS holds, by number. A JS NativeTensor is a plain object with a handle into this
// table, freed by a FinalizationRegistry (lib/native_tensor.ts): no napi_wrap, reference or finalizer per result.
#pragma once
#include <deque>
#include "pch.h"

namespace tvgg {

class TensorTable {
 public:
  // [main thread] Stores `t` and returns its handle: slot + generation * 2^24, exact in a JS number.
  double Insert(Napi::Env env, at::Tensor t);
  // The tensor behind a handle; TypeError for a value that is no handle, Error once it was disposed.
  // The reference stays valid while the slot is held (a deque never moves its elements).
  const at::Tensor& Get(const Napi::Value& handle) const;
  bool Live(const Napi::Value& handle) const;
  // [main thread] Frees the slot; a stale handle (the slot already freed or reused) is ignored.
  void Release(Napi::Env env, const Napi::Value& handle);
  void Release(Napi::Env env, double handle);
  // Release() for each of `count` handles: what the collector found unreachable since the last call.
  void ReleaseMany(Napi::Env env, const double* handles, size_t count);

 private:
  struct Slot {
    at::Tensor tensor;
    uint32_t generation = 0;
    int64_t reported_bytes = 0;  // told to V8 via AdjustExternalMemory on its own
    int64_t small_bytes = 0;  // counted in small_live_ instead
  };
  // The slot a handle names when its generation is current; nullptr otherwise.
  const Slot* Find(double handle) const;

  // Small tensors' memory, told to V8 in steps of kReportStep: V8 frees FinalizationRegistry targets only in
  // full collections, which it schedules by heap and external memory; unreported, a loop of tiny ops would
  // hold hundreds of MB of TensorImpls until one came.
  void ReportSmall(Napi::Env env);

  std::deque<Slot> slots_;
  std::vector<uint32_t> free_;
  int64_t small_live_ = 0;
  int64_t small_reported_ = 0;
};

}  // namespace tvgg
