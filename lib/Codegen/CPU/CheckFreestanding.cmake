# Fails when the kernel bitcode ${BITCODE}, compiled to an object, refers to
# any symbol it does not define (memset or memcpy from a loop, a libm call):
# the compiler links the bitcode into modules that have no C library.
if(NOT LLC OR NOT LLVM_NM)
  return()
endif()
set(object ${BITCODE}.o)
set(attributes)
if(LLC_ATTRIBUTES)
  set(attributes -mattr=${LLC_ATTRIBUTES})
endif()
execute_process(COMMAND ${LLC} -O2 -filetype=obj ${attributes} ${BITCODE}
  -o ${object} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "llc failed on ${BITCODE}")
endif()
execute_process(COMMAND ${LLVM_NM} -u ${object}
  OUTPUT_VARIABLE undefined RESULT_VARIABLE result)
file(REMOVE ${object})
if(NOT result EQUAL 0)
  message(FATAL_ERROR "llvm-nm failed on ${object}")
endif()
string(STRIP "${undefined}" undefined)
if(NOT undefined STREQUAL "")
  message(FATAL_ERROR "${BITCODE} needs undefined symbols:\n${undefined}")
endif()
