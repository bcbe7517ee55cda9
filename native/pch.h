// Precompiled header: the heavy includes every translation unit shares.
#pragma once
#include <napi.h>
#include <torch/torch.h>
#include <torch/script.h>
