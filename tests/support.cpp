#include "tests/support.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace ssifsim::test {

std::string ssifsim_binary() {
    return SSIFSIM_BINARY;
}

std::string source_dir() {
    return SSIFSIM_SOURCE_DIR;
}

namespace {
CommandResult run_shell(const std::string& command) {
    CommandResult r;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe)
        throw std::runtime_error("popen failed: " + command);
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
        r.out.append(buf.data(), n);
    const int status = pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}
} // namespace

CommandResult run_command(const std::string& command) {
    return run_shell(command + " 2>&1");
}

CommandResult run_command_stdout(const std::string& command) {
    return run_shell(command);
}

std::string check_junit(const std::string& path) {
    return run_command(std::string(SSIFSIM_PYTHON3) + " " + source_dir() +
                       "/tests/junit_check.py " + path)
        .out;
}

std::string make_temp_dir(const std::string& tag) {
    std::string templ = "/tmp/ssifsim-test-" + tag + "-XXXXXX";
    if (!mkdtemp(templ.data()))
        throw std::runtime_error("mkdtemp failed");
    return templ;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::vector<nlohmann::json> log_lines(const std::string& jsonl) {
    std::vector<nlohmann::json> out;
    std::istringstream in(jsonl);
    for (std::string line; std::getline(in, line);)
        out.push_back(nlohmann::json::parse(line));
    return out;
}

std::vector<Event> select(const std::vector<Event>& events, const std::string& src,
                          const std::string& ev) {
    std::vector<Event> out;
    for (const Event& e : events)
        if (e.src == src && e.ev == ev)
            out.push_back(e);
    return out;
}

namespace {
const FieldValue& field(const Event& e, const std::string& key) {
    for (const Field& f : e.fields)
        if (f.key == key)
            return f.value;
    throw std::runtime_error("event " + std::string(e.src) + "/" + std::string(e.ev) +
                             " has no field " + key);
}
} // namespace

int64_t num_field(const Event& e, const std::string& key) {
    return std::get<int64_t>(field(e, key));
}

std::string str_field(const Event& e, const std::string& key) {
    return std::get<std::string>(field(e, key));
}

Bytes bytes_field(const Event& e, const std::string& key) {
    return std::get<Bytes>(field(e, key));
}

uint8_t hex_field(const Event& e, const std::string& key) {
    return std::get<Hex8>(field(e, key)).value;
}

bool flag_field(const Event& e, const std::string& key) {
    return std::get<bool>(field(e, key));
}

} // namespace ssifsim::test
