// oneDNN's opaque (blocked) layout for CPU inference. A run of layers that can pass opaque tensors
// (a convolution with weights reordered once, then ReLU and max pooling) keeps its activations in
// oneDNN's own layout between layers, as onnxruntime does, instead of reordering at every convolution.
// Containers convert into the layout where such a run starts and back to a strided tensor where it ends,
// so no module outside a run, hook or JS code ever sees an opaque tensor.
#pragma once
#include "nn/module.h"
#include "nn/onednn_run.h"

namespace tvgg {

// Whether `x` may enter or stay in the opaque layout for `next`: CPU float32, 4-D, non-empty, no
// autograd recording (grad mode off, or inference mode), no hooks on `next`, and TORCHVGG_ONEDNN_LAYOUT not set to 0.
bool OpaqueFits(const Module& next, const at::Tensor& x);

// Runs `children` in order (Sequential's forward), moving into and out of the opaque layout. A run is
// handed whole to oneDNN's primitives through `runs` where this build has them (nn/onednn_run.h).
at::Tensor RunInOpaqueRuns(const Module::Named& children, const at::Tensor& x, OnednnRunCache* runs);

}  // namespace tvgg
