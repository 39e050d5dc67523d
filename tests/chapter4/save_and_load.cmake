# Save, load and predict on a subset of MNIST, in a fresh WORKDIR, with chapter4 (PROGRAM):
#   - a run that trains an MLP with --save, run twice: the same model file and draw.html, bit for
#     bit; then --load of its file with the same subsets: the
#     same train accuracy, test accuracy and test loss in the table, the same off_centre.csv, and
#     a draw.html holding the same parameters (base64 of the same float32 bytes) in both folders;
#   - --predict on the README's example pictures (EXAMPLES) gives their documented digits;
#   - --predict-index gives the digit that the evaluation counts for that test image;
#   - --save of a softmax regression loads as one, and its --load run writes no draw.html.
# Prints "skipped: no MNIST" (a CTest skip) without the data.
cmake_minimum_required(VERSION 3.16)
if(NOT EXISTS "${MNIST}/train-images-idx3-ubyte")
  message("skipped: no MNIST in ${MNIST} (run `make mnist`)")
  return()
endif()
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")

function(run_program)
  if(NOT DEFINED run_in)
    set(run_in "${WORKDIR}")
  endif()
  execute_process(COMMAND "${PROGRAM}" ${ARGN} WORKING_DIRECTORY "${run_in}"
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "chapter4 ${ARGN}: exit status ${status}\n${err}")
  endif()
  set(stdout "${out}" PARENT_SCOPE)
endfunction()

# The table's train acc, test acc and test loss of the row of `model`.
function(accuracies text model out_var)
  if(NOT text MATCHES "\n${model} [^\n]* ([0-9.]+ %) +([0-9.]+ %) +([0-9.]+)")
    message(FATAL_ERROR "no row '${model}' with accuracies in:\n${text}")
  endif()
  set(${out_var} "${CMAKE_MATCH_1} ${CMAKE_MATCH_2} ${CMAKE_MATCH_3}" PARENT_SCOPE)
endfunction()

# The line of draw.html that holds the parameters.
function(page_parameters folder out_var)
  file(STRINGS "${WORKDIR}/${folder}/draw.html" line REGEX "^  params: \"")
  string(LENGTH "${line}" n)
  if(n LESS 500000)
    message(FATAL_ERROR "${folder}/draw.html: no parameters (${n} characters)")
  endif()
  set(${out_var} "${line}" PARENT_SCOPE)
endfunction()

set(subset --train-size 20000 --test-size 2000 --data "${MNIST}")
run_program(--model mlp --epochs 3 ${subset} --save m.bin --out trained)
accuracies("${stdout}" mlp trained)
run_program(--load m.bin ${subset} --out loaded)
accuracies("${stdout}" mlp loaded)
if(NOT trained STREQUAL loaded)
  message(FATAL_ERROR "--load m.bin: ${loaded}, but the run that saved it: ${trained}")
endif()
# The same command again, in another folder: the same model file and draw.html, bit for bit
# (fixed seeds, and the file records the command line and the test accuracy, no date).
file(MAKE_DIRECTORY "${WORKDIR}/again")
set(run_in "${WORKDIR}/again")
run_program(--model mlp --epochs 3 ${subset} --save m.bin --out trained)
unset(run_in)
foreach(f m.bin trained/draw.html trained/off_centre.csv)
  file(SHA256 "${WORKDIR}/${f}" first)
  file(SHA256 "${WORKDIR}/again/${f}" second)
  if(NOT first STREQUAL second)
    message(FATAL_ERROR "${f}: two runs of the same command wrote different files")
  endif()
endforeach()
page_parameters(trained trained_page)
page_parameters(loaded loaded_page)
if(NOT trained_page STREQUAL loaded_page)
  message(FATAL_ERROR "draw.html of the loaded model holds other parameters than the saving run's")
endif()
file(READ "${WORKDIR}/trained/off_centre.csv" trained_csv)
file(READ "${WORKDIR}/loaded/off_centre.csv" loaded_csv)
if(NOT trained_csv STREQUAL loaded_csv)
  message(FATAL_ERROR "off_centre.csv differs:\n${trained_csv}\n${loaded_csv}")
endif()
file(READ "${WORKDIR}/loaded/summary.md" summary)
if(NOT summary MATCHES "trained by `[^`]*chapter4 --model mlp --epochs 3 --train-size 20000" OR
   NOT summary MATCHES "\\[draw.html\\]\\(draw.html\\)")
  message(FATAL_ERROR "summary.md of the --load run:\n${summary}")
endif()

# The example pictures: a centred 7, and a small 3 near the corner of a white page.
foreach(example "seven_centred 7" "three_off_centre 3")
  string(REPLACE " " ";" example "${example}")
  list(GET example 0 name)
  list(GET example 1 digit)
  run_program(--load m.bin --predict "${EXAMPLES}/${name}.pgm" --predict-out ${name}_seen.pgm)
  if(NOT stdout MATCHES "\npredicted digit: ${digit} ")
    message(FATAL_ERROR "--predict ${name}.pgm, expected ${digit}:\n${stdout}")
  endif()
  file(SIZE "${WORKDIR}/${name}_seen.pgm" size)
  if(NOT size EQUAL 831)   # "P5\n# the 28x28 image the network saw\n28 28\n255\n" (47 bytes) and 784
    message(FATAL_ERROR "${name}_seen.pgm is ${size} bytes, expected 831")
  endif()
endforeach()

# A test image: the digit the evaluation counts (misclassified_mlp.csv lists the misses).
file(STRINGS "${WORKDIR}/loaded/misclassified_mlp.csv" misses)
list(GET misses 1 miss)
string(REPLACE "," ";" miss "${miss}")
list(GET miss 0 index)
list(GET miss 2 predicted)
run_program(--load m.bin --predict-index ${index} --data "${MNIST}")
if(NOT stdout MATCHES "\npredicted digit: ${predicted} ")
  message(FATAL_ERROR "--predict-index ${index}: the evaluation predicted ${predicted}:\n${stdout}")
endif()

# Softmax regression: saved with --model logistic, loaded as one, no draw.html. (A smaller
# subset: a run that trains softmax regression also runs 001 Fig. 9's λ sweep, 350 epochs.)
set(subset --train-size 1000 --test-size 500 --data "${MNIST}")
run_program(--model logistic --epochs 1 ${subset} --save r.bin --out regression)
accuracies("${stdout}" logistic trained)
run_program(--load r.bin ${subset} --out regression_loaded)
accuracies("${stdout}" logistic loaded)
if(NOT trained STREQUAL loaded OR EXISTS "${WORKDIR}/regression_loaded/draw.html")
  message(FATAL_ERROR "softmax regression: --load gives '${loaded}', the saving run '${trained}'")
endif()
message(STATUS "saved, loaded and predicted as the README says")
