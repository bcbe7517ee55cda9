// TensorTable: slots with a generation each, so that a handle outliving its tensor can never reach another.
#include "tensor/tensor_table.h"
#include "core/errors.h"

namespace tvgg {

namespace {
constexpr int64_t kSlotBits = 24;
constexpr int64_t kSlotMask = (int64_t{1} << kSlotBits) - 1;
constexpr uint32_t kGenerationMask = (uint32_t{1} << 29) - 1;  // slot + generation < 2^53
// Results from this size on are reported to V8 one by one; smaller ones are summed (ReportSmall).
constexpr int64_t kReportBytes = 64 * 1024;
constexpr int64_t kReportStep = 1 << 20;
// What a tensor costs besides its data: TensorImpl, StorageImpl and the allocator's headers.
constexpr int64_t kTensorOverhead = 512;

// The slot and generation of a handle; false for anything that is not one (a negative, fractional or
// non-numeric value, a disposed tensor's -1).
bool Decode(double d, int64_t* slot, uint32_t* generation) {
  if (!(d >= 0 && d < 9007199254740992.0) || d != std::floor(d)) return false;
  auto h = static_cast<int64_t>(d);
  *slot = h & kSlotMask;
  *generation = static_cast<uint32_t>(h >> kSlotBits);
  return true;
}
// One N-API call, which also says whether `v` is a number: this is on every tensor call's path. NaN for
// anything else, which no handle decodes from.
double HandleValue(const Napi::Value& v) {
  double d;
  return napi_get_value_double(v.Env(), v, &d) == napi_ok ? d : std::nan("");
}

}  // namespace

double TensorTable::Insert(Napi::Env env, at::Tensor t) {
  uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    if (static_cast<int64_t>(slots_.size()) > kSlotMask)
      throw ArgError(ArgError::Range, "more than 2^24 tensors are alive in JS; dispose() some");
    index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[index];
  s.tensor = std::move(t);
  // Tell V8 about memory this handle alone keeps alive, so the collector frees unreferenced results.
  const at::Tensor& held = s.tensor;
  if (held.defined() && held.has_storage() && held.device().is_cpu() && held.storage().use_count() == 1 &&
      static_cast<int64_t>(held.storage().nbytes()) >= kReportBytes) {
    s.reported_bytes = static_cast<int64_t>(held.storage().nbytes());
    Napi::MemoryManagement::AdjustExternalMemory(env, s.reported_bytes);
  } else {
    bool owns = held.defined() && held.has_storage() && held.storage().use_count() == 1;
    s.small_bytes = kTensorOverhead + (owns ? static_cast<int64_t>(held.storage().nbytes()) : 0);
    small_live_ += s.small_bytes;
    if (small_live_ - small_reported_ >= kReportStep) ReportSmall(env);
  }
  return static_cast<double>((static_cast<int64_t>(s.generation) << kSlotBits) | index);
}

const TensorTable::Slot* TensorTable::Find(double handle) const {
  int64_t slot;
  uint32_t generation;
  if (!Decode(handle, &slot, &generation) || slot >= static_cast<int64_t>(slots_.size())) return nullptr;
  const Slot& s = slots_[static_cast<size_t>(slot)];
  return s.generation == generation && s.tensor.defined() ? &s : nullptr;
}

const at::Tensor& TensorTable::Get(const Napi::Value& handle) const {
  if (const Slot* s = Find(HandleValue(handle))) return s->tensor;
  if (!handle.IsNumber()) throw ArgError(ArgError::Type, "a tensor handle must be a number");
  throw std::runtime_error("tensor was disposed");
}

bool TensorTable::Live(const Napi::Value& handle) const { return Find(HandleValue(handle)) != nullptr; }

void TensorTable::Release(Napi::Env env, const Napi::Value& handle) { Release(env, HandleValue(handle)); }

void TensorTable::Release(Napi::Env env, double handle) {
  if (!Find(handle)) return;
  int64_t index;
  uint32_t generation;
  Decode(handle, &index, &generation);
  Slot* s = &slots_[static_cast<size_t>(index)];
  if (s->reported_bytes) Napi::MemoryManagement::AdjustExternalMemory(env, -s->reported_bytes);
  s->reported_bytes = 0;
  small_live_ -= s->small_bytes;
  s->small_bytes = 0;
  if (small_reported_ - small_live_ >= kReportStep) ReportSmall(env);
  s->tensor.reset();
  s->generation = (s->generation + 1) & kGenerationMask;
  free_.push_back(static_cast<uint32_t>(index));
}

// The collector's tensors were made long before and are out of cache: freeing one walks TensorImpl, then
// StorageImpl, then the data block's malloc header, each a miss that waits for the one before. Fetching
// those of the tensors a few places ahead (each level once the level above has arrived) overlaps the misses.
void TensorTable::ReleaseMany(Napi::Env env, const double* handles, size_t count) {
  constexpr size_t kStep = 8;
  auto impl_at = [&](size_t i) -> c10::TensorImpl* {
    const Slot* s = i < count ? Find(handles[i]) : nullptr;
    return s ? s->tensor.unsafeGetTensorImpl() : nullptr;
  };
  for (size_t i = 0; i < count; i++) {
    if (c10::TensorImpl* impl = impl_at(i + 3 * kStep)) __builtin_prefetch(impl);
    if (c10::TensorImpl* impl = impl_at(i + 2 * kStep)) {
      if (c10::StorageImpl* storage = impl->unsafe_storage().unsafeGetStorageImpl()) __builtin_prefetch(storage);
    }
    if (c10::TensorImpl* impl = impl_at(i + kStep)) {
      c10::StorageImpl* storage = impl->unsafe_storage().unsafeGetStorageImpl();
      if (storage && storage->data_ptr().get()) __builtin_prefetch(static_cast<char*>(storage->data_ptr().get()) - 16);
    }
    Release(env, handles[i]);
  }
}

void TensorTable::ReportSmall(Napi::Env env) {
  Napi::MemoryManagement::AdjustExternalMemory(env, small_live_ - small_reported_);
  small_reported_ = small_live_;
}

}  // namespace tvgg
