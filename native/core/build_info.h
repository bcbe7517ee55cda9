// torch.backends.cpu's native half: libtorch's build configuration and CPU kernel capability.
#pragma once
#include "pch.h"

namespace tvgg {
void RegisterBuildInfo(Napi::Env env, Napi::Object exports);
}  // namespace tvgg
