# The Python PyTorch side of `npm run bench`: the same model, weights, batch sizes and thread count as the
# torchvgg rows, timed the same way (warm-up, then best of the timed iterations), printed as one JSON line.
# usage: python_bench.py CONFIG_JSON   (the fields are listed in scripts/bench/python.js; mode "train":
# the training rows of scripts/bench/training.js). Rows are capped in time as timing.js caps torchvgg's.
import copy
import json
import sys
import time
import timeit

import torch
from torch import nn

try:
    from torchvision.models import vgg16
except ImportError:
    # GPU hosts may have PyTorch without torchvision: the same VGG16, with torchvision's layer names.
    class vgg16(nn.Module):
        def __init__(self):
            super().__init__()
            cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
            layers, channels = [], 3
            for v in cfg:
                if v == "M":
                    layers.append(nn.MaxPool2d(2, 2))
                else:
                    layers += [nn.Conv2d(channels, v, 3, padding=1), nn.ReLU(inplace=True)]
                    channels = v
            self.features = nn.Sequential(*layers)
            self.avgpool = nn.AdaptiveAvgPool2d(7)
            self.classifier = nn.Sequential(
                nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(),
                nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(), nn.Linear(4096, 1000))

        def forward(self, x):
            return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
FORMATS = {"nchw": torch.contiguous_format, "channels_last": torch.channels_last}


class Caps:
    """The time caps of scripts/bench/timing.js: `budget` seconds for this whole call, `row_cap` per row,
    and per-kind rates (GFLOP/s) that predict a call's time before it is made."""

    def __init__(self, cfg):
        self.end = time.perf_counter() + cfg.get("budget", float("inf"))
        self.row_cap = cfg.get("rowCap", float("inf"))
        self.rates = dict(cfg.get("rates", {}))
        self.default_rate = cfg.get("defaultRate", 0)

    def cap(self, factor=1.0, rows_left=1):
        """Budget.cap of timing.js: the row cap, but at most 3x and at least 1x an even share of what is left."""
        left = max(0.0, self.end - time.perf_counter())
        share = left / max(1, rows_left)
        return min(left, max(min(self.row_cap * factor, 3 * share), share))

    def predict(self, key, gflop):
        rate = self.rates.get(key, self.default_rate)
        return gflop / rate if rate else 0.0

    def record(self, key, gflop, seconds, warmup):
        s = seconds or warmup
        if s:
            self.rates[key] = gflop / s


def best_seconds(fn, sync, min_iters, min_seconds, max_iters, cap=float("inf"), predicted=0.0):
    """One warm-up call, then at least min_iters timed calls and min_seconds of timing; the best call.
    A row whose warm-up and one call would not fit in `cap` is not started; timing stops when the next
    call would pass it. -> (best seconds or None, calls timed, cap if cut short else None, warm-up seconds)"""
    if 2 * predicted > cap:
        return None, 0, cap, None
    start = time.perf_counter()
    fn()
    sync()
    warmup = time.perf_counter() - start
    times, last = [], warmup
    while len(times) < max_iters and (len(times) < min_iters or time.perf_counter() - start < min_seconds):
        if time.perf_counter() - start + min(last, warmup) > cap:
            break
        t = time.perf_counter()
        fn()
        sync()
        last = time.perf_counter() - t
        times.append(last)
    cut = cap if len(times) < min(min_iters, max_iters) else None
    return (min(times) if times else None), len(times), cut, warmup


def timed_row(caps, key, gflop, fn, sync, cfg, factor=1.0, rows_left=1):
    seconds, iters, cut, warmup = best_seconds(fn, sync, cfg["minIters"], cfg["minSeconds"], cfg["maxIters"],
                                               caps.cap(factor, rows_left), caps.predict(key, gflop))
    caps.record(key, gflop, seconds, warmup)
    return {"seconds": seconds, "iters": iters, "cut": cut}


def vgg_rows(cfg, device, sync):
    base = vgg16()
    base.load_state_dict(torch.load(cfg["weights"]))
    base.eval()
    caps = Caps(cfg)
    gflop_per_image = cfg.get("gflopPerImage", 31)
    rows = []
    rows_left = len(cfg["settings"]) * len(cfg["batches"])
    for setting in cfg["settings"]:
        dtype, fmt = DTYPES[setting["dtype"]], FORMATS[setting["format"]]
        # Module.to(memory_format=...) converts every 4-D parameter, as torchvgg's model.to() does.
        model = copy.deepcopy(base).to(device=device, dtype=dtype, memory_format=fmt)
        if setting.get("frozen"):
            # A reference only Python has: TorchScript freezing prepacks the conv weights for oneDNN
            # and fuses conv + ReLU, which shows what those two would be worth to eager execution.
            with torch.no_grad():
                model = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(model)))
        for batch in cfg["batches"]:
            x = torch.randn(batch, 3, 224, 224).to(device=device, dtype=dtype, memory_format=fmt)

            def step():
                with torch.inference_mode():
                    # The logits come back to the host, as they do for torchvgg's rows: on CUDA this
                    # also waits for the GPU.
                    model(x).cpu()

            row = timed_row(caps, setting["key"], gflop_per_image * batch, step, sync, cfg, setting.get("capFactor", 1.0), rows_left)
            rows_left -= 1
            rows.append({"setting": setting["key"], "batch": batch, **row})
        del model
        if device == "cuda":
            torch.cuda.empty_cache()
    return rows


def train_rows(cfg):
    """optim.trainStep's Python twin: model.train(); zero_grad; cross_entropy(model(x), y); backward; Adam
    step. VGG16 from the bench state dict with a new head of cfg["numClasses"], features trainable or frozen."""
    caps = Caps(cfg)
    rows = []
    state = torch.load(cfg["weights"])
    rows_left = len(cfg["train"])
    for r in cfg["train"]:
        torch.manual_seed(0)
        model = vgg16()
        model.load_state_dict(state)
        model.classifier[6] = nn.Linear(4096, cfg["numClasses"])
        if r["frozen"]:
            model.features.requires_grad_(False)
        model.train()
        opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-4)
        x = torch.randn(r["batch"], 3, r["size"], r["size"])
        y = torch.randint(0, cfg["numClasses"], (r["batch"],))

        def step():
            # the same work as trainStep, which also hands back the loss and the number of correct predictions
            opt.zero_grad()
            out = model(x)
            loss = nn.functional.cross_entropy(out, y)
            loss.backward()
            opt.step()
            loss.item()
            (out.argmax(1) == y).sum().item()

        row = timed_row(caps, r["key"], r["gflop"], step, lambda: None, cfg, 1.0, rows_left)
        rows_left -= 1
        rows.append({"setting": r["key"], "batch": r["batch"], **row})
        del model, opt
    return rows


def tiny_op_ns():
    """Per-call time of a + b on 1-element tensors, best of 5 timeit runs."""
    a, b = torch.ones(1), torch.ones(1)
    n = 200_000
    return min(timeit.repeat(lambda: a + b, number=n, repeat=5)) / n * 1e9


def matmul_tflops(device):
    """The GPU's measured bf16 matrix-multiply rate: the ceiling VGG16's achieved FLOP rate is set against."""
    n = 8192
    a = torch.randn(n, n, device=device, dtype=torch.bfloat16)
    b = torch.randn(n, n, device=device, dtype=torch.bfloat16)
    for _ in range(3):
        a @ b
    torch.cuda.synchronize()
    reps = 20
    t = time.perf_counter()
    for _ in range(reps):
        a @ b
    torch.cuda.synchronize()
    return 2 * n ** 3 * reps / (time.perf_counter() - t) / 1e12


def main():
    cfg = json.loads(sys.argv[1])
    device = cfg["device"]
    torch.set_num_threads(cfg["threads"])
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    out = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "rows": train_rows(cfg) if cfg.get("mode") == "train" else vgg_rows(cfg, device, sync),
    }
    if cfg.get("tinyOp"):
        out["tinyOpNs"] = tiny_op_ns()
    if device == "cuda":
        out["gpu"] = torch.cuda.get_device_name(0)
        out["matmulTflops"] = matmul_tflops(device)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
