// How the addon's process gets its CPU memory: glibc's reuse thresholds, and libtorch's CPU allocator
// with transparent huge pages for large blocks.
#pragma once
#include <string>

namespace tvgg {

// [main thread, once, before any tensor] Sets the malloc policy and installs the CPU allocator.
// TORCHVGG_HUGEPAGES=0 keeps libtorch's own allocator (for comparison).
void InstallMemoryPolicy();

// What large CPU blocks get: "madvise" (huge pages asked for), "off" (switched off or not on this
// system). For torch.backends.cpu.capability().
std::string HugePagePolicy();

}  // namespace tvgg
