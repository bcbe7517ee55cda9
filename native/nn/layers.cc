#include "nn/layers.h"

namespace tvgg {

namespace {
std::string Str(int64_t v) { return std::to_string(v); }

// PyTorch's reset_parameters() for Linear and Conv2d: kaiming_uniform_(a=sqrt(5)) for the weight,
// uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias.
void DefaultInit(at::Tensor& weight, at::Tensor& bias) {
  torch::NoGradGuard no_grad;
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    auto fan_in = std::get<0>(torch::nn::init::_calculate_fan_in_and_fan_out(weight));
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    bias.uniform_(-bound, bound);
  }
}

void CheckDim(const at::Tensor& x, int64_t dim, const char* what) {
  if (x.dim() != dim)
    throw ArgError(ArgError::Range, std::string(what) + ": expected " + Str(dim) + "D input (got " + Str(x.dim()) +
                                        "D input)");
}
}  // namespace

std::string IntPair::Repr() const { return scalar ? Str(a) : TupleRepr(); }
std::string IntPair::TupleRepr() const { return "(" + Str(a) + ", " + Str(b) + ")"; }

Linear::Linear(int64_t in, int64_t out, bool has_bias) : Module("Linear"), in_features(in), out_features(out) {
  weight = AddParameter("weight", at::empty({out, in}));
  if (has_bias) bias = AddParameter("bias", at::empty({out}));
  DefaultInit(weight, bias);
}
at::Tensor Linear::Forward(const at::Tensor& x) { return at::linear(x, weight, bias); }
std::string Linear::ExtraRepr() const {
  return "in_features=" + Str(in_features) + ", out_features=" + Str(out_features) + ", bias=" + PyBool(bias.defined());
}

Conv2d::Conv2d(int64_t in, int64_t out, IntPair kernel, IntPair stride, IntPair padding, std::string padding_str,
               IntPair dilation, int64_t groups, bool has_bias)
    : Module("Conv2d"), in_channels(in), out_channels(out), groups(groups), kernel_size(kernel), stride(stride),
      padding(padding), dilation(dilation), padding_str(std::move(padding_str)) {
  if (groups <= 0 || in % groups || out % groups)
    throw ArgError(ArgError::Range, "in_channels and out_channels must be divisible by groups");
  weight = AddParameter("weight", at::empty({out, in / groups, kernel.a, kernel.b}));
  if (has_bias) bias = AddParameter("bias", at::empty({out}));
  DefaultInit(weight, bias);
}
at::Tensor Conv2d::Forward(const at::Tensor& x) {
  if (!padding_str.empty())
    return at::conv2d(x, weight, bias, stride.Vec(), padding_str, dilation.Vec(), groups);
  return at::conv2d(x, weight, bias, stride.Vec(), padding.Vec(), dilation.Vec(), groups);
}
std::string Conv2d::ExtraRepr() const {
  // torch.nn.modules.conv._ConvNd.extra_repr
  std::string s = Str(in_channels) + ", " + Str(out_channels) + ", kernel_size=" + kernel_size.TupleRepr() +
                  ", stride=" + stride.TupleRepr();
  if (!padding_str.empty()) s += ", padding=" + padding_str;
  else if (padding.a != 0 || padding.b != 0) s += ", padding=" + padding.TupleRepr();
  if (dilation.a != 1 || dilation.b != 1) s += ", dilation=" + dilation.TupleRepr();
  if (groups != 1) s += ", groups=" + Str(groups);
  if (!bias.defined()) s += ", bias=False";
  return s;
}

at::Tensor ReLU::Forward(const at::Tensor& x) {
  if (!inplace) return at::relu(x);
  at::Tensor y = x;  // relu_ mutates the shared TensorImpl, exactly like Python's ReLU(inplace=True)
  return at::relu_(y);
}

Dropout::Dropout(double p, bool inplace) : Module("Dropout"), p(p), inplace(inplace) {
  if (p < 0 || p > 1) throw ArgError(ArgError::Range, "dropout probability has to be between 0 and 1, but got " + PyFloat(p));
}
at::Tensor Dropout::Forward(const at::Tensor& x) {
  if (!inplace) return at::dropout(x, p, Training());
  at::Tensor y = x;
  return at::dropout_(y, p, Training());
}
std::string Dropout::ExtraRepr() const { return "p=" + PyFloat(p) + ", inplace=" + PyBool(inplace); }

MaxPool2d::MaxPool2d(IntPair kernel, IntPair stride, IntPair padding, IntPair dilation, bool ceil_mode)
    : Module("MaxPool2d"), kernel_size(kernel), stride(stride), padding(padding), dilation(dilation),
      ceil_mode(ceil_mode) {}
at::Tensor MaxPool2d::Forward(const at::Tensor& x) {
  return at::max_pool2d(x, kernel_size.Vec(), stride.Vec(), padding.Vec(), dilation.Vec(), ceil_mode);
}
std::string MaxPool2d::ExtraRepr() const {
  return "kernel_size=" + kernel_size.Repr() + ", stride=" + stride.Repr() + ", padding=" + padding.Repr() +
         ", dilation=" + dilation.Repr() + ", ceil_mode=" + PyBool(ceil_mode);
}

at::Tensor AdaptiveAvgPool2d::Forward(const at::Tensor& x) {
  return at::adaptive_avg_pool2d(x, output_size.Vec());
}

BatchNorm2d::BatchNorm2d(int64_t n, double eps, double momentum, bool affine, bool track)
    : Module("BatchNorm2d"), num_features(n), eps(eps), momentum(momentum), affine(affine),
      track_running_stats(track) {
  if (affine) {
    weight = AddParameter("weight", at::ones({n}));
    bias = AddParameter("bias", at::zeros({n}));
  }
  if (track) {
    running_mean = AddBuffer("running_mean", at::zeros({n}));
    running_var = AddBuffer("running_var", at::ones({n}));
    num_batches_tracked = AddBuffer("num_batches_tracked", at::zeros({}, at::kLong));
  }
}
at::Tensor BatchNorm2d::Forward(const at::Tensor& x) {
  CheckDim(x, 4, "BatchNorm2d");
  bool use_batch_stats = Training() || !track_running_stats;
  if (Training() && track_running_stats) {
    torch::NoGradGuard no_grad;
    num_batches_tracked.add_(1);
  }
  return at::batch_norm(x, weight, bias, running_mean, running_var, use_batch_stats, momentum, eps,
                        /*cudnn_enabled=*/true);
}
std::string BatchNorm2d::ExtraRepr() const {
  return Str(num_features) + ", eps=" + PyFloat(eps) + ", momentum=" + PyFloat(momentum) +
         ", affine=" + PyBool(affine) + ", track_running_stats=" + PyBool(track_running_stats);
}

std::string Flatten::ExtraRepr() const { return "start_dim=" + Str(start_dim) + ", end_dim=" + Str(end_dim); }

at::Tensor Sequential::Forward(const at::Tensor& x) {
  at::Tensor y = x;
  for (auto& [key, child] : Children()) y = child->Forward(y);
  return y;
}

}  // namespace tvgg
