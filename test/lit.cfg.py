# -*- Python -*-
# lit configuration for qcc: dialect, pass, pipeline, driver and end-to-end
# tests. Cross-target tests run their binaries under qemu-user.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "qcc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".c"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs",
                   "unittests", "harness.c"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qcc_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# Debian's python3 has numpy; the first python3 on PATH may not.
python = "/usr/bin/python3"
config.substitutions.append(("%python", python))
llvm_config.with_environment(
    "PYTHONPATH", os.path.join(config.qcc_src_root, "python"), append_path=True)

tool_dirs = [config.qcc_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(
    [ToolSubst("qcc-opt", unresolved="fatal"),
     ToolSubst("qcc-import", unresolved="fatal"),
     ToolSubst("qcc-bitexact-gen", unresolved="fatal"),
     ToolSubst("%qcc", command=os.path.join(config.qcc_tools_dir, "qcc"),
               unresolved="fatal"),
     "llvm-nm", "llvm-objdump", "llvm-readobj"],
    tool_dirs)

# Native and cross C compilers for linking emitted objects with harnesses,
# and the runners that execute the result.
host_cc = shutil.which("cc") or shutil.which("gcc")
config.substitutions.append(("%cc-x86_64", host_cc or "false"))
config.substitutions.append(("%run-x86_64", ""))
cross = {
    "aarch64": ("aarch64-linux-gnu-gcc", "qemu-aarch64",
                "qemu-aarch64 -L /usr/aarch64-linux-gnu"),
    "riscv64": ("riscv64-linux-gnu-gcc", "qemu-riscv64",
                "qemu-riscv64 -cpu rv64,v=true,vlen=128 -L /usr/riscv64-linux-gnu"),
}
for arch, (cc, qemu, runner) in cross.items():
    if shutil.which(cc):
        config.available_features.add("cross-" + arch)
    if shutil.which(qemu):
        config.available_features.add(qemu)
    config.substitutions.append(("%cc-" + arch, cc))
    config.substitutions.append(("%run-" + arch, runner))

# The ONNX backend test data (Debian's libonnx-testdata) and the onnx Python
# package the conformance runner reads it with.
if os.path.isdir("/usr/share/libonnx-testdata/data") and os.path.exists(
        "/usr/lib/python3/dist-packages/onnx/__init__.py"):
    config.available_features.add("onnx-testdata")

# A headless browser renders the HTML quantization report (test/Browser).
if shutil.which("chromium"):
    config.available_features.add("chromium")

import platform
if platform.machine() in ("x86_64", "AMD64"):
    config.available_features.add("host-x86_64")

# The x86 instruction sets of this machine, for tests that run each CPU
# kernel variant the host can execute (qcc --mcpu=...).
try:
    with open("/proc/cpuinfo") as cpuinfo:
        flags = set()
        for line in cpuinfo:
            if line.startswith("flags"):
                flags.update(line.split(":", 1)[1].split())
                break
except OSError:
    flags = set()
if {"avx2", "fma"} <= flags:
    config.available_features.add("host-avx2")
if {"avx2", "fma", "avx_vnni"} <= flags:
    config.available_features.add("host-avxvnni")
if {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni"} <= flags:
    config.available_features.add("host-avx512vnni")

# The build and source trees, for tests that run the set-up scripts or install
# the build (tools/scripts, cmake --install).
config.substitutions.append(("%qcc_obj_root", config.qcc_obj_root))
config.substitutions.append(("%qcc_src_root", config.qcc_src_root))
