# Cross-compiling for 64-bit Arm Linux with Debian's gcc-aarch64-linux-gnu.
# Run the result with `qemu-aarch64 -L /usr/aarch64-linux-gnu <program>`.
set(CMAKE_SYSTEM_NAME Linux)
# qcc_add_model derives --target=aarch64 from this.
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)

# Programs run on the build machine; libraries and headers are the target's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# qcc is a build-machine tool found with find_package(qcc): look for
# packages on the build machine too, not only under the target's root.
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
