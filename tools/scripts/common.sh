# Shared set-up for run-example.sh and run-tests.sh; source it, don't run it.
#
# Provides:
#   QCC_ROOT        the repository root (the scripts cd there)
#   QCC_BUILD       the build directory: $QCC_BUILD_DIR (default `build`),
#                   relative to the repository root unless absolute
#   LLVM_PREFIX     /usr/lib/llvm-22
#   qcc_step        prints a step header
#   qcc_install_deps  installs the Debian packages that are missing (and runs
#                   apt-get update only then); a second run installs nothing
#   qcc_build       configures the build directory if it has no build.ninja,
#                   then builds incrementally with Ninja; returns non-zero on
#                   failure (also when called where `set -e` is suspended)
#
# Environment:
#   QCC_BUILD_DIR   build directory (default: build)
#   QCC_SKIP_DEPS=1 skip the package check (e.g. on a machine set up by hand)
#   CMAKE_ARGS      extra arguments for the first CMake configure

QCC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
QCC_BUILD_DIR=${QCC_BUILD_DIR:-build}
case $QCC_BUILD_DIR in
/*) QCC_BUILD=$QCC_BUILD_DIR ;;
*) QCC_BUILD=$QCC_ROOT/$QCC_BUILD_DIR ;;
esac
LLVM_PREFIX=/usr/lib/llvm-22
cd "$QCC_ROOT"

# Everything the build, the example and the whole test suite need on
# Debian 12. The libc6-dev* packages are only Recommends of the (cross)
# compilers, so --no-install-recommends would otherwise leave them out.
QCC_PACKAGES=(
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  libgtest-dev cmake ninja-build ccache
  gcc g++ libc6-dev
  qemu-user gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu
  libc6-dev-arm64-cross libc6-dev-riscv64-cross
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  zlib1g-dev
  python3 python3-numpy python3-onnx dataset-fashion-mnist
  python3-torch python3-torchvision
  chromium
)

qcc_step() {
  printf '\n==> %s\n' "$*"
}

qcc_is_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true) == installed ]]
}

qcc_install_deps() {
  qcc_step "Checking Debian packages"
  if [[ ${QCC_SKIP_DEPS:-0} == 1 ]]; then
    echo "QCC_SKIP_DEPS=1: not checking packages"
    return 0
  fi
  local missing=() package
  for package in "${QCC_PACKAGES[@]}"; do
    qcc_is_installed "$package" || missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then
    echo "all ${#QCC_PACKAGES[@]} packages are installed"
    return 0
  fi
  echo "missing: ${missing[*]}"
  local sudo=()
  if ((EUID != 0)); then
    if ! command -v sudo >/dev/null; then
      echo "error: not root and no sudo; install them with:" >&2
      echo "  apt-get install --no-install-recommends ${missing[*]}" >&2
      return 1
    fi
    sudo=(sudo)
  fi
  qcc_step "Installing ${#missing[@]} packages"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

qcc_build() {
  if [[ ! -f $QCC_BUILD/build.ninja ]]; then
    qcc_step "Configuring $QCC_BUILD (CMake, Ninja, clang-22, Release)"
    local launcher=()
    if command -v ccache >/dev/null; then
      launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache
                -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    fi
    local extra=()
    if [[ -n ${CMAKE_ARGS:-} ]]; then
      read -r -a extra <<<"$CMAKE_ARGS"
    fi
    cmake -G Ninja -S "$QCC_ROOT" -B "$QCC_BUILD" \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
      "${launcher[@]}" \
      -DMLIR_DIR="$LLVM_PREFIX/lib/cmake/mlir" \
      -DLLVM_EXTERNAL_LIT="$LLVM_PREFIX/bin/lit" \
      "${extra[@]}" || return
  fi
  qcc_step "Building in $QCC_BUILD"
  ninja -C "$QCC_BUILD" || return
}
