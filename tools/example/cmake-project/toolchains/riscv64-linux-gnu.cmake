# Cross-compiling for 64-bit RISC-V Linux with Debian's gcc-riscv64-linux-gnu.
# qcc's riscv64 code uses the vector extension by default, so run the result
# with `qemu-riscv64 -cpu rv64,v=true,vlen=128 -L /usr/riscv64-linux-gnu`.
set(CMAKE_SYSTEM_NAME Linux)
# qcc_add_model derives --target=riscv64 from this.
set(CMAKE_SYSTEM_PROCESSOR riscv64)

set(CMAKE_C_COMPILER riscv64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER riscv64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH /usr/riscv64-linux-gnu)

# Programs run on the build machine; libraries and headers are the target's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# qcc is a build-machine tool found with find_package(qcc): look for
# packages on the build machine too, not only under the target's root.
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
