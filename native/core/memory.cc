// Blocks of 32 MB and more are mapped afresh by glibc for each allocation and unmapped when freed, so
// every use of one faults its pages in again: 4 KiB at a time, ~100,000 faults for one VGG16 fc6
// gradient (411 MB), which in a training step cost more system time than the step's arithmetic.
// Python's PyTorch 1.13 pays the same. Asking the kernel for transparent huge pages on those blocks
// (madvise, so it is this process's choice, not the system's) makes it 2 MiB per fault, 512x fewer.
// Smaller blocks stay on glibc's heap and are reused without faults, as before.
#include "core/memory.h"

#include <c10/core/CPUAllocator.h>

#include <cstdlib>
#include <cstring>

#ifdef __linux__
#include <sys/mman.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace tvgg {
namespace {

// glibc maps blocks from this size on (set below); the same size decides which blocks get huge pages.
constexpr size_t kMappedBlock = size_t{32} << 20;
constexpr size_t kHugePage = size_t{2} << 20;
// libtorch's own alignment for CPU data (c10's gAlignment).
constexpr size_t kAlignment = 64;

bool huge_pages_on = false;

void FreeBlock(void* p) { std::free(p); }

void* AllocateBlock(size_t nbytes) {
  if (nbytes == 0) return nullptr;
  // A size that does not fit ptrdiff_t is a caller's overflow, not a request (c10 refuses it too).
  TORCH_CHECK(static_cast<ptrdiff_t>(nbytes) >= 0, "CPU allocator: invalid allocation of ", nbytes, " bytes");
  const bool big = huge_pages_on && nbytes >= kMappedBlock;
  void* data = nullptr;
  if (posix_memalign(&data, big ? kHugePage : kAlignment, nbytes) != 0 || data == nullptr)
    TORCH_CHECK(false, "CPU allocator: not enough memory: you tried to allocate ", nbytes, " bytes");
#ifdef MADV_HUGEPAGE
  // Advice only: where the kernel has no huge page to give, the block gets small pages as before.
  if (big) madvise(data, nbytes, MADV_HUGEPAGE);
#endif
  return data;
}

// The same contract as c10's DefaultCPUAllocator (64-byte aligned, freed with free()), so tensors made
// before it was installed and after mix freely. Both `allocate` spellings are declared because libtorch
// 2.x made it non-const; whichever the base class has is the override. copy_data is new in 2.x.
struct HugePageCPUAllocator final : at::Allocator {
  at::DataPtr allocate(size_t nbytes) const {
    void* data = AllocateBlock(nbytes);
    return {data, data, &FreeBlock, at::Device(at::DeviceType::CPU)};
  }
  at::DataPtr allocate(size_t nbytes) { return static_cast<const HugePageCPUAllocator*>(this)->allocate(nbytes); }
  at::DeleterFnPtr raw_deleter() const override { return &FreeBlock; }
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }
};

HugePageCPUAllocator huge_page_allocator;

bool HugePagesAvailable() {
#ifdef MADV_HUGEPAGE
  const char* env = std::getenv("TORCHVGG_HUGEPAGES");
  if (env && std::string(env) == "0") return false;
  return true;
#else
  return false;
#endif
}
}  // namespace

void InstallMemoryPolicy() {
#ifdef __GLIBC__
  // glibc hands large freed blocks back to the kernel and maps fresh ones, so every VGG16 forward paid
  // ~6,000 page faults for its activations (batch 1: 99 ms vs Python's 89 ms). Keep them for reuse.
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMappedBlock));
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * kMappedBlock));
  // Tensors JS drops are freed by the collector in bursts of thousands (lib/native_tensor.ts), not one by one
  // as in Python. With glibc's fastbins each burst leaves thousands of small chunks (TensorImpl, StorageImpl,
  // posix_memalign's split-off fragments) that the next larger request consolidates one by one: ~200 ns per
  // tiny op here. Without fastbins a freed chunk merges at once and small requests still hit the tcache.
  if (!std::getenv("TORCHVGG_FASTBINS")) mallopt(M_MXFAST, 0);
#endif
  if (!HugePagesAvailable()) return;
  huge_pages_on = true;
  // Priority 1 outranks the default allocator's registration (0).
  c10::SetCPUAllocator(&huge_page_allocator, 1);
}

std::string HugePagePolicy() { return huge_pages_on ? "madvise" : "off"; }

}  // namespace tvgg
