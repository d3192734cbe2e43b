# Runs one scenario: its expectations must hold (exit 0) and its event log must equal the
# golden one in traces/.
# Usage: cmake -DSSIFSIM=... -DSCENARIO=... -DGOLDEN=... -DOUT=... -P golden.cmake
execute_process(COMMAND ${SSIFSIM} run ${SCENARIO} --log ${OUT}
                OUTPUT_VARIABLE summary ERROR_VARIABLE errors RESULT_VARIABLE run_status)
set(problems "")
if(NOT run_status EQUAL 0)
  string(APPEND problems "ssifsim run ${SCENARIO} exited ${run_status} "
                         "(0: every expectation holds):\n${summary}${errors}\n")
endif()
if(NOT EXISTS ${GOLDEN})
  string(APPEND problems "no golden log ${GOLDEN}: create it with scripts/bless.sh\n")
else()
  execute_process(COMMAND diff -u ${GOLDEN} ${OUT} OUTPUT_VARIABLE difference
                  RESULT_VARIABLE diff_status)
  if(NOT diff_status EQUAL 0)
    string(SUBSTRING "${difference}" 0 4000 shown)
    string(APPEND problems "the event log of ${SCENARIO} differs from ${GOLDEN}:\n${shown}\n"
                           "If the change is intended, re-bless with scripts/bless.sh\n")
  endif()
endif()
if(NOT problems STREQUAL "")
  message(FATAL_ERROR "${problems}")
endif()
