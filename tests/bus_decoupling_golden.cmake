# One scenario with the bus's temporal decoupling off and on (SmbusBus::
# set_temporal_decoupling, switched by SSIFSIM_BUS_DECOUPLING): both runs exit alike, and their
# event logs, reports and both waveforms are equal byte for byte. With -DPERCENT=P the
# scenario is a bench workload file with its generators' counts scaled as `ssifsim bench
# --scale P/100` scales them (tools/bench.cpp: rounded, at least 1; its expectations but
# `expect.spec` go).
# -DUNTIL=T runs it with --until T.
# Usage: cmake -DSSIFSIM=... -DSCENARIO=... -DOUT=... [-DPERCENT=P] [-DUNTIL=T]
#              -P bus_decoupling_golden.cmake
set(scenario ${SCENARIO})
set(until "")
if(DEFINED UNTIL)
  set(until --until ${UNTIL})
endif()
if(DEFINED PERCENT)
  file(READ ${SCENARIO} doc)
  string(JSON generators LENGTH "${doc}" workload generators)
  math(EXPR last "${generators} - 1")
  foreach(i RANGE ${last})
    string(JSON count GET "${doc}" workload generators ${i} count)
    math(EXPR scaled "(${count} * ${PERCENT} + 50) / 100")
    if(scaled LESS 1)
      set(scaled 1)
    endif()
    string(JSON doc SET "${doc}" workload generators ${i} count ${scaled})
  endforeach()
  string(JSON spec ERROR_VARIABLE no_spec GET "${doc}" expect spec)
  string(JSON doc ERROR_VARIABLE no_expect REMOVE "${doc}" expect)
  if(NOT no_spec)
    string(JSON doc SET "${doc}" expect "{\"spec\": ${spec}}")
  endif()
  set(scenario ${OUT}.json)
  file(WRITE ${scenario} "${doc}")
endif()
foreach(mode 0 1)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env SSIFSIM_BUS_DECOUPLING=${mode}
                          ${SSIFSIM} run ${scenario} ${until} --log ${OUT}.${mode}.jsonl
                          --report ${OUT}.${mode}.report --vcd ${OUT}.${mode}.vcd
                  OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE status)
  set(status_${mode} ${status})
  set(output_${mode} "${output}${errors}")
endforeach()
if(NOT status_0 EQUAL status_1)
  message(FATAL_ERROR "${SCENARIO}: exit ${status_0} without the bus's temporal decoupling, "
                      "${status_1} with it\n${output_0}\n${output_1}")
endif()
foreach(file jsonl report vcd tl.vcd)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}.0.${file} ${OUT}.1.${file}
                  RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "${SCENARIO}: the ${file} with the bus's temporal decoupling differs "
                        "from the one without it (${OUT}.0.${file}, ${OUT}.1.${file})")
  endif()
endforeach()
file(REMOVE ${OUT}.0.vcd ${OUT}.1.vcd ${OUT}.0.tl.vcd ${OUT}.1.tl.vcd)
