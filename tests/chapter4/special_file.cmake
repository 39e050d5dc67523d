# Run chapter4 (PROGRAM) on a data folder where one file is replaced by something that is not a
# regular file, and check that it answers at once with one line and exit status 1, and that it
# created nothing: no --out folder, no results/ folder, nothing beside the data folder.
#   CASE      fifo | device | folder | loop | huge | data_is_a_file
#   VALID     a folder of four valid IDX files to copy
#   WORKDIR   a scratch folder (emptied first)
#   MESSAGE   regular expression the one line of standard error must match
# The program never reads such a file, so it answers in milliseconds (about 0.05 s with this
# script); a run that takes more than a second — say, one that opened the FIFO and waits for a
# writer, which would be forever — is stopped and fails.
cmake_minimum_required(VERSION 3.16)   # (its policies: quoted arguments are not variables)
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}/data")
file(GLOB valid_files "${VALID}/*-ubyte")
file(COPY ${valid_files} DESTINATION "${WORKDIR}/data")
set(target "${WORKDIR}/data/train-images-idx3-ubyte")
set(data_arg "data")
if(CASE STREQUAL "fifo")
  file(REMOVE "${target}")
  execute_process(COMMAND mkfifo "${target}" RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "mkfifo failed")
  endif()
elseif(CASE STREQUAL "device")
  file(REMOVE "${target}")
  file(CREATE_LINK /dev/zero "${target}" SYMBOLIC)
elseif(CASE STREQUAL "folder")
  set(target "${WORKDIR}/data/train-labels-idx1-ubyte")
  file(REMOVE "${target}")
  file(MAKE_DIRECTORY "${target}")
elseif(CASE STREQUAL "loop")
  file(REMOVE "${target}")
  execute_process(COMMAND ln -s train-images-idx3-ubyte "${target}" RESULT_VARIABLE status)   # points at itself
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "ln -s failed")
  endif()
elseif(CASE STREQUAL "huge")
  # 64 MiB + 1 byte, the reader's bound + 1, as a sparse file (truncate allocates no blocks).
  execute_process(COMMAND truncate -s 67108865 "${target}" RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "truncate failed")
  endif()
elseif(CASE STREQUAL "data_is_a_file")
  set(data_arg "data/t10k-labels-idx1-ubyte")
else()
  message(FATAL_ERROR "unknown CASE ${CASE}")
endif()

execute_process(COMMAND "${PROGRAM}" --data "${data_arg}" --out out --epochs 1
                WORKING_DIRECTORY "${WORKDIR}" RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err TIMEOUT 1)
if(NOT "${status}" STREQUAL "1")
  message(FATAL_ERROR "expected exit status 1 within a second, got '${status}'\nstderr:\n${err}")
endif()
if(NOT "${err}" MATCHES "^chapter4: error: [^\n]*${MESSAGE}[^\n]*\n$")
  message(FATAL_ERROR "standard error is not one line matching '${MESSAGE}':\n${err}")
endif()
if(NOT "${out}" STREQUAL "")
  message(FATAL_ERROR "standard output is not empty:\n${out}")
endif()
file(GLOB entries LIST_DIRECTORIES true RELATIVE "${WORKDIR}" "${WORKDIR}/*" "${WORKDIR}/.*")
if(NOT entries STREQUAL "data")
  message(FATAL_ERROR "the failed run created something beside the data folder: ${entries}")
endif()
message(STATUS "exit 1, one line: ${err}")
