#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds qcc, compiles the bundled example model
# (tools/example/stroke_classifier.mlir) for the host, links it into a small C
# application (tools/example/main.c) and runs it.
#
# Usage: tools/scripts/run-example.sh
# Environment: QCC_BUILD_DIR (default: build), CC (default: cc); see common.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

qcc_install_deps
qcc_build

out=$QCC_BUILD/example
mkdir -p "$out"

qcc_step "Compiling tools/example/stroke_classifier.mlir for the host"
"$QCC_BUILD/bin/qcc" tools/example/stroke_classifier.mlir \
  --target=host --name=example -o "$out/example.o"
echo "wrote $out/example.o and $out/example.h"
undefined=$("$LLVM_PREFIX/bin/llvm-nm" -u "$out/example.o" | awk '{print $NF}' | tr '\n' ' ')
echo "symbols the object needs from the application: ${undefined:-none}"

qcc_step "Linking tools/example/main.c with the model"
"${CC:-cc}" -std=c11 -O2 -Wall -Wextra -I"$out" tools/example/main.c \
  "$out/example.o" -o "$out/example"
echo "wrote $out/example"

qcc_step "Running $out/example"
"$out/example"
