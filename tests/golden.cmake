# Runs one scenario and compares its event log with the golden one in traces/.
# Usage: cmake -DSSIFSIM=... -DSCENARIO=... -DGOLDEN=... -DOUT=... -P golden.cmake
execute_process(COMMAND ${SSIFSIM} run ${SCENARIO} --quiet --log ${OUT}
                RESULT_VARIABLE run_status)
if(run_status GREATER 1)
  message(FATAL_ERROR "ssifsim run ${SCENARIO} exited ${run_status}")
endif()
execute_process(COMMAND diff -u ${GOLDEN} ${OUT} OUTPUT_VARIABLE difference
                RESULT_VARIABLE diff_status)
if(NOT diff_status EQUAL 0)
  string(SUBSTRING "${difference}" 0 4000 shown)
  message(FATAL_ERROR "the event log of ${SCENARIO} differs from ${GOLDEN}:\n${shown}\n"
                      "If the change is intended, re-bless with scripts/bless.sh")
endif()
