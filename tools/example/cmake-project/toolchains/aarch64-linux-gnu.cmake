# Cross-compiling for 64-bit Arm Linux with Debian's gcc-aarch64-linux-gnu.
# Run the result with `qemu-aarch64 -L /usr/aarch64-linux-gnu <program>`.
# qcc_add_model derives --target=aarch64 from the processor.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
include("${CMAKE_CURRENT_LIST_DIR}/linux-gnu.cmake")
