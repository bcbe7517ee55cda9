#!/usr/bin/env bash
# The checks a lent GPU machine runs, after ../shared/device/remote.sh built the addon against its CUDA
# libtorch: the CUDA tests, a subset of the CPU suite on that (2.x) libtorch, the CUDA bench, and the
# server under load on the GPU. Each step is bounded; logs and a summary go to $OUT (default /tmp/gpu-out).
#   bash .device/remote.sh 'bash scripts/device/gpu-checks.sh'
set -uo pipefail
out=${OUT:-/tmp/gpu-out}
mkdir -p "$out"
summary=()
step() { # step NAME SECONDS COMMAND...: runs it with a time limit, keeps its log, notes its exit status
  local name=$1 limit=$2; shift 2
  local t0=$SECONDS
  timeout "$limit" "$@" > "$out/$name.txt" 2>&1
  local rc=$?
  summary+=("$(printf '%-12s exit %-3s %4ss' "$name" "$rc" "$((SECONDS - t0))")")
  tail -n 25 "$out/$name.txt"
}
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; lscpu | grep -E 'Model name|^CPU\(s\)'; \
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'; } > "$out/machine.txt" 2>&1
cat "$out/machine.txt"
export TORCHVGG_PYTHON=$(command -v python3)
step test-cuda 150 env TORCHVGG_CUDA_TESTS=1 node_modules/.bin/mocha --no-config --timeout 180000 test/cuda.test.js
step test-cpu 110 node_modules/.bin/mocha --no-config --timeout 120000 test/tensor.test.js test/op-table.test.js \
  test/hostile-native.test.js test/async-errors.test.js test/concurrency.test.js test/grad-mode.test.js \
  test/module-subclass.test.js test/hooks.test.js test/inference-layout.test.js test/optim-groups.test.js \
  test/op-parity.test.js test/layers.test.js
step bench-cuda 150 node scripts/bench.js --device cuda --batches 1,8,32,128
cp .cache/bench/results-cuda.json "$out/" 2>/dev/null
step loadtest 70 node scripts/loadtest.js --device cuda --arch vgg16 --image-size 224 --duration 5 --concurrency 1,32 --routes binary,grpc
echo; echo "== GPU checks ($(head -n 1 "$out/machine.txt"))"
printf '%s\n' "${summary[@]}" | tee "$out/summary.txt"
grep -E 'passing|failing|pending' "$out/test-cuda.txt" "$out/test-cpu.txt"
