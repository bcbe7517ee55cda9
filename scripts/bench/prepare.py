# The fixed inputs every side of the benchmark reads, made once by the Python oracle:
#   vgg16.onnx      the bench state dict exported with torch.onnx.export, for onnxruntime-node
#   accuracy.bin    a fixed batch of inputs (float32, NCHW) and the oracle's fp32 and bf16 (channels_last)
#                   logits on them, so torchvgg's bf16 error can be set beside PyTorch's own
#   accuracy.json   where each tensor lies in accuracy.bin
# usage: prepare.py STATE_DICT OUT_DIR
import json
import os
import sys

import torch
import torchvision


def main(state_dict_path, out_dir):
    torch.set_num_threads(os.cpu_count() or 1)
    model = torchvision.models.vgg16()
    model.load_state_dict(torch.load(state_dict_path))
    model.eval()

    onnx_path = os.path.join(out_dir, "vgg16.onnx")
    if not os.path.exists(onnx_path):
        tmp = onnx_path + ".tmp"
        with torch.no_grad():
            # opset 13 and a dynamic batch axis: one file serves batch 1, 8 and 32.
            torch.onnx.export(model, torch.randn(1, 3, 224, 224), tmp, opset_version=13,
                              input_names=["input"], output_names=["logits"],
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        os.replace(tmp, onnx_path)

    bin_path = os.path.join(out_dir, "accuracy.bin")
    if not os.path.exists(bin_path):
        gen = torch.Generator().manual_seed(1)
        x = torch.randn(8, 3, 224, 224, generator=gen)
        with torch.inference_mode():
            logits = model(x)
            bf16 = model.to(torch.bfloat16, memory_format=torch.channels_last)
            logits_bf16 = bf16(x.to(torch.bfloat16, memory_format=torch.channels_last)).float()
        index, blobs, offset = [], [], 0
        for name, t in (("input", x), ("logits", logits), ("logits_bf16", logits_bf16)):
            data = t.contiguous().numpy().tobytes()
            index.append({"name": name, "shape": list(t.shape), "dtype": "float32", "offset": offset, "nbytes": len(data)})
            blobs.append(data)
            offset += len(data)
        with open(bin_path + ".tmp", "wb") as f:
            f.write(b"".join(blobs))
        with open(os.path.join(out_dir, "accuracy.json"), "w") as f:
            json.dump(index, f)
        os.replace(bin_path + ".tmp", bin_path)
    print(json.dumps({"onnx": onnx_path, "accuracy": bin_path}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
