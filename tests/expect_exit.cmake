# Run PROGRAM with ARGS (a ;-list) in a fresh WORKDIR and check what it did. Used by
# nn_expect_exit() in tests/CMakeLists.txt. Fails unless:
#   - the exit status is STATUS and standard error matches the regular expression MESSAGE;
#   - OUTPUT (optional) matches standard output;
#   - FILE (optional, relative to WORKDIR) exists, with exactly LINES lines if LINES is given,
#     and its content matches the regular expression CONTENT if that is given;
#   - on a non-zero STATUS, no file at all was written under WORKDIR (no partial output);
#   - with NO_NAN set, no file written under WORKDIR contains the word nan or inf (any case).
include("${CMAKE_CURRENT_LIST_DIR}/no_nan.cmake")
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
execute_process(COMMAND "${PROGRAM}" ${ARGS}
                WORKING_DIRECTORY "${WORKDIR}"
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err
                TIMEOUT 300)
if(NOT "${status}" STREQUAL "${STATUS}")
  message(FATAL_ERROR "expected exit status ${STATUS}, got '${status}'\nstderr:\n${err}")
endif()
if(NOT "${err}" MATCHES "${MESSAGE}")
  message(FATAL_ERROR "stderr does not match '${MESSAGE}':\n${err}")
endif()
if(DEFINED OUTPUT AND NOT "${OUTPUT}" STREQUAL "" AND NOT "${out}" MATCHES "${OUTPUT}")
  message(FATAL_ERROR "stdout does not match '${OUTPUT}':\n${out}")
endif()
if(DEFINED FILE AND NOT "${FILE}" STREQUAL "")
  if(NOT EXISTS "${WORKDIR}/${FILE}")
    message(FATAL_ERROR "${FILE} was not written")
  endif()
  if(DEFINED LINES AND NOT "${LINES}" STREQUAL "")
    file(STRINGS "${WORKDIR}/${FILE}" content)
    list(LENGTH content n)
    if(NOT n EQUAL LINES)
      message(FATAL_ERROR "${FILE} has ${n} lines, expected ${LINES}")
    endif()
  endif()
  if(DEFINED CONTENT AND NOT "${CONTENT}" STREQUAL "")
    file(READ "${WORKDIR}/${FILE}" text)
    if(NOT "${text}" MATCHES "${CONTENT}")
      message(FATAL_ERROR "${FILE} does not match '${CONTENT}'")
    endif()
  endif()
endif()
if(NOT "${STATUS}" STREQUAL "0")
  file(GLOB_RECURSE written LIST_DIRECTORIES false "${WORKDIR}/*")
  if(written)
    message(FATAL_ERROR "a failed run left files behind: ${written}")
  endif()
endif()
if(NO_NAN)
  file(GLOB_RECURSE written LIST_DIRECTORIES false "${WORKDIR}/*")
  if(NOT written)
    message(FATAL_ERROR "NO_NAN: the run wrote no file to check")
  endif()
  expect_no_nan_in(${written})
endif()
message(STATUS "exit ${status}, stderr matches '${MESSAGE}'")
