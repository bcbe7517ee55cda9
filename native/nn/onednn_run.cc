// oneDNN's primitives for a run of layers: plans keyed by the layers, their weights and the input shape.
#include "nn/onednn_run.h"
#include <algorithm>
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "nn/onednn_engine.h"

namespace tvgg {

#if defined(TORCHVGG_DNNL) && DNNL_VERSION_MAJOR == 2

namespace {
using dnnl::memory;
using Dims = memory::dims;

bool EnvOn(const char* name) {
  const char* v = std::getenv(name);
  return !(v && std::string(v) == "0");
}
dnnl::primitive_attr UserScratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}
memory::desc Any(const Dims& d) { return memory::desc(d, memory::data_type::f32, memory::format_tag::any); }
memory::desc Plain(const Dims& d, memory::format_tag tag) { return memory::desc(d, memory::data_type::f32, tag); }

// Memory backed by a libtorch tensor, so buffers come from the same allocator and are freed with it.
struct Buffer {
  at::Tensor storage;
  memory mem;
};
Buffer Allocate(const memory::desc& md) {
  at::Tensor t = at::empty({static_cast<int64_t>((md.get_size() + 3) / 4)}, at::kFloat);
  return {t, memory(md, DnnlEngine(), t.data_ptr())};
}
}  // namespace

struct OnednnRunCache::Plan {
  struct Step {
    dnnl::primitive prim;
    memory::desc src, dst, scratchpad;
    OpaqueOp::Kind kind;
    Buffer weights;
    at::Tensor bias;  // plain, contiguous
    bool in_place = false;
  };
  std::vector<uint64_t> ids;  // the layers, by identity
  std::vector<const void*> weight_ptrs;  // each convolution's weight storage ...
  std::vector<int64_t> weight_versions;  // ... and version when reordered
  std::vector<int64_t> input;  // the input shape
  std::vector<Step> steps;
  Dims out_dims;
  size_t activation_bytes = 0, staging_bytes = 0, scratch_bytes = 0;  // what it needs of the workspace
};

// A server forms batches of every size from 1 to its maximum, so plans for many input shapes live side
// by side. What is costly to hold or to make lives here once, not per plan: each convolution's weights
// in the layout oneDNN picked (the same for most batch sizes; VGG16's are 58 MB in fp32, more in
// Winograd's domain) and the buffers activations run in (kept: fresh ones per call would be mapped and
// faulted in anew each time, since glibc maps blocks over 32 MB). Runs hold the cache's lock, so one
// set of buffers, as large as the largest plan needs, serves them all.
struct OnednnRunCache::Workspace {
  struct Weights {
    uint64_t layer;
    const void* ptr;
    int64_t version;
    memory::desc md;
    Buffer buffer;
  };
  std::vector<Weights> weights;
  at::Tensor ping[2], staging, scratch;

  // The layer's weights in layout `md`, reordered from `user` (a view of `weight`) only when no plan has
  // them in that layout yet.
  Buffer WeightsFor(uint64_t layer, const at::Tensor& weight, const memory::desc& md, memory user,
                    dnnl::stream& stream) {
    // Weights of this layer from before an update (another storage or version) are never asked for again.
    weights.erase(std::remove_if(weights.begin(), weights.end(),
                                 [&](const Weights& e) {
                                   return e.layer == layer &&
                                          (e.ptr != weight.data_ptr() || e.version != weight._version());
                                 }),
                  weights.end());
    for (const auto& e : weights)
      if (e.layer == layer && e.md == md) return e.buffer;
    Buffer b = Allocate(md);
    dnnl::reorder(user, b.mem).execute(stream, user, b.mem);
    weights.push_back({layer, weight.data_ptr(), weight._version(), md, b});
    return b;
  }
  // Layouts no plan uses any more (the workspace holds the last reference).
  void DropUnused() {
    weights.erase(std::remove_if(weights.begin(), weights.end(),
                                 [](const Weights& e) { return e.buffer.storage.use_count() == 1; }),
                  weights.end());
  }
  void Fit(const Plan& p) {
    auto grow = [](at::Tensor& t, size_t bytes) {
      int64_t floats = static_cast<int64_t>((std::max<size_t>(bytes, 4) + 3) / 4);
      if (!t.defined() || t.numel() < floats) t = at::empty({floats}, at::kFloat);
    };
    grow(ping[0], p.activation_bytes);
    grow(ping[1], p.activation_bytes);
    grow(staging, p.staging_bytes);
    grow(scratch, p.scratch_bytes);
  }
};

namespace {
constexpr size_t kMaxPlans = 32;

bool PlanFits(const OnednnRunCache::Plan& p, const std::vector<Module::Ptr>& layers, const std::vector<OpaqueOp>& ops,
              const at::Tensor& x) {
  if (p.ids.size() != layers.size() || p.input != x.sizes().vec()) return false;
  size_t conv = 0;
  for (size_t i = 0; i < layers.size(); i++) {
    if (p.ids[i] != layers[i]->Id()) return false;
    if (ops[i].kind != OpaqueOp::Conv) continue;
    if (p.weight_ptrs[conv] != ops[i].weight.data_ptr() || p.weight_versions[conv] != ops[i].weight._version())
      return false;
    conv++;
  }
  return true;
}

// A convolution primitive: Winograd where allowed and offered, else direct; the ReLU after it fused.
dnnl::convolution_forward::primitive_desc ConvDesc(const OpaqueOp& op, const Dims& src, const Dims& wei,
                                                   const Dims& dst, bool relu) {
  using namespace dnnl;
  Dims strides{op.stride[0], op.stride[1]}, dil{op.dilation[0] - 1, op.dilation[1] - 1};
  Dims pad{op.padding[0], op.padding[1]};
  primitive_attr attr;
  // The scratchpad is ours, given at each execution: with oneDNN's own (per-thread, taken at creation)
  // a Winograd primitive made on one thread crashes when run on another (sync forward vs the executor).
  attr.set_scratchpad_mode(scratchpad_mode::user);
  if (relu) {
    post_ops po;
    po.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
    attr.set_post_ops(po);
  }
  memory::desc bias_md = op.bias.defined() ? Plain({wei[0]}, memory::format_tag::a) : memory::desc();
  bool wino = EnvOn("TORCHVGG_ONEDNN_WINOGRAD") && op.kernel[0] == 3 && op.kernel[1] == 3 && op.stride[0] == 1 &&
              op.stride[1] == 1 && op.dilation[0] == 1 && op.dilation[1] == 1 && op.groups == 1 && src[1] >= 16;
  if (wino) {
    try {
      convolution_forward::desc d(prop_kind::forward_inference, algorithm::convolution_winograd, Any(src), Any(wei),
                                  bias_md, Any(dst), strides, dil, pad, pad);
      return convolution_forward::primitive_desc(d, attr, DnnlEngine());
    } catch (const dnnl::error&) {
      // not offered for this CPU or shape: the direct algorithm below
    }
  }
  convolution_forward::desc d(prop_kind::forward_inference, algorithm::convolution_direct, Any(src), Any(wei), bias_md,
                              Any(dst), strides, dil, pad, pad);
  return convolution_forward::primitive_desc(d, attr, DnnlEngine());
}

std::unique_ptr<OnednnRunCache::Plan> BuildPlan(const std::vector<Module::Ptr>& layers,
                                                const std::vector<OpaqueOp>& ops, const at::Tensor& x,
                                                OnednnRunCache::Workspace& ws) {
  using namespace dnnl;
  auto plan = std::make_unique<OnednnRunCache::Plan>();
  plan->input = x.sizes().vec();
  for (auto& l : layers) plan->ids.push_back(l->Id());
  Dims cur{x.size(0), x.size(1), x.size(2), x.size(3)};
  memory::desc cur_md = Plain(cur, memory::format_tag::nchw);
  dnnl::stream stream(DnnlEngine());
  for (size_t i = 0; i < ops.size(); i++) {
    const OpaqueOp& op = ops[i];
    OnednnRunCache::Plan::Step step;
    step.kind = op.kind;
    if (op.kind == OpaqueOp::Conv) {
      at::Tensor w = op.weight.detach().contiguous();
      if (w.dim() != 4 || w.size(1) * op.groups != cur[1]) return nullptr;  // libtorch's path says what is wrong
      Dims wei = op.groups == 1 ? Dims{w.size(0), w.size(1), w.size(2), w.size(3)}
                                : Dims{op.groups, w.size(0) / op.groups, w.size(1), w.size(2), w.size(3)};
      auto out = [&](int d) {
        return (cur[2 + d] + 2 * op.padding[d] - op.dilation[d] * (op.kernel[d] - 1) - 1) / op.stride[d] + 1;
      };
      Dims dst{cur[0], w.size(0), out(0), out(1)};
      if (dst[2] <= 0 || dst[3] <= 0) return nullptr;
      bool relu = i + 1 < ops.size() && ops[i + 1].kind == OpaqueOp::Relu;
      auto pd = ConvDesc(op, cur, wei, dst, relu);
      step.prim = convolution_forward(pd);
      step.src = pd.src_desc();
      step.dst = pd.dst_desc();
      step.scratchpad = pd.scratchpad_desc();
      memory user_w(Plain(wei, op.groups == 1 ? memory::format_tag::oihw : memory::format_tag::goihw), DnnlEngine(),
                    w.data_ptr());
      step.weights = ws.WeightsFor(layers[i]->Id(), op.weight, pd.weights_desc(), user_w, stream);
      if (op.bias.defined()) step.bias = op.bias.detach().contiguous();
      plan->weight_ptrs.push_back(op.weight.data_ptr());
      plan->weight_versions.push_back(op.weight._version());
      cur = dst;
      plan->steps.push_back(std::move(step));
      if (relu) {  // fused: the ReLU layer itself is skipped
        i++;
      }
      cur_md = plan->steps.back().dst;
      continue;
    }
    if (op.kind == OpaqueOp::Relu) {
      eltwise_forward::desc d(prop_kind::forward_inference, algorithm::eltwise_relu, cur_md, 0.f, 0.f);
      eltwise_forward::primitive_desc pd(d, UserScratchpad(), DnnlEngine());
      step.scratchpad = pd.scratchpad_desc();
      step.prim = eltwise_forward(pd);
      step.src = step.dst = cur_md;
      step.in_place = true;
      plan->steps.push_back(std::move(step));
      continue;
    }
    // Max pooling, with PyTorch's output size (ceil_mode: a last window must start inside the input).
    Dims out(2), pad_r(2);
    for (int d = 0; d < 2; d++) {
      int64_t span = cur[2 + d] + 2 * op.padding[d] - op.kernel[d];
      if (span < 0) return nullptr;
      int64_t o = (op.ceil_mode ? (span + op.stride[d] - 1) / op.stride[d] : span / op.stride[d]) + 1;
      if (op.ceil_mode && (o - 1) * op.stride[d] >= cur[2 + d] + op.padding[d]) o--;
      out[d] = o;
      pad_r[d] = std::max<int64_t>(op.padding[d], (o - 1) * op.stride[d] + op.kernel[d] - cur[2 + d] - op.padding[d]);
    }
    Dims dst{cur[0], cur[1], out[0], out[1]};
    pooling_forward::desc d(prop_kind::forward_inference, algorithm::pooling_max, cur_md, Any(dst),
                            {op.stride[0], op.stride[1]}, {op.kernel[0], op.kernel[1]}, {op.padding[0], op.padding[1]},
                            pad_r);
    pooling_forward::primitive_desc pd(d, UserScratchpad(), DnnlEngine());
    step.prim = pooling_forward(pd);
    step.scratchpad = pd.scratchpad_desc();
    step.src = cur_md;
    step.dst = pd.dst_desc();
    cur = dst;
    cur_md = step.dst;
    plan->steps.push_back(std::move(step));
  }
  stream.wait();
  plan->out_dims = cur;
  // Staging only holds inputs that need a reorder (usually the first convolution's, from NCHW).
  size_t act = 0, pad = 0, staged = 0;
  memory::desc before = Plain({x.size(0), x.size(1), x.size(2), x.size(3)}, memory::format_tag::nchw);
  for (const auto& step : plan->steps) {
    act = std::max(act, step.dst.get_size());
    pad = std::max(pad, step.scratchpad.get_size());
    if (step.src != before) staged = std::max(staged, step.src.get_size());
    before = step.dst;
  }
  plan->activation_bytes = act;
  plan->staging_bytes = staged;
  plan->scratch_bytes = pad;
  return plan;
}

at::Tensor Execute(const OnednnRunCache::Plan& plan, const OnednnRunCache::Workspace& ws, const at::Tensor& x) {
  using namespace dnnl;
  dnnl::stream stream(DnnlEngine());
  at::Tensor input = x.contiguous();
  Dims in{x.size(0), x.size(1), x.size(2), x.size(3)};
  memory cur(Plain(in, memory::format_tag::nchw), DnnlEngine(), input.data_ptr());
  // Each step writes into the ping-pong buffer its input is not in; a reorder goes through staging.
  int next = 0;
  for (const auto& step : plan.steps) {
    if (cur.get_desc() != step.src) {
      memory staged(step.src, DnnlEngine(), ws.staging.data_ptr());
      reorder(cur, staged).execute(stream, cur, staged);
      cur = staged;
    }
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, cur}};
    if (step.scratchpad.get_size() > 0)
      args.insert({DNNL_ARG_SCRATCHPAD, memory(step.scratchpad, DnnlEngine(), ws.scratch.data_ptr())});
    if (step.in_place) {
      args.insert({DNNL_ARG_DST, cur});
      step.prim.execute(stream, args);
      continue;
    }
    // Not the buffer `cur` lives in (after a reorder cur is in staging, so either ping buffer is free).
    void* target = ws.ping[next].data_ptr();
    if (target == cur.get_data_handle()) {
      next = 1 - next;
      target = ws.ping[next].data_ptr();
    }
    memory out(step.dst, DnnlEngine(), target);
    next = 1 - next;
    args.insert({DNNL_ARG_DST, out});
    if (step.kind == OpaqueOp::Conv) {
      args.insert({DNNL_ARG_WEIGHTS, step.weights.mem});
      if (step.bias.defined())
        args.insert({DNNL_ARG_BIAS,
                     memory(Plain({step.bias.size(0)}, memory::format_tag::a), DnnlEngine(), step.bias.data_ptr())});
    }
    step.prim.execute(stream, args);
    cur = out;
  }
  at::Tensor result = at::empty(plan.out_dims, at::kFloat);
  memory dst(Plain(plan.out_dims, memory::format_tag::nchw), DnnlEngine(), result.data_ptr());
  reorder(cur, dst).execute(stream, cur, dst);
  stream.wait();
  return result;
}
}  // namespace

OnednnRunCache::OnednnRunCache() = default;
OnednnRunCache::~OnednnRunCache() = default;

bool OnednnRunCache::Available() {
  static const bool on = EnvOn("TORCHVGG_ONEDNN_RUN");
  return on;
}

bool OnednnRunCache::Run(const std::vector<Module::Ptr>& layers, const at::Tensor& x, at::Tensor* out) {
  if (!Available() || x.dim() != 4 || x.scalar_type() != at::kFloat || x.numel() == 0) return false;
  std::vector<OpaqueOp> ops(layers.size());
  for (size_t i = 0; i < layers.size(); i++)
    if (!layers[i]->DescribeOpaque(&ops[i])) return false;
  if (ops[0].kind != OpaqueOp::Conv) return false;
  std::lock_guard<std::mutex> lock(mu_);
  Plan* plan = nullptr;
  for (size_t i = 0; i < plans_.size(); i++) {
    if (!PlanFits(*plans_[i], layers, ops, x)) continue;
    std::rotate(plans_.begin(), plans_.begin() + i, plans_.begin() + i + 1);
    plan = plans_[0].get();
    break;
  }
  if (!plan) {
    if (!ws_) ws_ = std::make_unique<Workspace>();
    std::unique_ptr<Plan> fresh;
    try {
      fresh = BuildPlan(layers, ops, x, *ws_);
    } catch (const dnnl::error&) {
      return false;  // oneDNN refused a shape or layout: libtorch's path runs it
    }
    if (!fresh) return false;
    // Every batch size up to a server's default maximum stays planned: a plan itself is only primitives,
    // its weights and buffers are the workspace's.
    if (plans_.size() >= kMaxPlans) plans_.pop_back();
    plans_.insert(plans_.begin(), std::move(fresh));
    ws_->DropUnused();
    ws_->Fit(*plans_[0]);
    plan = plans_[0].get();
  }
  *out = Execute(*plan, *ws_, x);
  return true;
}

#else  // no oneDNN of libtorch's to link: containers use libtorch's oneDNN tensors

struct OnednnRunCache::Plan {};
struct OnednnRunCache::Workspace {};
OnednnRunCache::OnednnRunCache() = default;
OnednnRunCache::~OnednnRunCache() = default;
bool OnednnRunCache::Available() { return false; }
bool OnednnRunCache::Run(const std::vector<Module::Ptr>&, const at::Tensor&, at::Tensor*) { return false; }

#endif

}  // namespace tvgg
