# One scenario with the bus's temporal decoupling off and on (SmbusBus::
# set_temporal_decoupling, switched by SSIFSIM_BUS_DECOUPLING): both runs exit alike, and their
# event logs, reports and both waveforms are equal byte for byte. With -DPERCENT=P the
# scenario is a bench workload file with its generators' counts scaled as `ssifsim bench
# --scale P/100` scales them (tools/bench.cpp: rounded, at least 1; its expectations but
# `expect.spec` go).
# -DUNTIL=T runs it with --until T. -DNOLOG=1 runs it without --log and compares the report,
# the waveforms and the console (SmbusBus::runs_ahead then runs with other sinks than the
# log file's). -DNOVCD=1 with it runs it without --vcd too and compares the report and the
# console: with nothing recorded between a burst's target calls, SmbusBus::burst_ahead hands
# them over at once.
# Usage: cmake -DSSIFSIM=... -DSCENARIO=... -DOUT=... [-DPERCENT=P] [-DUNTIL=T] [-DNOLOG=1]
#              [-DNOVCD=1] -P bus_decoupling_golden.cmake
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
set(files jsonl report vcd tl.vcd)
foreach(mode 0 1)
  set(log --log ${OUT}.${mode}.jsonl)
  set(vcd --vcd ${OUT}.${mode}.vcd)
  if(NOLOG)
    set(log "")
    set(files report vcd tl.vcd console)
  endif()
  if(NOVCD)
    set(vcd "")
    list(REMOVE_ITEM files vcd tl.vcd)
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E env SSIFSIM_BUS_DECOUPLING=${mode}
                          ${SSIFSIM} run ${scenario} ${until} ${log}
                          --report ${OUT}.${mode}.report ${vcd}
                  OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE status)
  set(status_${mode} ${status})
  set(output_${mode} "${output}${errors}")
  # The console names the files; with those names made alike it is the same run's. In the
  # sanitizer build AddressSanitizer may warn once per process that it ignores a no-return
  # on a SystemC thread's stack, naming its pid and addresses: not the run's output.
  string(REPLACE "${OUT}.${mode}." "${OUT}.N." console "${output_${mode}}")
  string(REGEX REPLACE "==[0-9]+==WARNING: ASan is ignoring requested __asan_handle_no_return[^\n]*\n"
                       "" console "${console}")
  file(WRITE ${OUT}.${mode}.console "${console}")
endforeach()
if(NOT status_0 EQUAL status_1)
  message(FATAL_ERROR "${SCENARIO}: exit ${status_0} without the bus's temporal decoupling, "
                      "${status_1} with it\n${output_0}\n${output_1}")
endif()
foreach(file ${files})
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}.0.${file} ${OUT}.1.${file}
                  RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "${SCENARIO}: the ${file} with the bus's temporal decoupling differs "
                        "from the one without it (${OUT}.0.${file}, ${OUT}.1.${file})")
  endif()
endforeach()
file(REMOVE ${OUT}.0.vcd ${OUT}.1.vcd ${OUT}.0.tl.vcd ${OUT}.1.tl.vcd)
