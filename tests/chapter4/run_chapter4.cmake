# Run chapter4 (PROGRAM) on a subset of MNIST in a fresh WORKDIR and check what it writes:
# metrics.csv with exactly the columns of issue 6 and one row per model and epoch, accuracies
# well above chance, the figures, summary.md, and the headline table on standard output; then
# `--preset report` with an override. Prints "skipped: no MNIST" (a CTest skip) without the data.
if(NOT EXISTS "${MNIST}/train-images-idx3-ubyte")
  message("skipped: no MNIST in ${MNIST} (run `make mnist`)")
  return()
endif()
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")

function(run_program)
  execute_process(COMMAND "${PROGRAM}" ${ARGN} WORKING_DIRECTORY "${WORKDIR}"
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "chapter4 ${ARGN}: exit status ${status}\n${err}")
  endif()
  set(stdout "${out}" PARENT_SCOPE)
endfunction()

run_program(--train-size 3000 --test-size 1000 --epochs 2 --data "${MNIST}" --out default)
file(STRINGS "${WORKDIR}/default/metrics.csv" lines)
list(LENGTH lines n)
list(GET lines 0 header)
if(NOT header STREQUAL "model,epoch,train_loss,train_acc,test_loss,test_acc,epoch_seconds")
  message(FATAL_ERROR "metrics.csv header is '${header}'")
endif()
if(NOT n EQUAL 5)
  message(FATAL_ERROR "metrics.csv has ${n} lines, expected the header and 2 epochs of 2 models")
endif()
# Rows: model, epoch, then four numbers and the time; test accuracy after 2 epochs ≥ 0.8.
set(number "[0-9.e-]+")
foreach(expect "mlp,1" "mlp,2" "logistic,1" "logistic,2")
  set(found FALSE)
  foreach(line ${lines})
    if(line MATCHES "^${expect},${number},${number},${number},(${number}),${number}$")
      set(found TRUE)
      if(CMAKE_MATCH_1 LESS 0.8)
        message(FATAL_ERROR "test accuracy ${CMAKE_MATCH_1} in '${line}' is below 0.8 (chance: 0.1)")
      endif()
    endif()
  endforeach()
  if(NOT found)
    message(FATAL_ERROR "metrics.csv has no well-formed row '${expect},…':\n${lines}")
  endif()
endforeach()
foreach(f loss.svg accuracy.svg confusion_mlp.svg confusion_logistic.svg misclassified_mlp.svg
          misclassified_logistic.svg confusion_mlp.csv misclassified_logistic.csv summary.md)
  if(NOT EXISTS "${WORKDIR}/default/${f}")
    message(FATAL_ERROR "chapter4 did not write ${f}")
  endif()
endforeach()
file(STRINGS "${WORKDIR}/default/summary.md" summary ENCODING UTF-8)
list(GET summary 0 title)
if(NOT title STREQUAL "# Chapter 4 — MNIST: softmax regression and a one-hidden-layer MLP (001)")
  message(FATAL_ERROR "summary.md begins with '${title}'")
endif()
if(NOT stdout MATCHES "model +epochs +train acc +test acc" OR NOT stdout MATCHES "\nmlp +2 " OR
   NOT stdout MATCHES "\nlogistic +2 ")
  message(FATAL_ERROR "unexpected headline table:\n${stdout}")
endif()

# The report preset, one model, one flag overridden: 001's η = 0.001 and batch 50 stay.
run_program(--preset report --epochs 1 --model logistic --train-size 1000 --test-size 200
            --data "${MNIST}" --out report)
file(STRINGS "${WORKDIR}/report/metrics.csv" lines)
list(LENGTH lines n)
file(READ "${WORKDIR}/report/summary.md" summary)
if(NOT n EQUAL 2 OR NOT summary MATCHES "Preset `report`" OR
   NOT summary MATCHES "- logistic: η = 0.001, momentum ω = 0, decay κ = 0, λ = 0, batch 50, epochs 1\n")
  message(FATAL_ERROR "--preset report --epochs 1: ${n} lines in metrics.csv; summary:\n${summary}")
endif()
message(STATUS "chapter4 wrote what it should")
