// JUnit XML for CI: one test suite per scenario, one test case per spec check or
// expectation, a <failure> with the check's one-line explanation when it failed.
#pragma once

#include <ostream>

#include "tools/runner.h"

namespace ssifsim::tools {

void write_junit(std::ostream& out, const Scenario& scenario, const RunResult& result);

// Escapes text for an XML attribute or element.
std::string xml_escape(const std::string& text);

} // namespace ssifsim::tools
