#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds qcc, runs every GoogleTest binary
# (build/bin/Qcc*Tests) and the lit suite, and ends with one line:
# `tests: N passed, N failed`
# (GoogleTest plus lit; a failed build prints `tests: 0 passed, 1 failed`).
# Exits non-zero if anything failed.
#
# Usage: tools/scripts/run-tests.sh [extra lit arguments, e.g. --filter E2E]
# Environment: QCC_BUILD_DIR (default: build); see common.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

qcc_install_deps
if ! qcc_build; then
  # Keep the promise of a closing line; the failed build counts as a failure.
  echo "error: the build failed; no tests were run"
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

results=$QCC_BUILD/test-results
mkdir -p "$results"
rm -f "$results"/*.json "$results"/*.xml

# Every GoogleTest binary of the build (build/bin/Qcc*Tests: QccUnitTests,
# QccReferenceTests, QccCalibrationTests, ...). QccUnitTests must exist; if it
# is missing, the summary counts a failure.
binaries=(QccUnitTests)
for path in "$QCC_BUILD"/bin/Qcc*Tests; do
  name=${path##*/}
  if [[ -x $path && $name != QccUnitTests ]]; then
    binaries+=("$name")
  fi
done
gtest_args=()
for binary in "${binaries[@]}"; do
  path=$QCC_BUILD/bin/$binary
  qcc_step "GoogleTest: $path"
  status=0
  "$path" --gtest_output="json:$results/$binary.json" || status=$?
  gtest_args+=(--gtest "$binary" "$results/$binary.json" "$status")
done

qcc_step "lit tests: $QCC_BUILD/test"
lit_status=0
"$LLVM_PREFIX/bin/lit" "$QCC_BUILD/test" -sv \
  --output "$results/lit.json" --xunit-xml-output "$results/lit.xml" "$@" ||
  lit_status=$?

qcc_step "Summary (details in $results)"
exec /usr/bin/python3 "$QCC_ROOT/tools/scripts/summarize-tests.py" \
  "${gtest_args[@]}" --lit "$results/lit.json" "$lit_status"
