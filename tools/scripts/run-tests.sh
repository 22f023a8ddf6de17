#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds qcc, runs the GoogleTest binaries
# (QccUnitTests, QccReferenceTests) and the lit suite, and ends with one line:
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

# Every GoogleTest binary of the build: qcc's unit tests and the unit tests
# of the scalar reference (test/Reference). QccUnitTests must exist; the
# others run when the build has them.
gtest_args=()
for binary in QccUnitTests QccReferenceTests QccCalibrationTests; do
  path=$QCC_BUILD/bin/$binary
  if [[ ! -x $path && $binary != QccUnitTests ]]; then
    continue
  fi
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
