// Int8Linear: a oneDNN u8 x s8 -> s32 matmul per batch size over weights reordered once per weight version.
#include "quantization/int8_linear.h"
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>
#include "nn/fast_linear.h"
#include "nn/onednn_engine.h"

namespace tvgg {

#ifdef TORCHVGG_ONEDNN_API

namespace {
using dnnl::memory;
}  // namespace

struct Int8Linear::State {
  struct Plan {
    bool native = false;  // false: oneDNN offers only its reference code for this shape; libtorch runs it
    dnnl::matmul prim;
    memory::desc weights;
  };
  std::unordered_map<int64_t, Plan> plans;  // by batch size
  const void* weight_ptr = nullptr;
  int64_t weight_version = -1;
  ReorderedWeightsCache packed;
  at::Tensor row_sums;  // float32 [n]: sum over k of each output's int8 weights (the input zero point's term)
  at::Tensor weight_scales;  // float32 [n]
};

Int8Linear::Int8Linear() : state_(std::make_unique<State>()) {}
Int8Linear::~Int8Linear() = default;

bool Int8Linear::Forward(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, bool relu, double scale,
                         int64_t zero_point, at::Tensor* out) {
  if (!FastLinear::Available() || !x.device().is_cpu() || x.scalar_type() != at::kQUInt8 ||
      x.qscheme() != at::kPerTensorAffine || x.dim() != 2 || x.size(0) < 1 || !weight.device().is_cpu() ||
      weight.scalar_type() != at::kQInt8 || weight.dim() != 2 || x.size(1) != weight.size(1) ||
      weight.numel() < FastLinear::kMinWeight || !weight.is_contiguous()) {
    return false;
  }
  const int64_t m = x.size(0), k = x.size(1), n = weight.size(0);
  if (bias.defined() && (bias.scalar_type() != at::kFloat || bias.dim() != 1 || bias.size(0) != n)) return false;
  at::internal::lazy_init_num_threads();  // oneDNN threads by this thread's OpenMP setting (as FastLinear)
  std::lock_guard<std::mutex> lock(mu_);
  State& s = *state_;
  if (s.weight_ptr != weight.data_ptr() || s.weight_version != weight._version()) {
    // Symmetric weights only: PyTorch's per-channel qint8 weights have zero points 0; others go to libtorch.
    at::Tensor zps = weight.qscheme() == at::kPerChannelAffine  ? weight.q_per_channel_zero_points()
                     : weight.qscheme() == at::kPerTensorAffine ? at::scalar_tensor(weight.q_zero_point(), at::kLong)
                                                                : at::Tensor();
    if (!zps.defined() || zps.ne(0).any().item<bool>()) return false;
    if (weight.qscheme() == at::kPerChannelAffine && weight.q_per_channel_axis() != 0) return false;
    s.packed.clear();
    const at::Tensor ints = at::from_blob(weight.data_ptr(), {n, k}, at::kChar);
    s.row_sums = ints.sum(1, false, at::kInt).to(at::kFloat);
    s.weight_scales = weight.qscheme() == at::kPerChannelAffine ? weight.q_per_channel_scales().to(at::kFloat)
                                                                : at::full({n}, weight.q_scale(), at::kFloat);
    s.weight_ptr = weight.data_ptr();
    s.weight_version = weight._version();
  }
  auto it = s.plans.find(m);
  if (it == s.plans.end()) {
    State::Plan plan;
    memory::desc src({m, k}, memory::data_type::u8, memory::format_tag::ab);
    memory::desc wei({k, n}, memory::data_type::s8, memory::format_tag::any);
    memory::desc dst({m, n}, memory::data_type::s32, memory::format_tag::ab);
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, wei, dst), DnnlEngine());
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
  const at::Tensor packed =
      ReorderedWeights(&s.packed, plan.weights, n, k, memory::data_type::s8, weight.data_ptr(), stream);
  const at::Tensor xc = x.contiguous();
  at::Tensor sums = at::empty({m, n}, at::kInt);
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, memory({{m, k}, memory::data_type::u8, memory::format_tag::ab}, DnnlEngine(), xc.data_ptr())},
      {DNNL_ARG_WEIGHTS, memory(plan.weights, DnnlEngine(), packed.data_ptr())},
      {DNNL_ARG_DST, memory({{m, n}, memory::data_type::s32, memory::format_tag::ab}, DnnlEngine(), sums.data_ptr())}};
  plan.prim.execute(stream, args);
  stream.wait();
  // y = x_scale * w_scale[j] * (sum_k xq w - x_zp * sum_k w) + bias[j], as the float reference defines it.
  const double x_scale = x.q_scale();
  const double x_zp = static_cast<double>(x.q_zero_point());
  at::Tensor y = sums.to(at::kFloat);
  if (x_zp != 0) y.sub_(s.row_sums.mul(x_zp));
  y.mul_(s.weight_scales.mul(x_scale));
  if (bias.defined()) y.add_(bias);
  if (relu) y.relu_();
  *out = at::quantize_per_tensor(y, scale, zero_point, at::kQUInt8);
  return true;
}

#else

struct Int8Linear::State {};
Int8Linear::Int8Linear() : state_(std::make_unique<State>()) {}
Int8Linear::~Int8Linear() = default;
bool Int8Linear::Forward(const at::Tensor&, const at::Tensor&, const at::Tensor&, bool, double, int64_t, at::Tensor*) {
  return false;
}

#endif

}  // namespace tvgg
