# The models at several SystemC time resolutions (tests/time_resolution.cpp), each in a
# process of its own: the event log must be the same at 1 fs, 100 ps and 1 ns as at SystemC's
# default 1 ps, and every run's figures must hold.
# Usage: cmake -DPROGRAM=... -DOUT=... -P time_resolution.cmake
set(problems "")
foreach(resolution 1ps 1fs 100ps 1ns)
  execute_process(COMMAND ${PROGRAM} ${resolution} OUTPUT_FILE ${OUT}.${resolution}
                  ERROR_VARIABLE errors RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    string(APPEND problems "at ${resolution}: exit ${status}\n${errors}\n")
  elseif(NOT resolution STREQUAL "1ps")
    execute_process(COMMAND diff -u ${OUT}.1ps ${OUT}.${resolution} OUTPUT_VARIABLE difference
                    RESULT_VARIABLE diff_status)
    if(NOT diff_status EQUAL 0)
      string(SUBSTRING "${difference}" 0 3000 shown)
      string(APPEND problems "the event log at ${resolution} differs from 1 ps:\n${shown}\n")
    endif()
  endif()
endforeach()
if(NOT problems STREQUAL "")
  message(FATAL_ERROR "${problems}")
endif()
