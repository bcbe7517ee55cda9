// Containers' side of oneDNN's opaque layout: where a run of opaque-capable layers starts and ends.
#include "nn/onednn.h"
#include <cstdlib>

namespace tvgg {

namespace {
bool Enabled() {
  // Read once: TORCHVGG_ONEDNN_LAYOUT=0 keeps every activation strided (for comparison in the bench).
  static const bool enabled = [] {
    const char* v = std::getenv("TORCHVGG_ONEDNN_LAYOUT");
    return !(v && std::string(v) == "0") && at::hasMKLDNN();
  }();
  return enabled;
}
}  // namespace

bool OpaqueFits(const Module& next, const at::Tensor& x) {
  // Autograd records unless grad mode is off or inference mode holds (torch.inferenceMode keeps grad mode
  // as the JS context set it, but nothing is recorded inside it).
  bool recording = at::GradMode::is_enabled() && !c10::InferenceMode::is_enabled();
  if (!Enabled() || next.Bridged() || !next.PassesOpaque() || recording) return false;
  if (!x.defined() || x.device().type() != at::kCPU || x.scalar_type() != at::kFloat || x.dim() != 4) return false;
  return x.is_mkldnn() || x.numel() > 0;
}

at::Tensor RunInOpaqueRuns(const Module::Named& children, const at::Tensor& x, OnednnRunCache* runs) {
  at::Tensor y = x;
  for (size_t i = 0; i < children.size(); i++) {
    const Module::Ptr& child = children[i].second;
    bool fits = OpaqueFits(*child, y);
    if (fits && runs && !y.is_mkldnn() && child->StartsOpaque()) {
      // The whole run, from this convolution to the last layer that passes opaque tensors.
      std::vector<Module::Ptr> run{child};
      for (size_t j = i + 1; j < children.size(); j++) {
        const Module& next = *children[j].second;
        if (next.Bridged() || !next.PassesOpaque()) break;
        run.push_back(children[j].second);
      }
      at::Tensor out;
      if (runs->Run(run, y, &out)) {
        y = out;
        i += run.size() - 1;
        continue;
      }
    }
    if (y.is_mkldnn() && !fits) y = y.to_dense();
    else if (!y.is_mkldnn() && fits && child->StartsOpaque()) y = y.to_mkldnn();
    y = child->Call(y);
  }
  return y.is_mkldnn() ? y.to_dense() : y;
}

}  // namespace tvgg
