# qcc_add_model(): compile a model with qcc as part of a CMake build.
#
#   qcc_add_model(<target> MODEL <file>
#                 [CALIBRATION <file.npz|dir>] [TARGET <arch>] [MCPU <cpu>]
#                 [OPTIONS <qcc argument>...] [DEPENDS <file>...])
#
# Adds a build rule that runs qcc::qcc on MODEL and writes <target>.o and
# <target>.h into ${CMAKE_CURRENT_BINARY_DIR}/qcc/<target>/, and a STATIC
# library <target> made of that object whose INTERFACE include directory is
# that folder: target_link_libraries(app PRIVATE <target>) gives `app` the
# object and `#include "<target>.h"`. The exported C symbols are prefixed
# with <target> made into a C identifier (qcc's default for the output stem)
# unless OPTIONS passes --name=<prefix>. The rule re-runs when MODEL, the
# calibration data, a DEPENDS file or the qcc executable changes.
# docs/GettingStarted.md ("Using qcc from CMake") describes every argument.

function(qcc_add_model target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "MODEL;CALIBRATION;TARGET;MCPU"
                        "OPTIONS;DEPENDS")
  set(where "qcc_add_model(${target})")
  if(ARG_UNPARSED_ARGUMENTS)
    list(JOIN ARG_UNPARSED_ARGUMENTS " " unparsed)
    message(FATAL_ERROR "${where}: unknown arguments: ${unparsed} (expected "
            "MODEL, CALIBRATION, TARGET, MCPU, OPTIONS or DEPENDS)")
  endif()
  if(ARG_KEYWORDS_MISSING_VALUES)
    list(JOIN ARG_KEYWORDS_MISSING_VALUES ", " missing)
    message(FATAL_ERROR "${where}: no value given for ${missing}")
  endif()
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "${where}: MODEL <file> is required")
  endif()
  if(NOT TARGET qcc::qcc)
    message(FATAL_ERROR "${where}: the qcc::qcc target is not defined; call "
            "find_package(qcc CONFIG REQUIRED) first")
  endif()

  # The static library needs a language whose archiver rule CMake knows.
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if("C" IN_LIST languages)
    set(linker_language C)
  elseif("CXX" IN_LIST languages)
    set(linker_language CXX)
  else()
    message(FATAL_ERROR "${where}: enable the C or CXX language in project() "
            "to link the compiled model")
  endif()

  # Relative paths are taken from the calling CMakeLists.txt, as CMake does
  # for source files. A file that a rule of this build generates need not
  # exist yet.
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE
                         BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  get_source_file_property(model_generated "${model}" GENERATED)
  if(NOT EXISTS "${model}" AND NOT model_generated)
    message(FATAL_ERROR "${where}: MODEL '${model}' does not exist")
  endif()

  if(ARG_TARGET)
    set(arch "${ARG_TARGET}")
  elseif(CMAKE_CROSSCOMPILING)
    string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" processor)
    if(processor MATCHES "^(aarch64|arm64)$")
      set(arch aarch64)
    elseif(processor MATCHES "^(riscv64|rv64)$")
      set(arch riscv64)
    elseif(processor MATCHES "^(x86_64|amd64|x64)$")
      set(arch x86_64)
    else()
      message(FATAL_ERROR "${where}: qcc has no target for "
              "CMAKE_SYSTEM_PROCESSOR '${CMAKE_SYSTEM_PROCESSOR}'; pass "
              "TARGET aarch64, riscv64 or x86_64")
    endif()
  else()
    set(arch host)
  endif()

  set(dir "${CMAKE_CURRENT_BINARY_DIR}/qcc/${target}")
  set(object "${dir}/${target}.o")
  set(header "${dir}/${target}.h")
  set(args "${model}" -o "${object}" "--header=${header}" "--target=${arch}")
  if(ARG_MCPU)
    list(APPEND args "--mcpu=${ARG_MCPU}")
  endif()

  get_filename_component(model_name "${model}" NAME)
  set(depends "${model}")
  if(ARG_CALIBRATION)
    get_filename_component(calibration "${ARG_CALIBRATION}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND args "--calibration=${calibration}")
    if(IS_DIRECTORY "${calibration}")
      # A directory of <input>.npy files: depend on each file, and look
      # again when one is added or removed.
      file(GLOB calibration_files CONFIGURE_DEPENDS "${calibration}/*.npy")
      if(NOT calibration_files)
        message(FATAL_ERROR "${where}: CALIBRATION directory '${calibration}' "
                "has no .npy files")
      endif()
      list(APPEND depends ${calibration_files})
    else()
      list(APPEND depends "${calibration}")
    endif()
  endif()
  foreach(file IN LISTS ARG_DEPENDS)
    get_filename_component(file "${file}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND depends "${file}")
  endforeach()
  list(APPEND args ${ARG_OPTIONS})

  # qcc does not create output directories. DEPENDS on the imported
  # executable's file (not only the target name, which gives no file-level
  # dependency for an imported target) re-runs qcc after an upgrade.
  add_custom_command(
    OUTPUT "${object}" "${header}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}"
    COMMAND qcc::qcc ${args}
    DEPENDS ${depends} "$<TARGET_FILE:qcc::qcc>"
    COMMENT "Compiling ${model_name} with qcc (${target}, --target=${arch})"
    VERBATIM)

  add_library(${target} STATIC "${object}" "${header}")
  set_source_files_properties("${object}" PROPERTIES
                              EXTERNAL_OBJECT TRUE GENERATED TRUE)
  set_target_properties(${target} PROPERTIES LINKER_LANGUAGE ${linker_language})
  target_include_directories(${target} INTERFACE "${dir}")
endfunction()
