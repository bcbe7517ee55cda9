// Bf16Linear: a oneDNN matmul per batch size over weights reordered once per layout and weight version.
#include "nn/bf16_linear.h"
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>
#include "core/thread_state.h"
#include "nn/fast_linear.h"
#include "nn/onednn_engine.h"

namespace tvgg {

#ifdef TORCHVGG_ONEDNN_API

namespace {
using dnnl::memory;
}  // namespace

struct Bf16Linear::State {
  struct Plan {
    bool native = false;  // false: oneDNN offers only its reference code for this shape; libtorch runs it
    dnnl::matmul prim;
    memory::desc weights;
  };
  std::unordered_map<int64_t, Plan> plans;  // by batch size
  // The weights in the layouts plans asked for, for the weight storage and version they were made from.
  const void* weight_ptr = nullptr;
  int64_t weight_version = -1;
  ReorderedWeightsCache packed;
};

Bf16Linear::Bf16Linear() : state_(std::make_unique<State>()) {}
Bf16Linear::~Bf16Linear() = default;

bool Bf16Linear::Forward(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, at::Tensor* out) {
  const auto bf16_cpu = [](const at::Tensor& t) {
    return t.device().is_cpu() && t.scalar_type() == at::kBFloat16 && t.layout() == at::kStrided && !t.is_quantized();
  };
  if (!FastLinear::Available() || !bf16_cpu(x) || !bf16_cpu(weight) || x.dim() != 2 || weight.dim() != 2 ||
      x.size(0) < 1 || x.size(1) != weight.size(1) || weight.numel() < FastLinear::kMinWeight ||
      !weight.is_contiguous()) {
    return false;
  }
  if (bias.defined() && (!bf16_cpu(bias) || bias.dim() != 1 || bias.size(0) != weight.size(0))) return false;
  const bool needs_grad = x.requires_grad() || weight.requires_grad() || (bias.defined() && bias.requires_grad());
  if ((at::GradMode::is_enabled() && needs_grad) || AutocastEnabled(c10::DeviceType::CPU)) return false;
  at::internal::lazy_init_num_threads();  // oneDNN threads by this thread's OpenMP setting (as FastLinear)
  const int64_t m = x.size(0), k = x.size(1), n = weight.size(0);
  std::lock_guard<std::mutex> lock(mu_);
  State& s = *state_;
  auto it = s.plans.find(m);
  if (it == s.plans.end()) {
    State::Plan plan;
    memory::desc src({m, k}, memory::data_type::bf16, memory::format_tag::ab);
    memory::desc wei({k, n}, memory::data_type::bf16, memory::format_tag::any);
    memory::desc dst({m, n}, memory::data_type::bf16, memory::format_tag::ab);
    memory::desc b({1, n}, memory::data_type::bf16, memory::format_tag::ab);
    dnnl::matmul::desc desc = bias.defined() ? dnnl::matmul::desc(src, wei, b, dst) : dnnl::matmul::desc(src, wei, dst);
    dnnl::matmul::primitive_desc pd(desc, DnnlEngine());
    plan.native = std::string(pd.impl_info_str()).find("ref") == std::string::npos;
    if (plan.native) {
      plan.prim = dnnl::matmul(pd);
      plan.weights = pd.weights_desc();
    }
    it = s.plans.emplace(m, std::move(plan)).first;
  }
  if (!it->second.native) return false;
  const State::Plan& plan = it->second;
  dnnl::stream stream(DnnlEngine());
  if (s.weight_ptr != weight.data_ptr() || s.weight_version != weight._version()) {
    s.packed.clear();
    s.weight_ptr = weight.data_ptr();
    s.weight_version = weight._version();
  }
  const at::Tensor packed =
      ReorderedWeights(&s.packed, plan.weights, n, k, memory::data_type::bf16, weight.data_ptr(), stream);
  const at::Tensor xc = x.contiguous();
  at::Tensor y = at::empty({m, n}, x.options());
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, memory({{m, k}, memory::data_type::bf16, memory::format_tag::ab}, DnnlEngine(), xc.data_ptr())},
      {DNNL_ARG_WEIGHTS, memory(plan.weights, DnnlEngine(), packed.data_ptr())},
      {DNNL_ARG_DST, memory({{m, n}, memory::data_type::bf16, memory::format_tag::ab}, DnnlEngine(), y.data_ptr())}};
  const at::Tensor bc = bias.defined() ? bias.contiguous() : at::Tensor();  // alive until the matmul has run
  if (bc.defined())
    args.emplace(DNNL_ARG_BIAS,
                 memory({{1, n}, memory::data_type::bf16, memory::format_tag::ab}, DnnlEngine(), bc.data_ptr()));
  plan.prim.execute(stream, args);
  stream.wait();
  *out = std::move(y);
  return true;
}

#else

struct Bf16Linear::State {};
Bf16Linear::Bf16Linear() : state_(std::make_unique<State>()) {}
Bf16Linear::~Bf16Linear() = default;
bool Bf16Linear::Forward(const at::Tensor&, const at::Tensor&, const at::Tensor&, at::Tensor*) { return false; }

#endif

}  // namespace tvgg
