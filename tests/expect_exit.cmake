# Run PROGRAM with ARGS (a ;-list) in a fresh WORKDIR; fail unless it exits with STATUS and
# its standard error matches the regular expression MESSAGE. Used by nn_expect_exit().
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
execute_process(COMMAND "${PROGRAM}" ${ARGS}
                WORKING_DIRECTORY "${WORKDIR}"
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err
                TIMEOUT 120)
if(NOT "${status}" STREQUAL "${STATUS}")
  message(FATAL_ERROR "expected exit status ${STATUS}, got '${status}'\nstderr:\n${err}")
endif()
if(NOT "${err}" MATCHES "${MESSAGE}")
  message(FATAL_ERROR "stderr does not match '${MESSAGE}':\n${err}")
endif()
message(STATUS "exit ${status}, stderr matches '${MESSAGE}'")
