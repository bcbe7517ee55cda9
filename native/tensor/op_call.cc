// The named-op table behind callOp (reductions, elementwise, in-place, shape and selection ops) and
// index/indexPut_ with Python's x[...] semantics.
#include "tensor/op_call.h"
#include <variant>
#include "core/errors.h"
#include "tensor/cuda_index_guard.h"
#include "tensor/tensor.h"

namespace tvgg {

namespace {
using IntList = std::vector<int64_t>;
using Arg = std::variant<std::monostate, bool, double, at::Tensor, IntList, std::string>;
using Result = std::variant<at::Tensor, std::vector<at::Tensor>, at::Scalar>;

// The arguments of one call, read with PyTorch's conversions; a mismatch names the op and position.
class Args {
 public:
  Args(std::string op, std::vector<Arg> v) : op_(std::move(op)), v_(std::move(v)) {}
  size_t Size() const { return v_.size(); }
  bool None(size_t i) const { return i >= v_.size() || std::holds_alternative<std::monostate>(v_[i]); }
  bool IsTensor(size_t i) const { return i < v_.size() && std::holds_alternative<at::Tensor>(v_[i]); }
  const at::Tensor& T(size_t i) const {
    if (!IsTensor(i)) Bad(i, "a Tensor");
    return std::get<at::Tensor>(v_[i]);
  }
  int64_t I(size_t i) const {
    auto* d = i < v_.size() ? std::get_if<double>(&v_[i]) : nullptr;
    if (!d || *d != std::floor(*d) || std::abs(*d) > 9007199254740991.0) Bad(i, "an integer");
    return static_cast<int64_t>(*d);
  }
  int64_t I(size_t i, int64_t fallback) const { return None(i) ? fallback : I(i); }
  c10::optional<int64_t> OptI(size_t i) const { return None(i) ? c10::nullopt : c10::optional<int64_t>(I(i)); }
  double D(size_t i) const {
    auto* d = i < v_.size() ? std::get_if<double>(&v_[i]) : nullptr;
    if (!d) Bad(i, "a number");
    return *d;
  }
  bool B(size_t i, bool fallback = false) const {
    if (None(i)) return fallback;
    auto* b = std::get_if<bool>(&v_[i]);
    if (!b) Bad(i, "a boolean");
    return *b;
  }
  // An int or a list of ints (dim=1 or dim=[0, 2]).
  IntList L(size_t i) const {
    if (i < v_.size()) {
      if (auto* l = std::get_if<IntList>(&v_[i])) return *l;
      if (std::holds_alternative<double>(v_[i])) return {I(i)};
    }
    Bad(i, "an integer or a list of integers");
  }
  at::Scalar S(size_t i) const {
    if (i < v_.size()) {
      if (auto* b = std::get_if<bool>(&v_[i])) return at::Scalar(*b);
      if (auto* d = std::get_if<double>(&v_[i])) {
        // An integral JS number acts as a Python int (int tensors keep their dtype), any other as a float.
        if (*d == std::floor(*d) && std::abs(*d) < 9.0e15) return at::Scalar(static_cast<int64_t>(*d));
        return at::Scalar(*d);
      }
    }
    Bad(i, "a number or a boolean");
  }
  c10::optional<at::Scalar> OptS(size_t i) const { return None(i) ? c10::nullopt : c10::optional<at::Scalar>(S(i)); }
  // A Tensor, or a number made into a 0-d tensor like the other operand (where, masked_fill values).
  at::Tensor TorS(size_t i, const at::Tensor& like) const {
    if (IsTensor(i)) return T(i);
    return at::scalar_tensor(S(i), like.options().dtype(S(i).isFloatingPoint() && !like.is_floating_point()
                                                            ? at::kFloat
                                                            : like.scalar_type()));
  }
  std::string Str(size_t i) const {
    auto* s = i < v_.size() ? std::get_if<std::string>(&v_[i]) : nullptr;
    if (!s) Bad(i, "a string");
    return *s;
  }

 private:
  [[noreturn]] void Bad(size_t i, const char* what) const {
    throw ArgError(ArgError::Type, op_ + ": argument " + std::to_string(i) + " must be " + what);
  }
  std::string op_;
  std::vector<Arg> v_;
};

using Op = std::function<Result(const Args&)>;

// A loss's reduction argument: 'mean' (default), 'sum' or 'none'. kl_div's 'batchmean' is TS-side.
int64_t ReductionOf(const Args& a, size_t i) {
  std::string r = a.None(i) ? "mean" : a.Str(i);
  if (r == "mean") return at::Reduction::Mean;
  if (r == "sum") return at::Reduction::Sum;
  if (r == "none") return at::Reduction::None;
  throw ArgError(ArgError::Type, "reduction must be 'mean', 'sum' or 'none'; got '" + r + "'");
}
// gather/scatter(self, dim, index, ...): the index must lie in [0, self.size(dim)) (checked on CUDA only;
// CPU kernels check it themselves).
void GuardDim(const Args& a, const char* op) {
  const at::Tensor& self = a.T(0);
  if (!a.IsTensor(2) || !a.T(2).is_cuda()) return;
  int64_t dim = at::maybe_wrap_dim(a.I(1), self.dim());
  CheckCudaIndexRange(a.T(2), self.dim() == 0 ? 1 : self.size(dim), op);
}
// A quantized dtype by PyTorch's name.
c10::ScalarType QuantizedDtype(const std::string& name) {
  if (name == "qint8") return at::kQInt8;
  if (name == "quint8") return at::kQUInt8;
  if (name == "qint32") return at::kQInt32;
  throw ArgError(ArgError::Type, "dtype must be 'qint8', 'quint8' or 'qint32'; got '" + name + "'");
}
// Checked here because libtorch checks some of these only in debug builds: a scale must be positive and
// finite, zero points integers, and per-channel parameters one per slice along `axis` (-1: per tensor).
void CheckQParams(const at::Tensor& self, const at::Tensor& scales, const at::Tensor& zero_points, int64_t axis) {
  if (self.is_quantized()) throw ArgError(ArgError::Type, "the input is already quantized");
  if (!self.device().is_cpu()) throw ArgError(ArgError::Type, "quantized tensors are CPU-only here");
  if (!scales.is_floating_point() || !scales.device().is_cpu())
    throw ArgError(ArgError::Type, "scales must be a floating-point CPU tensor");
  if (zero_points.is_floating_point() || zero_points.is_complex() || !zero_points.device().is_cpu())
    throw ArgError(ArgError::Type, "zero points must be an integer CPU tensor");
  at::Tensor s = scales.to(at::kDouble);
  if (s.numel() && !(s.gt(0).all().item<bool>() && s.isfinite().all().item<bool>()))
    throw ArgError(ArgError::Range, "scales must be positive and finite");
  if (axis < 0) return;
  if (axis >= self.dim())
    throw ArgError(ArgError::Range, "axis " + std::to_string(axis) + " is out of range for a " +
                                        std::to_string(self.dim()) + "-D tensor");
  if (scales.dim() != 1 || zero_points.dim() != 1 || scales.numel() != self.size(axis) ||
      zero_points.numel() != self.size(axis))
    throw ArgError(ArgError::Range, "per-channel scales and zero points need one value per slice of axis " +
                                        std::to_string(axis) + " (" + std::to_string(self.size(axis)) + ")");
}
void CheckQParams(const at::Tensor& self, const at::Tensor& scale, int64_t zero_point, int64_t axis) {
  CheckQParams(self, scale, at::scalar_tensor(zero_point, at::kLong), axis);
}
const at::Tensor& Quantized(const at::Tensor& t, const char* op) {
  if (!t.is_quantized())
    throw ArgError(ArgError::Type, std::string(op) + " needs a quantized tensor, got " + DtypeName(t.scalar_type()));
  return t;
}
const at::Tensor& PerTensor(const at::Tensor& t, const char* op) {
  if (Quantized(t, op).qscheme() != at::kPerTensorAffine && t.qscheme() != at::kPerTensorSymmetric)
    throw ArgError(ArgError::Type, std::string(op) + " needs a per-tensor quantized tensor");
  return t;
}
const at::Tensor& PerChannel(const at::Tensor& t, const char* op) {
  if (Quantized(t, op).qscheme() != at::kPerChannelAffine && t.qscheme() != at::kPerChannelSymmetric)
    throw ArgError(ArgError::Type, std::string(op) + " needs a per-channel quantized tensor");
  return t;
}
Result Pair(std::tuple<at::Tensor, at::Tensor> t) { return std::vector<at::Tensor>{std::get<0>(t), std::get<1>(t)}; }
Result List(std::vector<at::Tensor> v) { return v; }

// A reduction over all elements, or over `dims` (an int or a list) with keepdim.
template <typename All, typename Dims>
Op Reduce(All all, Dims dims) {
  return [all, dims](const Args& a) -> Result {
    if (a.None(1)) return all(a.T(0));
    return dims(a.T(0), a.L(1), a.B(2));
  };
}
// max/min/median style: no dim gives a 0-d tensor; a dim gives (values, indices).
template <typename All, typename Dim>
Op ValuesIndices(All all, Dim dim) {
  return [all, dim](const Args& a) -> Result {
    if (a.None(1)) return all(a.T(0));
    return Pair(dim(a.T(0), a.I(1), a.B(2)));
  };
}

const std::map<std::string, Op>& Ops() {
  static const std::map<std::string, Op> ops = {
      // Reductions
      {"max", ValuesIndices([](const at::Tensor& t) { return t.max(); },
                            [](const at::Tensor& t, int64_t d, bool k) { return at::max(t, d, k); })},
      {"min", ValuesIndices([](const at::Tensor& t) { return t.min(); },
                            [](const at::Tensor& t, int64_t d, bool k) { return at::min(t, d, k); })},
      {"median", ValuesIndices([](const at::Tensor& t) { return t.median(); },
                               [](const at::Tensor& t, int64_t d, bool k) { return at::median(t, d, k); })},
      {"mode", [](const Args& a) -> Result { return Pair(at::mode(a.T(0), a.I(1, -1), a.B(2))); }},
      {"kthvalue", [](const Args& a) -> Result { return Pair(at::kthvalue(a.T(0), a.I(1), a.I(2, -1), a.B(3))); }},
      {"sort", [](const Args& a) -> Result { return Pair(at::sort(a.T(0), a.I(1, -1), a.B(2))); }},
      {"sum", Reduce([](const at::Tensor& t) { return t.sum(); },
                     [](const at::Tensor& t, IntList d, bool k) { return at::sum(t, d, k); })},
      {"mean", Reduce([](const at::Tensor& t) { return t.mean(); },
                      [](const at::Tensor& t, IntList d, bool k) { return at::mean(t, d, k); })},
      {"prod", [](const Args& a) -> Result { return a.None(1) ? a.T(0).prod() : at::prod(a.T(0), a.I(1), a.B(2)); }},
      {"std", [](const Args& a) -> Result {
         return a.None(1) ? at::std(a.T(0), a.B(2, true)) : at::std(a.T(0), a.L(1), a.B(2, true), a.B(3));
       }},
      {"var", [](const Args& a) -> Result {
         return a.None(1) ? at::var(a.T(0), a.B(2, true)) : at::var(a.T(0), a.L(1), a.B(2, true), a.B(3));
       }},
      {"norm", [](const Args& a) -> Result {
         at::Scalar p = a.None(1) ? at::Scalar(2.0) : a.S(1);
         return a.None(2) ? at::norm(a.T(0), p) : at::norm(a.T(0), p, a.L(2), a.B(3));
       }},
      {"logsumexp", [](const Args& a) -> Result { return at::logsumexp(a.T(0), a.L(1), a.B(2)); }},
      {"all", [](const Args& a) -> Result { return a.None(1) ? a.T(0).all() : at::all(a.T(0), a.I(1), a.B(2)); }},
      {"any", [](const Args& a) -> Result { return a.None(1) ? a.T(0).any() : at::any(a.T(0), a.I(1), a.B(2)); }},
      {"argmin", [](const Args& a) -> Result { return at::argmin(a.T(0), a.OptI(1), a.B(2)); }},
      {"amax", [](const Args& a) -> Result { return at::amax(a.T(0), a.None(1) ? IntList{} : a.L(1), a.B(2)); }},
      {"amin", [](const Args& a) -> Result { return at::amin(a.T(0), a.None(1) ? IntList{} : a.L(1), a.B(2)); }},
      {"cumsum", [](const Args& a) -> Result { return at::cumsum(a.T(0), a.I(1)); }},
      // Elementwise with options
      {"clamp", [](const Args& a) -> Result {
         if (a.IsTensor(1) || a.IsTensor(2))
           return at::clamp(a.T(0), a.None(1) ? c10::optional<at::Tensor>() : a.TorS(1, a.T(0)),
                            a.None(2) ? c10::optional<at::Tensor>() : a.TorS(2, a.T(0)));
         if (a.None(1) && a.None(2)) throw ArgError(ArgError::Type, "clamp: at least one of min or max must be given");
         return at::clamp(a.T(0), a.OptS(1), a.OptS(2));
       }},
      {"pow", [](const Args& a) -> Result { return a.IsTensor(1) ? at::pow(a.T(0), a.T(1)) : at::pow(a.T(0), a.S(1)); }},
      {"where", [](const Args& a) -> Result {
         at::Tensor x = a.IsTensor(1) ? a.T(1) : a.TorS(1, a.IsTensor(2) ? a.T(2) : a.T(0));
         return at::where(a.T(0), x, a.TorS(2, x));
       }},
      {"nan_to_num", [](const Args& a) -> Result {
         auto opt = [&](size_t i) { return a.None(i) ? c10::optional<double>() : c10::optional<double>(a.D(i)); };
         return at::nan_to_num(a.T(0), opt(1), opt(2), opt(3));
       }},
      {"masked_fill", [](const Args& a) -> Result {
         return a.IsTensor(2) ? a.T(0).masked_fill(a.T(1), a.T(2)) : a.T(0).masked_fill(a.T(1), a.S(2));
       }},
      {"lerp", [](const Args& a) -> Result {
         return a.IsTensor(2) ? at::lerp(a.T(0), a.T(1), a.T(2)) : at::lerp(a.T(0), a.T(1), a.S(2));
       }},
      // In place: the result is the same tensor, as in PyTorch
      {"add_", [](const Args& a) -> Result {
         at::Tensor t = a.T(0);
         return a.IsTensor(1) ? t.add_(a.T(1), a.None(2) ? 1 : a.S(2)) : t.add_(a.S(1), a.None(2) ? 1 : a.S(2));
       }},
      {"sub_", [](const Args& a) -> Result {
         at::Tensor t = a.T(0);
         return a.IsTensor(1) ? t.sub_(a.T(1), a.None(2) ? 1 : a.S(2)) : t.sub_(a.S(1), a.None(2) ? 1 : a.S(2));
       }},
      {"mul_", [](const Args& a) -> Result { at::Tensor t = a.T(0); return a.IsTensor(1) ? t.mul_(a.T(1)) : t.mul_(a.S(1)); }},
      {"div_", [](const Args& a) -> Result { at::Tensor t = a.T(0); return a.IsTensor(1) ? t.div_(a.T(1)) : t.div_(a.S(1)); }},
      {"clamp_", [](const Args& a) -> Result { at::Tensor t = a.T(0); return t.clamp_(a.OptS(1), a.OptS(2)); }},
      {"zero_", [](const Args& a) -> Result { at::Tensor t = a.T(0); return t.zero_(); }},
      {"fill_", [](const Args& a) -> Result { at::Tensor t = a.T(0); return a.IsTensor(1) ? t.fill_(a.T(1)) : t.fill_(a.S(1)); }},
      {"copy_", [](const Args& a) -> Result { at::Tensor t = a.T(0); return t.copy_(a.T(1)); }},
      {"masked_fill_", [](const Args& a) -> Result {
         at::Tensor t = a.T(0);
         return a.IsTensor(2) ? t.masked_fill_(a.T(1), a.T(2)) : t.masked_fill_(a.T(1), a.S(2));
       }},
      // Shape and selection
      // Quantized tensors (torch.quantize_per_tensor and friends); nothing else makes them.
      {"quantize_per_tensor", [](const Args& a) -> Result {
         CheckQParams(a.T(0), at::scalar_tensor(a.D(1), at::kDouble), a.I(2), -1);
         return at::quantize_per_tensor(a.T(0), a.D(1), a.I(2), QuantizedDtype(a.Str(3)));
       }},
      {"quantize_per_channel", [](const Args& a) -> Result {
         CheckQParams(a.T(0), a.T(1), a.T(2), a.I(3));
         return at::quantize_per_channel(a.T(0), a.T(1).to(at::kDouble), a.T(2).to(at::kLong), a.I(3),
                                         QuantizedDtype(a.Str(4)));
       }},
      {"_make_per_tensor_quantized_tensor", [](const Args& a) -> Result {
         CheckQParams(a.T(0), at::scalar_tensor(a.D(1), at::kDouble), a.I(2), -1);
         return at::_make_per_tensor_quantized_tensor(a.T(0), a.D(1), a.I(2));
       }},
      {"_make_per_channel_quantized_tensor", [](const Args& a) -> Result {
         CheckQParams(a.T(0), a.T(1), a.T(2), a.I(3));
         return at::_make_per_channel_quantized_tensor(a.T(0), a.T(1).to(at::kDouble), a.T(2).to(at::kLong), a.I(3));
       }},
      {"int_repr", [](const Args& a) -> Result { return Quantized(a.T(0), "int_repr").int_repr(); }},
      {"dequantize", [](const Args& a) -> Result { return a.T(0).is_quantized() ? a.T(0).dequantize() : a.T(0); }},
      {"is_quantized", [](const Args& a) -> Result { return at::Scalar(a.T(0).is_quantized()); }},
      {"qscheme", [](const Args& a) -> Result {
         return at::Scalar(static_cast<int64_t>(Quantized(a.T(0), "qscheme").qscheme()));
       }},
      {"q_scale", [](const Args& a) -> Result { return at::Scalar(PerTensor(a.T(0), "q_scale").q_scale()); }},
      {"q_zero_point", [](const Args& a) -> Result {
         return at::Scalar(PerTensor(a.T(0), "q_zero_point").q_zero_point());
       }},
      {"q_per_channel_scales", [](const Args& a) -> Result {
         return PerChannel(a.T(0), "q_per_channel_scales").q_per_channel_scales();
       }},
      {"q_per_channel_zero_points", [](const Args& a) -> Result {
         return PerChannel(a.T(0), "q_per_channel_zero_points").q_per_channel_zero_points();
       }},
      {"q_per_channel_axis", [](const Args& a) -> Result {
         return at::Scalar(PerChannel(a.T(0), "q_per_channel_axis").q_per_channel_axis());
       }},
      {"flatten", [](const Args& a) -> Result { return a.T(0).flatten(a.I(1, 0), a.I(2, -1)); }},
      {"unflatten", [](const Args& a) -> Result { return a.T(0).unflatten(a.I(1), a.L(2)); }},
      {"expand", [](const Args& a) -> Result { return a.T(0).expand(a.L(1)); }},
      {"expand_as", [](const Args& a) -> Result { return a.T(0).expand_as(a.T(1)); }},
      {"repeat", [](const Args& a) -> Result { return a.T(0).repeat(a.L(1)); }},
      {"tile", [](const Args& a) -> Result { return a.T(0).tile(a.L(1)); }},
      {"split", [](const Args& a) -> Result {
         if (a.IsTensor(1)) throw ArgError(ArgError::Type, "split: split_size must be an integer or a list");
         auto sizes = a.L(1);
         int64_t dim = a.I(2, 0);
         return List(sizes.size() == 1 && a.None(3) ? a.T(0).split(sizes[0], dim) : a.T(0).split_with_sizes(sizes, dim));
       }},
      {"split_sizes", [](const Args& a) -> Result { return List(a.T(0).split_with_sizes(a.L(1), a.I(2, 0))); }},
      {"chunk", [](const Args& a) -> Result { return List(a.T(0).chunk(a.I(1), a.I(2, 0))); }},
      {"gather", [](const Args& a) -> Result {
         GuardDim(a, "gather");
         return at::gather(a.T(0), a.I(1), a.T(2));
       }},
      {"scatter", [](const Args& a) -> Result {
         GuardDim(a, "scatter");
         return a.IsTensor(3) ? at::scatter(a.T(0), a.I(1), a.T(2), a.T(3)) : at::scatter(a.T(0), a.I(1), a.T(2), a.S(3));
       }},
      {"scatter_add", [](const Args& a) -> Result {
         GuardDim(a, "scatter_add");
         return at::scatter_add(a.T(0), a.I(1), a.T(2), a.T(3));
       }},
      {"nonzero", [](const Args& a) -> Result { return at::nonzero(a.T(0)); }},
      {"unique", [](const Args& a) -> Result {
         if (!a.None(4)) {
           auto [out, inverse, counts] = at::unique_dim(a.T(0), a.I(4), a.B(1, true), a.B(2), a.B(3));
           return std::vector<at::Tensor>{out, inverse, counts};
         }
         auto [out, inverse, counts] = at::_unique2(a.T(0), a.B(1, true), a.B(2), a.B(3));
         return std::vector<at::Tensor>{out, inverse, counts};
       }},
      {"flip", [](const Args& a) -> Result { return a.T(0).flip(a.L(1)); }},
      {"roll", [](const Args& a) -> Result { return a.T(0).roll(a.L(1), a.None(2) ? IntList{} : a.L(2)); }},
      {"tril", [](const Args& a) -> Result { return a.T(0).tril(a.I(1, 0)); }},
      {"triu", [](const Args& a) -> Result { return a.T(0).triu(a.I(1, 0)); }},
      {"one_hot", [](const Args& a) -> Result {
         // With num_classes given, CUDA's one_hot leaves the range check to a device assert.
         if (a.I(1, -1) >= 0) CheckCudaIndexRange(a.T(0), a.I(1, -1), "one_hot");
         return at::one_hot(a.T(0), a.I(1, -1));
       }},
      // nn.functional
      {"pad", [](const Args& a) -> Result {
         namespace F = torch::nn::functional;
         std::string mode = a.None(2) ? "constant" : a.Str(2);
         F::PadFuncOptions o(a.L(1));
         if (mode == "constant") o.mode(torch::kConstant).value(a.None(3) ? 0.0 : a.D(3));
         else if (mode == "reflect") o.mode(torch::kReflect);
         else if (mode == "replicate") o.mode(torch::kReplicate);
         else if (mode == "circular") o.mode(torch::kCircular);
         else throw ArgError(ArgError::Type, "pad: mode must be 'constant', 'reflect', 'replicate' or 'circular'; got '" + mode + "'");
         return F::pad(a.T(0), o);
       }},
      {"interpolate", [](const Args& a) -> Result {
         namespace F = torch::nn::functional;
         F::InterpolateFuncOptions o;
         if (!a.None(1)) o.size(a.L(1));
         if (!a.None(2)) {
           auto d = a.D(2);
           o.scale_factor(std::vector<double>(a.T(0).dim() - 2, d));
         }
         std::string mode = a.None(3) ? "nearest" : a.Str(3);
         if (mode == "nearest") o.mode(torch::kNearest);
         else if (mode == "bilinear") o.mode(torch::kBilinear);
         else if (mode == "bicubic") o.mode(torch::kBicubic);
         else if (mode == "linear") o.mode(torch::kLinear);
         else if (mode == "area") o.mode(torch::kArea);
         else throw ArgError(ArgError::Type, "interpolate: unknown mode '" + mode + "'");
         if (!a.None(4)) o.align_corners(a.B(4));
         if (!a.None(5)) o.antialias(a.B(5));  // bilinear/bicubic downsampling as PIL and torchvision v2 do
         return F::interpolate(a.T(0), o);
       }},
      {"max_pool2d", [](const Args& a) -> Result {
         auto k = a.L(1);
         return at::max_pool2d(a.T(0), k, a.None(2) ? k : a.L(2), a.None(3) ? IntList{0} : a.L(3), a.None(4) ? IntList{1} : a.L(4), a.B(5));
       }},
      {"avg_pool2d", [](const Args& a) -> Result {
         auto k = a.L(1);
         return at::avg_pool2d(a.T(0), k, a.None(2) ? k : a.L(2), a.None(3) ? IntList{0} : a.L(3), a.B(4), a.B(5, true));
       }},
      {"conv2d", [](const Args& a) -> Result {
         c10::optional<at::Tensor> bias = a.None(2) ? c10::nullopt : c10::optional<at::Tensor>(a.T(2));
         return at::conv2d(a.T(0), a.T(1), bias, a.None(3) ? IntList{1} : a.L(3), a.None(4) ? IntList{0} : a.L(4),
                           a.None(5) ? IntList{1} : a.L(5), a.I(6, 1));
       }},
      {"linear", [](const Args& a) -> Result {
         c10::optional<at::Tensor> bias = a.None(2) ? c10::nullopt : c10::optional<at::Tensor>(a.T(2));
         return at::linear(a.T(0), a.T(1), bias);
       }},
      {"normalize", [](const Args& a) -> Result {
         namespace F = torch::nn::functional;
         return F::normalize(a.T(0), F::NormalizeFuncOptions().p(a.None(1) ? 2.0 : a.D(1)).dim(a.I(2, 1)).eps(a.None(3) ? 1e-12 : a.D(3)));
       }},
      {"cosine_similarity", [](const Args& a) -> Result {
         return at::cosine_similarity(a.T(0), a.T(1), a.I(2, 1), a.None(3) ? 1e-8 : a.D(3));
       }},
      {"mse_loss", [](const Args& a) -> Result { return at::mse_loss(a.T(0), a.T(1), ReductionOf(a, 2)); }},
      {"l1_loss", [](const Args& a) -> Result { return at::l1_loss(a.T(0), a.T(1), ReductionOf(a, 2)); }},
      {"smooth_l1_loss", [](const Args& a) -> Result {
         return at::smooth_l1_loss(a.T(0), a.T(1), ReductionOf(a, 2), a.None(3) ? 1.0 : a.D(3));
       }},
      {"nll_loss", [](const Args& a) -> Result {
         CheckCudaClassTargets(a.T(0), a.T(1), a.I(4, -100), "nll_loss");
         c10::optional<at::Tensor> weight = a.None(3) ? c10::nullopt : c10::optional<at::Tensor>(a.T(3));
         return at::nll_loss_nd(a.T(0), a.T(1), weight, ReductionOf(a, 2), a.I(4, -100));
       }},
      {"binary_cross_entropy_with_logits", [](const Args& a) -> Result {
         c10::optional<at::Tensor> weight = a.None(3) ? c10::nullopt : c10::optional<at::Tensor>(a.T(3));
         c10::optional<at::Tensor> pos = a.None(4) ? c10::nullopt : c10::optional<at::Tensor>(a.T(4));
         return at::binary_cross_entropy_with_logits(a.T(0), a.T(1), weight, pos, ReductionOf(a, 2));
       }},
      {"kl_div", [](const Args& a) -> Result { return at::kl_div(a.T(0), a.T(1), ReductionOf(a, 2), a.B(3)); }},
  };
  return ops;
}

Arg ToArg(const Napi::Value& v, const std::string& op, size_t i) {
  if (v.IsUndefined() || v.IsNull()) return std::monostate{};
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value();
  if (v.IsNumber()) return v.As<Napi::Number>().DoubleValue();
  if (v.IsString()) return v.As<Napi::String>().Utf8Value();
  if (TensorWrap::Is(v)) return TensorWrap::TensorOf(v);
  if (v.IsArray()) return ToInt64s(v, (op + " argument " + std::to_string(i)).c_str());
  throw ArgError(ArgError::Type, op + ": argument " + std::to_string(i) + " has an unsupported type");
}

Napi::Value ToJs(Napi::Env env, const Result& r) {
  if (auto* t = std::get_if<at::Tensor>(&r)) return TensorWrap::Wrap(env, *t);
  if (auto* list = std::get_if<std::vector<at::Tensor>>(&r)) {
    auto arr = Napi::Array::New(env, list->size());
    for (size_t i = 0; i < list->size(); i++) arr.Set(i, TensorWrap::Wrap(env, (*list)[i]));
    return arr;
  }
  const at::Scalar& s = std::get<at::Scalar>(r);
  if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
  return Napi::Number::New(env, s.toDouble());
}

// callOp(name, args[]): args[0] is the tensor the op is a method of.
TVGG_FUNCTION(CallOp) {
  if (!info[0].IsString()) throw ArgError(ArgError::Type, "op name must be a string");
  std::string name = info[0].As<Napi::String>();
  auto it = Ops().find(name);
  if (it == Ops().end()) throw ArgError(ArgError::Type, "unknown op '" + name + "'");
  if (!info[1].IsArray()) throw ArgError(ArgError::Type, name + ": arguments must be an array");
  auto js = info[1].As<Napi::Array>();
  std::vector<Arg> args;
  for (uint32_t i = 0; i < js.Length(); i++) args.push_back(ToArg(js.Get(i), name, i));
  return ToJs(info.Env(), it->second(Args(name, std::move(args))));
}

// One index of x[...], from the JS encoding: a number, null (None), "..." (Ellipsis), a Tensor (int64
// indices or a bool mask), or [start, stop, step] with nulls for a slice.
at::indexing::TensorIndex ToIndex(const Napi::Value& v, size_t i) {
  using namespace at::indexing;
  if (v.IsNull() || v.IsUndefined()) return TensorIndex(None);
  if (v.IsString()) {
    if (v.As<Napi::String>().Utf8Value() != "...")
      throw ArgError(ArgError::Type, "index " + std::to_string(i) + ": unknown index string");
    return TensorIndex(Ellipsis);
  }
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (d != std::floor(d) || std::abs(d) > 9007199254740991.0)
      throw ArgError(ArgError::Type, "index " + std::to_string(i) + " must be an integer; got " + c10::str(d));
    return TensorIndex(static_cast<int64_t>(d));
  }
  if (v.IsBoolean()) return TensorIndex(v.As<Napi::Boolean>().Value());
  if (TensorWrap::Is(v)) return TensorIndex(TensorWrap::TensorOf(v));
  if (v.IsArray() && v.As<Napi::Array>().Length() == 3) {
    auto arr = v.As<Napi::Array>();
    auto part = [&](uint32_t k) -> c10::optional<int64_t> {
      Napi::Value p = arr.Get(k);
      if (p.IsNull() || p.IsUndefined()) return c10::nullopt;
      if (!p.IsNumber()) throw ArgError(ArgError::Type, "slice bounds must be integers");
      double d = p.As<Napi::Number>().DoubleValue();
      if (d != std::floor(d) || std::abs(d) > 9007199254740991.0)
        throw ArgError(ArgError::Type, "slice bounds must be integers");
      return static_cast<int64_t>(d);
    };
    return TensorIndex(Slice(part(0), part(1), part(2)));
  }
  throw ArgError(ArgError::Type, "index " + std::to_string(i) + " has an unsupported type");
}

std::vector<at::indexing::TensorIndex> ToIndices(const Napi::Value& v) {
  if (!v.IsArray()) throw ArgError(ArgError::Type, "indices must be an array");
  auto arr = v.As<Napi::Array>();
  std::vector<at::indexing::TensorIndex> out;
  for (uint32_t i = 0; i < arr.Length(); i++) out.push_back(ToIndex(arr.Get(i), i));
  return out;
}

// index(self, indices[]): Python's self[...]; views where PyTorch returns views.
TVGG_FUNCTION(Index) {
  const at::Tensor& t = TensorWrap::TensorOf(info[0], "self");
  auto indices = ToIndices(info[1]);
  CheckCudaIndices(t, indices);
  return TensorWrap::Wrap(info.Env(), t.index(indices));
}

// indexPut_(self, indices[], value): Python's self[...] = value; returns self.
TVGG_FUNCTION(IndexPut) {
  at::Tensor t = TensorWrap::TensorOf(info[0], "self");
  auto indices = ToIndices(info[1]);
  CheckCudaIndices(t, indices);
  if (TensorWrap::Is(info[2])) t.index_put_(indices, TensorWrap::TensorOf(info[2], "value"));
  else if (info[2].IsNumber()) t.index_put_(indices, at::Scalar(info[2].As<Napi::Number>().DoubleValue()));
  else if (info[2].IsBoolean()) t.index_put_(indices, at::Scalar(info[2].As<Napi::Boolean>().Value()));
  else throw ArgError(ArgError::Type, "value must be a Tensor, a number or a boolean");
  return info[0];
}
}  // namespace

void RegisterOpCalls(Napi::Env env, Napi::Object exports) {
  exports.Set("callOp", Napi::Function::New<CallOp>(env));
  exports.Set("index", Napi::Function::New<Index>(env));
  exports.Set("indexPut_", Napi::Function::New<IndexPut>(env));
}

}  // namespace tvgg
