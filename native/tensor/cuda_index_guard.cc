// Host-side bounds checks for CUDA index tensors (see the header for why).
#include "tensor/cuda_index_guard.h"
#include "core/errors.h"

namespace tvgg {

namespace {
// A bool (or, as PyTorch still accepts, uint8) index tensor is a mask, not a list of positions.
bool IsMask(const at::Tensor& t) { return t.scalar_type() == at::kBool || t.scalar_type() == at::kByte; }
}  // namespace

void CheckCudaIndexRange(const at::Tensor& index, int64_t size, const std::string& what, bool negative,
                         c10::optional<int64_t> ignore) {
  if (!index.defined() || !index.is_cuda() || index.numel() == 0) return;
  if (!at::isIntegralType(index.scalar_type(), /*includeBool=*/false)) return;
  at::NoGradGuard no_grad;
  at::Tensor bad = (index < (negative ? -size : 0)) | (index >= size);
  if (ignore) bad &= index != *ignore;
  if (!bad.any().item<bool>()) return;
  int64_t first = index.masked_select(bad).view(-1)[0].item<int64_t>();
  throw ArgError(ArgError::Range,
                 what + ": index " + std::to_string(first) + " is out of bounds for size " + std::to_string(size));
}

void CheckCudaClassTargets(const at::Tensor& input, const at::Tensor& target, int64_t ignore, const std::string& what) {
  if (!input.defined() || !target.defined() || !target.is_cuda() || input.dim() == 0) return;
  int64_t classes = input.dim() == 1 ? input.size(0) : input.size(1);
  CheckCudaIndexRange(target, classes, what + " target", false, ignore);
}

void CheckCudaIndices(const at::Tensor& self, const std::vector<at::indexing::TensorIndex>& indices) {
  if (!self.is_cuda()) return;
  // How many of self's dimensions each index consumes: an int, a slice or an integer tensor one, a bool
  // tensor its own dim(), None and a bool none; an ellipsis takes whatever the others leave.
  auto consumed = [](const at::indexing::TensorIndex& i) -> int64_t {
    if (i.is_none() || i.is_boolean() || i.is_ellipsis()) return 0;
    if (i.is_tensor() && IsMask(i.tensor())) return i.tensor().dim();
    return 1;
  };
  int64_t explicit_dims = 0;
  for (const auto& i : indices) explicit_dims += consumed(i);
  int64_t dim = 0;
  for (const auto& i : indices) {
    if (i.is_ellipsis()) {
      dim += std::max<int64_t>(0, self.dim() - explicit_dims);
      continue;
    }
    if (i.is_tensor() && !IsMask(i.tensor()) && dim < self.dim())
      CheckCudaIndexRange(i.tensor(), self.size(dim), "index of dimension " + std::to_string(dim), true);
    dim += consumed(i);
  }
}

}  // namespace tvgg
