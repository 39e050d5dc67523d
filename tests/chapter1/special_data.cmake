# Run `PROGRAM --data <special file> --out out` in a fresh WORKDIR and check that it fails at once:
# exit status 1 within TIMEOUT seconds (a FIFO must not block the reader), exactly one line on
# standard error matching MESSAGE, and no file written. KIND says what --data is:
#   fifo           a named pipe made with mkfifo, with no writer (opening it would block forever)
#   device         /dev/zero (reading it would never end)
#   folder         an existing folder
#   symlink_loop   a symbolic link to a link back to itself
#   oversized      a regular file one byte larger than the reader's bound, BOUND bytes
# The special file lives beside WORKDIR, so that "no file written" sees only the program's output.
set(files "${WORKDIR}.files")
file(REMOVE_RECURSE "${WORKDIR}" "${files}")
file(MAKE_DIRECTORY "${WORKDIR}" "${files}")
if(KIND STREQUAL "fifo")
  set(data "${files}/samples.csv")
  execute_process(COMMAND mkfifo "${data}" RESULT_VARIABLE made)
  if(NOT made EQUAL 0)
    message(FATAL_ERROR "mkfifo failed: ${made}")
  endif()
elseif(KIND STREQUAL "device")
  set(data "/dev/zero")
elseif(KIND STREQUAL "folder")
  set(data "${files}/samples.csv")
  file(MAKE_DIRECTORY "${data}")
elseif(KIND STREQUAL "symlink_loop")
  set(data "${files}/a.csv")
  file(CREATE_LINK "${files}/b.csv" "${files}/a.csv" SYMBOLIC)
  file(CREATE_LINK "${files}/a.csv" "${files}/b.csv" SYMBOLIC)
elseif(KIND STREQUAL "oversized")
  set(data "${files}/samples.csv")
  math(EXPR size "${BOUND} + 1")
  string(REPEAT "\n" ${size} text)
  file(WRITE "${data}" "${text}")
else()
  message(FATAL_ERROR "unknown KIND '${KIND}'")
endif()

execute_process(COMMAND "${PROGRAM}" --data "${data}" --out out
                WORKING_DIRECTORY "${WORKDIR}"
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err
                TIMEOUT ${TIMEOUT})
file(REMOVE_RECURSE "${files}")
if(NOT "${status}" STREQUAL "1")
  message(FATAL_ERROR "expected exit status 1 within ${TIMEOUT} s, got '${status}'\nstderr:\n${err}")
endif()
if(NOT "${err}" MATCHES "^[^\n]*\n$")
  message(FATAL_ERROR "expected exactly one line on stderr, got:\n${err}")
endif()
if(NOT "${err}" MATCHES "${MESSAGE}")
  message(FATAL_ERROR "stderr does not match '${MESSAGE}':\n${err}")
endif()
file(GLOB_RECURSE written LIST_DIRECTORIES true "${WORKDIR}/*")
if(written)
  message(FATAL_ERROR "a failed run left files behind: ${written}")
endif()
message(STATUS "exit 1 at once: ${err}")
