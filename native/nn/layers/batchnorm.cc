// nn.BatchNorm1d and nn.BatchNorm2d (torch/nn/modules/batchnorm.py): one class, told its input ranks.
#include "nn/layers/init.h"

namespace tvgg {

namespace {
class BatchNorm : public Module {
 public:
  BatchNorm(std::string name, std::vector<int64_t> ranks, int64_t n, double eps, double momentum, bool affine,
            bool track)
      : Module(std::move(name)), ranks_(std::move(ranks)), n_(n), eps_(eps), momentum_(momentum), affine_(affine),
        track_(track) {
    if (n < 0) throw ArgError(ArgError::Range, "numFeatures must be non-negative");
    if (affine) {
      AddParameter("weight", at::ones({n}));
      AddParameter("bias", at::zeros({n}));
    }
    if (track) {
      AddBuffer("running_mean", at::zeros({n}));
      AddBuffer("running_var", at::ones({n}));
      AddBuffer("num_batches_tracked", at::zeros({}, at::kLong));
    }
  }
  at::Tensor Forward(const at::Tensor& x) override {
    CheckRank(x, ranks_, TypeName());
    bool use_batch_stats = Training() || !track_;
    if (Training() && track_) {
      torch::NoGradGuard no_grad;
      at::Tensor counter = Buffer("num_batches_tracked");
      counter.add_(1);
    }
    return at::batch_norm(x, Param("weight"), Param("bias"), Buffer("running_mean"), Buffer("running_var"),
                          use_batch_stats, momentum_, eps_, /*cudnn_enabled=*/true);
  }
  std::string ExtraRepr() const override {
    return std::to_string(n_) + ", eps=" + PyFloat(eps_) + ", momentum=" + PyFloat(momentum_) +
           ", affine=" + PyBool(affine_) + ", track_running_stats=" + PyBool(track_);
  }
  Options Config() const override {
    return Options()
        .Set("numFeatures", n_)
        .Set("eps", eps_)
        .Set("momentum", momentum_)
        .Set("affine", affine_)
        .Set("trackRunningStats", track_);
  }

 private:
  const std::vector<int64_t> ranks_;
  const int64_t n_;
  const double eps_, momentum_;
  const bool affine_, track_;
};

Module::Ptr Make(const char* name, std::vector<int64_t> ranks, const Options& o) {
  return std::make_shared<BatchNorm>(name, ranks, o.Int("numFeatures"), o.Num("eps", 1e-5), o.Num("momentum", 0.1),
                                     o.Bool("affine", true), o.Bool("trackRunningStats", true));
}
}  // namespace

Module::Ptr CreateBatchNorm1d(const Options& o) { return Make("BatchNorm1d", {2, 3}, o); }
Module::Ptr CreateBatchNorm2d(const Options& o) { return Make("BatchNorm2d", {4}, o); }

}  // namespace tvgg
