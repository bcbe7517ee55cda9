#pragma once
#include "pch.h"
namespace tvgg {
void RegisterOps(Napi::Env env, Napi::Object exports);
}
