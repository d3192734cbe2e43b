// Kernel in the loop, in a build without the kernel source: a scenario that asks for the real
// ipmi_ssif.c as its host is bad input for this build, said so with the way to get it.
#include <catch2/catch.hpp>

#include "tests/support.h"

using namespace ssifsim::test;

TEST_CASE("host.implementation kernel without the kernel source: exit 2, saying how to get it",
          "[cli][kernel]") {
    const std::string dir = make_temp_dir("khost_absent");
    write_file(dir + "/s.json", R"({"version": 1, "host": {"implementation": "kernel"},
        "workload": {"requests": [{"netfn": 6, "cmd": 1}]}})");
    const CommandResult r = run_command(ssifsim_binary() + " run " + dir + "/s.json --quiet");
    INFO(r.out);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("$.host.implementation") != std::string::npos);
    CHECK(r.out.find("scripts/kernel-source.sh") != std::string::npos);
}
