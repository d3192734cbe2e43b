#include "tools/junit.h"

#include <cstdio>

#include "tools/format.h"

namespace ssifsim::tools {

std::string xml_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
            // XML 1.0 forbids most control characters, even escaped.
            if (static_cast<unsigned char>(ch) >= 0x20 || ch == '\n' || ch == '\t')
                out += ch;
            else
                out += '?';
        }
    }
    return out;
}

void write_junit(std::ostream& out, const Scenario& s, const RunResult& r) {
    write_junit_suite(out, s.file, s.description, r.end_ns, r.checks, r.wall_seconds);
}

void write_junit_suite(std::ostream& out, const std::string& name, const std::string& description,
                       uint64_t simulated_ns, const std::vector<Check>& checks,
                       double wall_seconds) {
    size_t failures = 0;
    for (const Check& c : checks)
        failures += c.pass ? 0 : 1;
    const std::string suite = xml_escape(name);
    // `time` is the run's wall seconds, on the suite and on each test case (every check is a
    // verdict over the whole run); the simulated time is a property.
    char wall[32];
    std::snprintf(wall, sizeof wall, "%.3f", wall_seconds);
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<testsuites tests=\"" << checks.size() << "\" failures=\"" << failures << "\">\n"
        << "  <testsuite name=\"" << suite << "\" tests=\"" << checks.size() << "\" failures=\""
        << failures << "\" errors=\"0\" skipped=\"0\" time=\"" << wall << "\">\n"
        << "    <properties>\n"
        << "      <property name=\"description\" value=\"" << xml_escape(description) << "\"/>\n"
        << "      <property name=\"simulated\" value=\"" << ms(simulated_ns) << "\"/>\n"
        << "    </properties>\n";
    for (const Check& c : checks) {
        out << "    <testcase classname=\"" << suite << "\" time=\"" << wall << "\" name=\""
            << xml_escape(c.name) << "\">";
        if (!c.pass)
            out << "\n      <failure message=\"" << xml_escape(c.detail) << "\">"
                << xml_escape(c.description) << "</failure>\n    ";
        out << "</testcase>\n";
    }
    out << "  </testsuite>\n</testsuites>\n";
}

} // namespace ssifsim::tools
