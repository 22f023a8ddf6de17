#!/usr/bin/env bash
# The qcc benchmark: latency of qcc's fp32 and int8 code against ONNX Runtime
# and PyTorch on this machine, one core, batch 1, plus the GEMM micro-kernels
# against the core's measured peak. Prints one table; see
# docs/Performance.md.
#
# Usage: tools/bench/run-benchmark.sh
#
# It installs what is missing (Debian packages as common.sh does, the npm
# package onnxruntime-node into $QCC_BUILD/bench/node_modules, OpenBLAS for
# PyTorch unpacked into $QCC_BUILD/bench/openblas), builds qcc
# (common.sh's qcc_build), generates the models into $QCC_BUILD/bench/models,
# compiles them with qcc (fp32, and int8 calibrated on a few samples),
# makes QDQ int8 models for ONNX Runtime from qcc's calibration profile
# (python/qcc_tools/qdq_export.py), times every engine and prints the table.
# Everything is written under $QCC_BUILD/bench; results.md there holds the
# table, the kernel micro-benchmark and the machine description.
#
# Environment (besides common.sh's QCC_BUILD_DIR, QCC_SKIP_DEPS,
# CMAKE_ARGS):
#   QCC_BENCH_CPU          the CPU every engine is pinned to (default: the
#                          last online CPU)
#   QCC_BENCH_MODELS       comma-separated subset of resnet18, mobilenet_v2,
#                          fashion_mnist_cnn, transformer, ocr (default: all)
#   QCC_BENCH_SAMPLES      samples per measurement (default 15)
#   QCC_BENCH_MAX_SECONDS  time budget per measurement (default 3; at least
#                          3 samples are always taken)
#   QCC_BENCH_CALIB        calibration samples per model (default 8)
#   QCC_BENCH_SKIP_KERNELS=1  skip the GEMM micro-benchmark
#   QCC_BENCH_NO_BUILD=1   use $QCC_BUILD/bin as it is (no qcc_build), e.g.
#                          to time again without rebuilding
#   CC                     C compiler for the timing harness (default cc)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

PYTHON=/usr/bin/python3
BENCH=$QCC_BUILD/bench
MODELS=${QCC_BENCH_MODELS:-resnet18,mobilenet_v2,fashion_mnist_cnn,transformer,ocr}
SAMPLES=${QCC_BENCH_SAMPLES:-15}
MAX_SECONDS=${QCC_BENCH_MAX_SECONDS:-3}
CALIB=${QCC_BENCH_CALIB:-8}
CPU=${QCC_BENCH_CPU:-$(($(nproc) - 1))}
PIN=(taskset -c "$CPU")
bench_start=$(date +%s)

# ---------------------------------------------------------------------------
# Set-up
# ---------------------------------------------------------------------------
# node and npm for ONNX Runtime: Debian's packages when neither is there
# (a Node.js from elsewhere, e.g. NodeSource, is used as it is).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  QCC_PACKAGES+=(nodejs npm)
fi
qcc_install_deps
if [[ ${QCC_BENCH_NO_BUILD:-0} == 1 ]]; then
  echo "QCC_BENCH_NO_BUILD=1: using $QCC_BUILD/bin as it is"
else
  qcc_build
fi
mkdir -p "$BENCH"

qcc_step "ONNX Runtime (npm package onnxruntime-node)"
ORT_OK=1
if [[ ! -f $BENCH/node_modules/onnxruntime-node/package.json ]]; then
  if ! version=$(npm view onnxruntime-node version 2>/dev/null); then
    echo "warning: the npm registry is not reachable; ONNX Runtime columns" \
      "will be n/a" >&2
    ORT_OK=0
  else
    echo "installing onnxruntime-node $version into $BENCH/node_modules"
    # --ignore-scripts: the package's install script would download GPU
    # libraries; the CPU library ships in the package itself.
    (cd "$BENCH" && npm install --ignore-scripts --no-audit --no-fund \
      --prefix "$BENCH" onnxruntime-node) || ORT_OK=0
  fi
fi
[[ $ORT_OK == 1 ]] && echo "onnxruntime-node" \
  "$(node -p "require('$BENCH/node_modules/onnxruntime-node/package.json').version")"
export NODE_PATH=$BENCH/node_modules

# PyTorch's linear layers and matmuls call the BLAS that libblas.so.3
# resolves to; Debian's default is the unoptimized reference BLAS, which
# would make PyTorch fp32 a straw man. Use OpenBLAS for PyTorch only:
# unpack Debian's libopenblas0-pthread into $BENCH/openblas (no system
# change) and put it first on PyTorch's library path.
qcc_step "BLAS for PyTorch"
TORCH_ENV=(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1)
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
if [[ $blas == *openblas* || $blas == *blis* || $blas == *mkl* ]]; then
  TORCH_ENV+=("QCC_BENCH_BLAS=system BLAS ${blas##*/}")
  echo "system BLAS: $blas"
else
  obl=$BENCH/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread
  if [[ ! -f $obl/libblas.so.3 ]]; then
    rm -rf "$BENCH/openblas" && mkdir -p "$BENCH/openblas"
    if (cd "$BENCH/openblas" && apt-get download libopenblas0-pthread \
        >/dev/null 2>&1); then
      dpkg-deb -x "$BENCH"/openblas/libopenblas0-pthread_*.deb \
        "$BENCH/openblas"
    fi
  fi
  if [[ -f $obl/libblas.so.3 ]]; then
    version=$(dpkg-deb -f "$BENCH"/openblas/libopenblas0-pthread_*.deb \
      Version 2>/dev/null || echo "?")
    TORCH_ENV+=("LD_LIBRARY_PATH=$obl" "QCC_BENCH_BLAS=OpenBLAS $version")
    echo "OpenBLAS $version from $obl (PyTorch only)"
  else
    TORCH_ENV+=("QCC_BENCH_BLAS=reference BLAS (OpenBLAS unavailable)")
    echo "warning: could not fetch libopenblas0-pthread; PyTorch runs on" \
      "the reference BLAS" >&2
  fi
fi

# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------
qcc_step "Generating models into $BENCH/models"
"$PYTHON" tools/bench/models.py generate "$BENCH/models" --only "$MODELS" \
  --calib-count "$CALIB"

RESULTS=$BENCH/results.jsonl
: >"$RESULTS"
record() { echo "$1" >>"$RESULTS"; }
# JSON string of the first line of a file (an error message).
# The first line that says "error" (from "error:" on), else the first line.
first_line_json() {
  "$PYTHON" -c 'import json,sys
lines=[l.strip() for l in open(sys.argv[1], errors="replace") if l.strip()]
err=[l[l.find("error:"):] if "error:" in l else l for l in lines
     if "error" in l.lower()]
print(json.dumps((err or lines or ["unknown error"])[0][:200]))' "$1"
}
now() { date +%s.%N; }

# compile MODEL VARIANT FLAGS...: qcc with --mcpu=native; records the
# compile time (calibration included), object size and workspace.
compile() {
  local name=$1 variant=$2
  shift 2
  local dir=$BENCH/models/$name
  local t0 t1 status=0
  rm -f "$dir/$variant.o" "$dir/$variant.h" "$dir/$variant.bench"
  t0=$(now)
  "$QCC_BUILD/bin/qcc" "$dir/model.onnx" --mcpu=native --name=model "$@" \
    -o "$dir/$variant.o" >"$dir/$variant.log" 2>&1 || status=$?
  t1=$(now)
  if ((status != 0)); then
    return 1
  fi
  local size
  size=$(stat -c %s "$dir/$variant.o")
  local ws
  ws=$(sed -n 's/^#define MODEL_WORKSPACE_SIZE \([0-9]*\)u*$/\1/p' \
    "$dir/$variant.h")
  record "{\"model\": \"$name\", \"engine\": \"qcc_compile_$variant\", \
\"seconds\": $(awk "BEGIN {print $t1 - $t0}"), \"object_bytes\": $size, \
\"workspace_bytes\": ${ws:-null}, \"flags\": \"$*\"}"
  echo "  $name $variant: $(awk "BEGIN {printf \"%.1f\", $t1 - $t0}") s," \
    "$size bytes"
}

IFS=, read -r -a model_list <<<"$MODELS"
qcc_step "Compiling with qcc (--mcpu=native)"
for name in "${model_list[@]}"; do
  dir=$BENCH/models/$name
  rm -f "$dir/profile.json"
  if ! compile "$name" fp32; then
    record "{\"model\": \"$name\", \"engine\": \"qcc_compile_fp32\", \
\"error\": $(first_line_json "$dir/fp32.log")}"
    echo "  $name fp32: fails: $(head -c 200 "$dir/fp32.log" | head -1)"
  fi
  calib=(--calibration="$dir/calib.npz" --save-profile="$dir/profile.json")
  if ! compile "$name" int8 "${calib[@]}"; then
    err=$(first_line_json "$dir/int8.log")
    record "{\"model\": \"$name\", \"engine\": \"qcc_compile_int8\", \
\"error\": $err}"
    echo "  $name int8: fails: $err"
  elif grep -q "run in float between quantized layers" "$dir/int8.log"; then
    # qcc's default keeps ops without an int8 form float, and says which.
    islands=$("$PYTHON" -c 'import json,sys
line = next(l for l in open(sys.argv[1]) if "between quantized layers" in l)
print(json.dumps(line.split("warning: ", 1)[-1].strip()[:300]))' \
      "$dir/int8.log")
    record "{\"model\": \"$name\", \"engine\": \"qcc_int8_islands\", \
\"warning\": $islands}"
    echo "  ($name int8 keeps float islands: $islands)"
  fi
done

qcc_step "QDQ models for ONNX Runtime int8 (qcc's profile, qcc_tools.qdq_export)"
for name in "${model_list[@]}"; do
  dir=$BENCH/models/$name
  rm -f "$dir/qdq.onnx"
  if [[ -f $dir/profile.json ]]; then
    PYTHONPATH=$QCC_ROOT/python "$PYTHON" -m qcc_tools.qdq_export \
      "$dir/model.onnx" "$dir/profile.json" "$dir/qdq.onnx" \
      --activation-type uint8 || true
  fi
done

# ---------------------------------------------------------------------------
# Latency, model by model, every engine pinned to CPU $CPU
# ---------------------------------------------------------------------------
qcc_step "Timing on CPU $CPU (load: $(cut -d' ' -f1-3 /proc/loadavg))"
TIMING=(--samples "$SAMPLES" --max-seconds "$MAX_SECONDS")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# add_fields JSON KEY=JSONVALUE...: the JSON object with fields added.
# Text that is not a JSON object becomes {"error": text}.
add_fields() {
  "$PYTHON" -c 'import json,sys
try:
    r=json.loads(sys.argv[1])
    assert isinstance(r, dict)
except Exception:
    r={"error": (sys.argv[1].strip().splitlines() or ["no output"])[0][:200]}
for kv in sys.argv[2:]:
    k,v=kv.split("=",1); r[k]=json.loads(v)
print(json.dumps(r))' "$@"
}
for name in "${model_list[@]}"; do
  dir=$BENCH/models/$name
  meta=$dir/meta.json
  input=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["input"])' "$meta")
  dims=$("$PYTHON" -c 'import json,sys; print("x".join(map(str, json.load(open(sys.argv[1]))["shape"])))' "$meta")
  echo "  $name"
  for variant in fp32 int8; do
    [[ -f $dir/$variant.o ]] || continue
    "${CC:-cc}" -std=c11 -O2 -Wall -Wextra -include "$dir/$variant.h" \
      tools/bench/ModelBench.c "$dir/$variant.o" -lm -o "$dir/$variant.bench"
    if out=$("${PIN[@]}" "$dir/$variant.bench" "${TIMING[@]}" \
      "$dir/input.bin" 2>"$dir/$variant.run.log"); then
      record "$(add_fields "$out" "model=\"$name\"" \
        "engine=\"qcc_$variant\"")"
    else
      record "{\"model\": \"$name\", \"engine\": \"qcc_$variant\", \
\"error\": $(first_line_json "$dir/$variant.run.log")}"
    fi
    echo "    qcc $variant: $out"
  done
  if [[ $ORT_OK == 1 ]]; then
    for variant in fp32 int8; do
      model=$dir/model.onnx
      [[ $variant == int8 ]] && model=$dir/qdq.onnx
      if [[ ! -f $model ]]; then
        record "{\"model\": \"$name\", \"engine\": \"ort_$variant\", \
\"skipped\": \"no QDQ model (no qcc calibration profile)\"}"
        continue
      fi
      optimized=()
      [[ $variant == int8 ]] &&
        optimized=(--optimized "$dir/ort_int8.optimized.onnx")
      rm -f "$dir/ort_int8.optimized.onnx"
      out=$("${PIN[@]}" node tools/bench/ort_bench.js "$model" "$input" \
        "$dims" "$dir/input.bin" "${TIMING[@]}" "${optimized[@]}" \
        2>"$dir/ort_$variant.log") || true
      fused='""'
      if [[ $variant == int8 && -f $dir/ort_int8.optimized.onnx ]]; then
        fused=$("$PYTHON" tools/bench/table.py --ort-ops \
          "$dir/ort_int8.optimized.onnx" 2>/dev/null || echo '""')
      fi
      record "$(add_fields "$out" "model=\"$name\"" \
        "engine=\"ort_$variant\"" "fused=$fused")"
      echo "    ORT $variant: $out"
    done
  fi
  while IFS= read -r line; do
    [[ $line == \{* ]] || continue
    record "$line"
    echo "    PyTorch: $line"
  done < <(env "${TORCH_ENV[@]}" "${PIN[@]}" "$PYTHON" tools/bench/models.py \
    torch "$BENCH/models" "$name" "${TIMING[@]}" 2>"$dir/torch.log" ||
    echo "{\"model\": \"$name\", \"engine\": \"torch_fp32\", \"error\": $(first_line_json "$dir/torch.log")}")
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------
# GEMM micro-benchmark
# ---------------------------------------------------------------------------
KERNELS=$BENCH/kernels.txt
: >"$KERNELS"
if [[ ${QCC_BENCH_SKIP_KERNELS:-0} != 1 && -x $QCC_BUILD/bin/qcc-kernel-bench ]]; then
  qcc_step "GEMM micro-kernels against this core's measured peak (qcc-kernel-bench)"
  "${PIN[@]}" "$QCC_BUILD/bin/qcc-kernel-bench" | tee "$KERNELS"
fi

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cpu_id=$(awk -F': ' '/^cpu family/ {f=$2} /^model[[:space:]]*:/ {m=$2}
  /^stepping/ {s=$2} END {printf "family %s model %s stepping %s", f, m, s}' \
  /proc/cpuinfo)
grep -qw hypervisor /proc/cpuinfo && cpu_id="$cpu_id, virtual machine"
features=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' |
  grep -E '^(avx2|fma|avx512f|avx512bw|avx512_vnni|avx_vnni|amx_int8|avx512_bf16|amx_bf16)$' |
  tr '\n' ' ')
torch_version=$("$PYTHON" -c 'import torch; print(torch.__version__)' 2>/dev/null || echo "?")
# Which oneDNN implementation PyTorch's int8 convolutions get on this CPU
# (AMX, VNNI, ...): oneDNN names it when ONEDNN_VERBOSE=1.
onednn_impl=$(env "${TORCH_ENV[@]}" ONEDNN_VERBOSE=1 "${PIN[@]}" "$PYTHON" \
  tools/bench/models.py onednn-isa 2>/dev/null |
  grep 'exec,cpu,convolution' | grep -v training | head -1 | cut -d, -f5 ||
  true)
ort_version=$(node -p "require('$BENCH/node_modules/onnxruntime-node/package.json').version" 2>/dev/null || echo "n/a")
elapsed=$(($(date +%s) - bench_start))
{
  echo "# qcc benchmark results"
  echo
  echo "- CPU: $cpu_model ($cpu_id; $(nproc) CPUs online; pinned to CPU" \
    "$CPU); features: $features"
  revision="not a git checkout"
  if head=$(git -C "$QCC_ROOT" rev-parse --short HEAD 2>/dev/null); then
    revision="git $head"
    git -C "$QCC_ROOT" diff --quiet HEAD 2>/dev/null ||
      revision="$revision (modified tree)"
  fi
  echo "- qcc: $("$QCC_BUILD/bin/qcc" --version | head -1), $revision;" \
    "binary built $(date -u -r "$QCC_BUILD/bin/qcc" '+%Y-%m-%d %H:%M UTC')"
  torch_isa=""
  [[ -n $onednn_impl ]] &&
    torch_isa=" (its int8 convolutions run oneDNN's $onednn_impl)"
  echo "- ONNX Runtime $ort_version (npm onnxruntime-node, CPU EP);" \
    "PyTorch $torch_version$torch_isa"
  echo "- load average before / after timing: $load_before / $load_after;" \
    "$(date -u '+%Y-%m-%d %H:%M UTC'); benchmark took ${elapsed} s"
  echo
  "$PYTHON" tools/bench/table.py "$BENCH"
  if [[ -s $KERNELS ]]; then
    echo
    echo "## GEMM micro-kernels (qcc-kernel-bench)"
    echo
    echo '```'
    cat "$KERNELS"
    echo '```'
  fi
} >"$BENCH/results.md"

qcc_step "Results ($BENCH/results.md)"
cat "$BENCH/results.md"
