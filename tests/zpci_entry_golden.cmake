# One scenario with ZpciConfig::source_starts_entry off and on (tests/zpci_entry_golden.cpp):
# both runs pass, and their event logs, reports and transaction-level waveforms are equal.
# Usage: cmake -DPROGRAM=... -DSCENARIO=... -DOUT=... -P zpci_entry_golden.cmake
foreach(mode off on)
  execute_process(COMMAND ${PROGRAM} ${mode} ${SCENARIO} ${OUT}.${mode}.jsonl
                          ${OUT}.${mode}.report ${OUT}.${mode}.vcd
                  OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${SCENARIO} with source_starts_entry ${mode}: exit ${status}\n"
                        "${output}${errors}")
  endif()
endforeach()
foreach(file jsonl report tl.vcd)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}.off.${file} ${OUT}.on.${file}
                  RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "${SCENARIO}: the ${file} with source_starts_entry on differs from "
                        "the one with it off (${OUT}.off.${file}, ${OUT}.on.${file})")
  endif()
endforeach()
file(REMOVE ${OUT}.off.vcd ${OUT}.on.vcd ${OUT}.off.tl.vcd ${OUT}.on.tl.vcd)
