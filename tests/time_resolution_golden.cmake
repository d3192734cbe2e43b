# One scenario at another SystemC time resolution (tests/time_resolution_golden.cpp): its
# expectations must hold and its event log must equal the golden one, made at 1 ps.
# Usage: cmake -DPROGRAM=... -DRESOLUTION=... -DSCENARIO=... -DGOLDEN=... -DOUT=... -P ...
execute_process(COMMAND ${PROGRAM} ${RESOLUTION} ${SCENARIO} ${OUT}
                OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${SCENARIO} at ${RESOLUTION}: exit ${status}\n${output}${errors}")
endif()
execute_process(COMMAND diff -u ${GOLDEN} ${OUT} OUTPUT_VARIABLE difference
                RESULT_VARIABLE diff_status)
if(NOT diff_status EQUAL 0)
  string(SUBSTRING "${difference}" 0 4000 shown)
  message(FATAL_ERROR "the event log of ${SCENARIO} at ${RESOLUTION} differs from ${GOLDEN} "
                      "(1 ps):\n${shown}")
endif()
