#include "tools/junit.h"

#include <cstdio>

#include "tools/format.h"

namespace ssifsim::tools {

std::string xml_escape(const std::string& raw) {
    // An XML document is UTF-8 throughout: a capture's file name may not be.
    const std::string text = utf8_text(raw);
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
            // XML 1.0 forbids most control characters, even escaped, and U+FFFE and U+FFFF
            // (section 2.2, Char).
            if (text.compare(i, 3, "\xef\xbf\xbe") == 0 ||
                text.compare(i, 3, "\xef\xbf\xbf") == 0) {
                out += '?';
                i += 2;
            } else if (static_cast<unsigned char>(ch) >= 0x20 || ch == '\n' || ch == '\t') {
                out += ch;
            } else {
                out += '?';
            }
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
        else if (!c.judged) // nothing to judge: said, not counted as a failure
            out << "\n      <system-out>" << xml_escape(c.detail) << "</system-out>\n    ";
        out << "</testcase>\n";
    }
    out << "  </testsuite>\n</testsuites>\n";
}

void write_sweep_junit(std::ostream& out, const ojson& s) {
    const ojson& failures = s["failures"];
    const int64_t seeds_run = s["seeds_run"].get<int64_t>();
    const int64_t passed = seeds_run - static_cast<int64_t>(failures.size());
    const size_t tests = failures.size() + (passed > 0 ? 1 : 0);
    const std::string suite = xml_escape("sweep of " + s["template"].get<std::string>());
    const std::string classname = xml_escape(s["template"].get<std::string>());
    const auto seconds = [](double v) {
        char text[32];
        std::snprintf(text, sizeof text, "%.3f", v < 0 ? 0.0 : v);
        return std::string(text);
    };
    const double wall = s["run"]["wall_seconds"].get<double>();
    double failing_wall = 0;
    for (const ojson& f : failures)
        failing_wall += f.value("wall_seconds", 0.0);
    std::string shards;
    for (const ojson& name : s["run"]["shards"])
        shards += (shards.empty() ? "" : " ") + name.get<std::string>();
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<testsuites tests=\"" << tests << "\" failures=\"" << failures.size() << "\">\n"
        << "  <testsuite name=\"" << suite << "\" tests=\"" << tests << "\" failures=\""
        << failures.size() << "\" errors=\"0\" skipped=\"0\" time=\"" << seconds(wall) << "\">\n"
        << "    <properties>\n"
        << "      <property name=\"first_seed\" value=\"" << s["first_seed"].get<uint64_t>()
        << "\"/>\n"
        << "      <property name=\"count\" value=\"" << s["count"].get<int64_t>() << "\"/>\n"
        << "      <property name=\"seeds_run\" value=\"" << seeds_run << "\"/>\n"
        << "      <property name=\"failing_seeds\" value=\"" << failures.size() << "\"/>\n"
        << "      <property name=\"shards\" value=\"" << xml_escape(shards) << "\"/>\n"
        << "    </properties>\n";
    for (const ojson& f : failures) {
        std::string message = f["outcome"].get<std::string>();
        for (const char* key : {"check", "reason"})
            if (!f[key].get<std::string>().empty())
                message += ": " + f[key].get<std::string>();
        const std::string file = f["file"].get<std::string>();
        std::string text = "scenario: " + file + "\n";
        std::string reproduce = file;
        if (f["shrunk"].is_string()) {
            reproduce = f["shrunk"].get<std::string>();
            const ojson& size = f["size"]["shrunk"];
            text += "shrunk: " + reproduce + " (" + std::to_string(size["faults"].get<int>()) +
                    " fault(s), " + std::to_string(size["requests"].get<int>()) + " request(s), " +
                    std::to_string(size["file_bytes"].get<int>()) + " bytes; the original " +
                    std::to_string(f["size"]["original"]["file_bytes"].get<int>()) + " bytes)\n";
        }
        text += "reproduce: ssifsim run " + reproduce + "\n";
        out << "    <testcase classname=\"" << classname << "\" time=\""
            << seconds(f.value("wall_seconds", 0.0)) << "\" name=\"seed "
            << f["seed"].get<uint64_t>() << "\">\n      <failure message=\"" << xml_escape(message)
            << "\">" << xml_escape(text) << "</failure>\n    </testcase>\n";
    }
    if (passed > 0)
        out << "    <testcase classname=\"" << classname << "\" time=\""
            << seconds(wall - failing_wall) << "\" name=\"" << passed << " seed(s) passed\"/>\n";
    out << "  </testsuite>\n</testsuites>\n";
}

} // namespace ssifsim::tools
