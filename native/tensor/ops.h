// Tensor factories and process-wide settings (seed, threads, grad mode, autocast) as free functions.
#pragma once
#include "pch.h"
namespace tvgg {
void RegisterOps(Napi::Env env, Napi::Object exports);
}
