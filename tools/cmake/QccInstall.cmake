# What `cmake --install` puts under the prefix besides the tools (which
# install themselves in tools/*/CMakeLists.txt) and the docs
# (docs/CMakeLists.txt): the CMake package for find_package(qcc CONFIG), the
# Python package, and the CPack settings (Packaging.cmake).

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# qcc's own static libraries are build products, not something users link:
# add_mlir_library installs them unless this is set.
set(LLVM_INSTALL_TOOLCHAIN_ONLY ON)

set(QCC_INSTALL_CMAKEDIR "lib/cmake/qcc" CACHE STRING
    "Where the CMake package goes, relative to the install prefix")
# Debian's layout for Python 3 packages that do not depend on the
# interpreter's minor version (/usr/lib/python3/dist-packages).
set(QCC_INSTALL_PYTHONDIR "lib/python3/dist-packages" CACHE STRING
    "Where the qcc Python package goes, relative to the install prefix")

# Installs one of the tools into <prefix>/bin and the qccTargets export set
# (the imported qcc::<name>). LLVM's rules would install them with RUNPATH
# $ORIGIN/../lib only, where libMLIR.so and libLLVM.so are not: the tools
# keep LLVM's library directory in the build and under every prefix.
function(qcc_install_tool name)
  set_target_properties(${name} PROPERTIES
    INSTALL_RPATH "\$ORIGIN/../lib${LLVM_LIBDIR_SUFFIX};${LLVM_LIBRARY_DIR}"
    BUILD_WITH_INSTALL_RPATH ON)
  install(TARGETS ${name} EXPORT qccTargets
          RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
endfunction()

install(EXPORT qccTargets NAMESPACE qcc:: FILE qccTargets.cmake
        DESTINATION "${QCC_INSTALL_CMAKEDIR}")
configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/qccConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/tools/cmake/qccConfig.cmake"
  INSTALL_DESTINATION "${QCC_INSTALL_CMAKEDIR}")
# 0.x releases may change qcc_add_model or the ABI between minor versions.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/tools/cmake/qccConfigVersion.cmake"
  VERSION "${QCC_VERSION}" COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/tools/cmake/qccConfig.cmake"
  "${PROJECT_BINARY_DIR}/tools/cmake/qccConfigVersion.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/QccAddModel.cmake"
  DESTINATION "${QCC_INSTALL_CMAKEDIR}")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/python/qcc"
        DESTINATION "${QCC_INSTALL_PYTHONDIR}"
        PATTERN "tests" EXCLUDE
        PATTERN "__pycache__" EXCLUDE
        PATTERN "*.pyc" EXCLUDE)

include("${CMAKE_CURRENT_LIST_DIR}/Packaging.cmake")
