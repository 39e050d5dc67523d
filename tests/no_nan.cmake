# no_nan.cmake — included by the command-line test scripts: fail if any of the given files holds
# the word nan or inf (any case), as a table cell or a figure's text would if a number went bad.
function(expect_no_nan_in)
  foreach(f ${ARGN})
    file(READ "${f}" text)
    if("${text}" MATCHES "(^|[^A-Za-z])([Nn][Aa][Nn]|[Ii][Nn][Ff])([^A-Za-z]|$)")
      message(FATAL_ERROR "${f} contains '${CMAKE_MATCH_2}'")
    endif()
  endforeach()
endfunction()
