# Cross-compiling for 64-bit RISC-V Linux with Debian's gcc-riscv64-linux-gnu.
# qcc's riscv64 code uses the vector extension by default, so run the result
# with `qemu-riscv64 -cpu rv64,v=true,vlen=128 -L /usr/riscv64-linux-gnu`.
# qcc_add_model derives --target=riscv64 from the processor.
set(CMAKE_SYSTEM_PROCESSOR riscv64)
include("${CMAKE_CURRENT_LIST_DIR}/linux-gnu.cmake")
