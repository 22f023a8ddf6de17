#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds qcc, and shows what it is for: the
# bundled Fashion-MNIST CNN (test/Models/fashion_mnist_cnn.onnx) is compiled
# to float and, calibrated on training images, to int8; both objects are
# linked into a small C application (tools/example/classify.c) that
# classifies the real test images of Debian's dataset-fashion-mnist and
# prints accuracy, object size, workspace and latency side by side. The int8
# object is then cross-compiled for aarch64 and riscv64 and run under QEMU;
# its predictions must be the host's, image for image.
#
# Usage: tools/scripts/run-example.sh
# Environment: QCC_BUILD_DIR (default: build), CC (default: cc),
#   QCC_EXAMPLE_CALIBRATION (calibration images, default 1000),
#   QCC_EXAMPLE_IMAGES (test images classified, default all 10,000),
#   QCC_EXAMPLE_CROSS_IMAGES (images run under QEMU, default 200),
#   QCC_EXAMPLE_OUT (output directory, default $QCC_BUILD/example),
#   QCC_SKIP_BUILD=1 (use the qcc already built in $QCC_BUILD; the test suite
#   runs this script that way); see common.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

qcc_install_deps
if [[ ${QCC_SKIP_BUILD:-0} != 1 ]]; then
  qcc_build
fi

qcc=$QCC_BUILD/bin/qcc
model=test/Models/fashion_mnist_cnn.onnx
dataset=/usr/share/datasets/fashion-mnist
out=${QCC_EXAMPLE_OUT:-$QCC_BUILD/example}
calibration_count=${QCC_EXAMPLE_CALIBRATION:-1000}
cross_count=${QCC_EXAMPLE_CROSS_IMAGES:-200}
test_count=${QCC_EXAMPLE_IMAGES:-0}
mkdir -p "$out"

qcc_step "Preparing data from $dataset"
# The calibration tool normalizes the images as the model was trained
# ((pixel/255 - 0.2860) / 0.3530) and stores them under the model's input
# name; classify.c reads the test set as the raw IDX files.
PYTHONPATH=python /usr/bin/python3 -m qcc_tools.datasets calib \
  --count "$calibration_count" --input-name image -o "$out/calibration.npz"
for file in t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gzip -dc "$dataset/$file.gz" >"$out/$file"
done
echo "wrote $out/t10k-images-idx3-ubyte and $out/t10k-labels-idx1-ubyte"

qcc_step "Compiling $model to float and to int8 for this machine"
# --mcpu=native: the objects run here, so they may use every instruction set
# extension this CPU has (AVX2, AVX-512 VNNI, ...).
"$qcc" "$model" --mcpu=native --name=fashion_float -o "$out/fashion_float.o"
echo "wrote $out/fashion_float.o and $out/fashion_float.h"
"$qcc" "$model" --mcpu=native --calibration="$out/calibration.npz" \
  --save-profile="$out/calibration-profile.json" --name=fashion_int8 \
  -o "$out/fashion_int8.o"
echo "wrote $out/fashion_int8.o and $out/fashion_int8.h" \
  "(calibrated on $calibration_count training images)"
undefined=$("$LLVM_PREFIX/bin/llvm-nm" -u "$out/fashion_int8.o" |
  awk '{print $NF}' | tr '\n' ' ')
echo "symbols the int8 object needs from the application: ${undefined:-none}"

qcc_step "Linking tools/example/classify.c with both models"
size_of() { stat -c %s "$1"; }
"${CC:-cc}" -std=c11 -O2 -Wall -Wextra -I"$out" \
  -DFASHION_FLOAT_OBJECT_BYTES="$(size_of "$out/fashion_float.o")" \
  -DFASHION_INT8_OBJECT_BYTES="$(size_of "$out/fashion_int8.o")" \
  tools/example/classify.c "$out/fashion_float.o" "$out/fashion_int8.o" \
  -o "$out/classify"
echo "wrote $out/classify"

qcc_step "Classifying the Fashion-MNIST test images"
images=$out/t10k-images-idx3-ubyte
labels=$out/t10k-labels-idx1-ubyte
"$out/classify" "$images" "$labels" --count "$test_count" --show 3

qcc_step "The int8 model on aarch64 and riscv64 (QEMU, first $cross_count images)"
"$out/classify" "$images" "$labels" --count "$cross_count" --show 0 \
  --predictions | grep "^predictions:" | cut -d" " -f2- >"$out/host.predictions"
# --predictions prints the int8 model's predictions (the last in the list).
# Each target gets the same model and the host's calibrated ranges (the saved
# profile, so the samples are not run again); the integer arithmetic is
# specified exactly, so the predictions must match.
declare -A cross_cc=([aarch64]=aarch64-linux-gnu-gcc [riscv64]=riscv64-linux-gnu-gcc)
declare -A cross_run=(
  [aarch64]="qemu-aarch64 -L /usr/aarch64-linux-gnu"
  [riscv64]="qemu-riscv64 -cpu rv64,v=true,vlen=128,vext_spec=v1.0 -L /usr/riscv64-linux-gnu"
)
for arch in aarch64 riscv64; do
  dir=$out/$arch
  mkdir -p "$dir"
  "$qcc" "$model" --load-profile="$out/calibration-profile.json" --target="$arch" \
    --name=fashion_int8 -o "$dir/fashion_int8.o"
  "${cross_cc[$arch]}" -std=c11 -O2 -Wall -Wextra -DCLASSIFY_INT8_ONLY \
    -I"$dir" tools/example/classify.c "$dir/fashion_int8.o" -o "$dir/classify"
  ${cross_run[$arch]} "$dir/classify" "$images" "$labels" \
    --count "$cross_count" --show 0 --predictions >"$dir/output.txt"
  grep '^predictions:' "$dir/output.txt" | cut -d' ' -f2- \
    >"$dir/int8.predictions"
  accuracy=$(awk '$1 == "int8" {print $2}' "$dir/output.txt")
  if cmp -s "$out/host.predictions" "$dir/int8.predictions"; then
    echo "$arch: $cross_count of $cross_count predictions identical to x86-64 (top-1 $accuracy)"
  else
    echo "error: $arch predictions differ from x86-64's:" >&2
    diff <(tr ' ' '\n' <"$out/host.predictions") \
      <(tr ' ' '\n' <"$dir/int8.predictions") | head >&2
    exit 1
  fi
done
