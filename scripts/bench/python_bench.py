# The Python PyTorch side of `npm run bench`: the same model, weights, batch sizes and thread count as the
# torchvgg rows, timed the same way (warm-up, then best of the timed iterations), printed as one JSON line.
# usage: python_bench.py CONFIG_JSON   (the fields are listed in scripts/bench/python.js)
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


def best_seconds(fn, sync, min_iters, min_seconds, max_iters):
    """One warm-up call, then at least min_iters timed calls and min_seconds of timing; the best call."""
    fn()
    sync()
    times, start = [], time.perf_counter()
    while len(times) < max_iters and (len(times) < min_iters or time.perf_counter() - start < min_seconds):
        t = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t)
    return min(times), len(times)


def vgg_rows(cfg, device, sync):
    base = vgg16()
    base.load_state_dict(torch.load(cfg["weights"]))
    base.eval()
    rows = []
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

            seconds, iters = best_seconds(step, sync, cfg["minIters"], cfg["minSeconds"], cfg["maxIters"])
            rows.append({"setting": setting["key"], "batch": batch, "seconds": seconds, "iters": iters})
        del model
        if device == "cuda":
            torch.cuda.empty_cache()
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
        "rows": vgg_rows(cfg, device, sync),
    }
    if cfg.get("tinyOp"):
        out["tinyOpNs"] = tiny_op_ns()
    if device == "cuda":
        out["gpu"] = torch.cuda.get_device_name(0)
        out["matmulTflops"] = matmul_tflops(device)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
