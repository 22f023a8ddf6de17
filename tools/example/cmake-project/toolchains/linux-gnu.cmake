# Shared part of the toolchain files in this folder: cross-compiling for
# Linux on CMAKE_SYSTEM_PROCESSOR with Debian's cross gcc
# (gcc-<processor>-linux-gnu). The including file sets the processor.
set(CMAKE_SYSTEM_NAME Linux)

set(CMAKE_C_COMPILER ${CMAKE_SYSTEM_PROCESSOR}-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER ${CMAKE_SYSTEM_PROCESSOR}-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH /usr/${CMAKE_SYSTEM_PROCESSOR}-linux-gnu)

# Programs run on the build machine; libraries and headers are the target's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# qcc is a build-machine tool found with find_package(qcc): look for
# packages on the build machine too, not only under the target's root.
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
