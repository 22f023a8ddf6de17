# CPack: `cpack -G DEB` in the build directory (or `ninja package`) makes a
# Debian package of what `cmake --install` installs, for prefix /usr.

set(CPACK_PACKAGE_NAME "qcc")
set(CPACK_PACKAGE_VERSION "${QCC_VERSION}")
set(CPACK_PACKAGE_VENDOR "qcc")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "MLIR-based compiler of neural-network models to object files")
set(CPACK_PACKAGE_DESCRIPTION
    "qcc compiles a float model (ONNX, or TOSA in MLIR) into a self-contained
object file and C header for x86_64, aarch64 or riscv64, optionally
quantized to int8 with calibration data. The package has qcc, qcc-opt,
qcc-import, the documentation, the CMake package (find_package(qcc CONFIG)
with qcc_add_model) and the qcc Python package.")
set(QCC_PACKAGE_CONTACT "qcc maintainers <maintainers@qcc.invalid>" CACHE STRING
    "Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${QCC_PACKAGE_CONTACT}")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_GENERATOR "DEB")

# The libraries the tools load (readelf -d bin/qcc: NEEDED), by the Debian
# package that provides each: libMLIR.so.22.1 and libLLVM.so.22.1 (libmlir-22,
# libllvm22), libonnx_proto.so.1 (libonnx1), libprotobuf.so.32
# (libprotobuf32), libz.so.1 (zlib1g), and the C and C++ runtimes. Named
# explicitly so that packaging needs no dpkg-shlibdeps; the names are
# Debian 12's, hence overridable.
set(qcc_llvm_version "1:${LLVM_VERSION_MAJOR}.${LLVM_VERSION_MINOR}")
set(QCC_DEB_DEPENDS
    "libmlir-${LLVM_VERSION_MAJOR} (>= ${qcc_llvm_version}), libllvm${LLVM_VERSION_MAJOR} (>= ${qcc_llvm_version}), libonnx1, libprotobuf32, zlib1g, libstdc++6, libgcc-s1, libc6"
    CACHE STRING "Depends field of the Debian package")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${QCC_DEB_DEPENDS}")
# The Python package (qcc) needs an interpreter and numpy; the compiler
# does not.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3, python3-numpy")
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
# qcc_0.1.0_amd64.deb, with the architecture from dpkg.
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")

# `ninja package_source` must not pack build trees or the git directory.
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "__pycache__")

include(CPack)
