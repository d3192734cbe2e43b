#include "tools/ipmi_sim_process.h"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "tools/json_reader.h"

namespace ssifsim::tools {

namespace {

std::string errno_text() {
    return std::strerror(errno);
}

// A loopback port nobody listens on now (the kernel's pick for port 0). Another process may
// take it before ipmi_sim binds it; then ipmi_sim does not listen and the start fails with
// its own message.
// A TCP socket and 127.0.0.1:port for it.
int tcp_socket() {
    const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        throw std::runtime_error("ipmi_sim: socket: " + errno_text());
    return s;
}
sockaddr_in loopback(uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return a;
}

uint16_t free_loopback_port() {
    const int s = tcp_socket();
    sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        const std::string why = errno_text();
        ::close(s);
        throw std::runtime_error("ipmi_sim: finding a free loopback port: " + why);
    }
    ::close(s);
    return ntohs(a.sin_port);
}

int try_connect(uint16_t port) {
    const int s = tcp_socket();
    sockaddr_in a = loopback(port);
    if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0)
        return s;
    ::close(s);
    return -1;
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out)
        throw std::runtime_error("ipmi_sim: cannot write " + path);
}

std::string describe_status(int status) {
    if (WIFEXITED(status))
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        const char* name = sig == SIGKILL ? "SIGKILL" : sig == SIGTERM ? "SIGTERM" : nullptr;
        return std::string("killed by ") + (name ? name : "signal " + std::to_string(sig));
    }
    return "ended (status " + std::to_string(status) + ")";
}

// ipmi_sim's console output: lines, with the "\r" and "> " prompts it draws removed.
std::vector<std::string> output_lines(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        for (bool changed = true; changed;) {
            changed = false;
            if (!line.empty() && (line.front() == '\r' || line.front() == ' ')) {
                line.erase(0, 1);
                changed = true;
            }
            if (line.compare(0, 2, "> ") == 0 || line == ">") {
                line.erase(0, std::min<size_t>(2, line.size()));
                changed = true;
            }
        }
        while (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (!line.empty())
            lines.push_back(line);
    }
    return lines;
}

// Waits up to `ms` for the child to end; true if it did (status in *status).
bool reap_within(pid_t pid, int ms, int* status) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
        const pid_t r = ::waitpid(pid, status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD))
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

} // namespace

std::string find_ipmi_sim() {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/ipmi_sim";
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return "";
}

IpmiSimProcess::IpmiSimProcess(const IpmiSimSetup& setup) {
    const std::string binary = find_ipmi_sim();
    if (binary.empty())
        throw InputError(setup.source +
                         ": backend \"ipmi_sim\": ipmi_sim is not on PATH; install Debian's "
                         "package openipmi (apt-get install openipmi, or scripts/setup.sh)");
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/ssifsim-ipmi_sim-XXXXXX";
    if (!::mkdtemp(templ.data()))
        throw std::runtime_error("ipmi_sim: cannot make a temporary directory: " + errno_text());
    dir_ = templ;
    try {
        const std::string state = dir_ + "/state";
        if (::mkdir(state.c_str(), 0700) != 0)
            throw std::runtime_error("ipmi_sim: cannot make " + state + ": " + errno_text());
        const uint16_t port = free_loopback_port();
        // Channel 15 is the system interface (IPMI v2.0 §6.3); the BMC's MC is at 0x20.
        std::string conf = "# written by ssifsim for " + setup.source +
                           "\nname \"ssifsim\"\nset_working_mc 0x20\n  serial 15 127.0.0.1 " +
                           std::to_string(port) + " codec VM\n";
        for (const std::string& line : setup.lan_conf)
            conf += line + "\n";
        write_file(dir_ + "/lan.conf", conf);
        std::string emu;
        for (const std::string& line : setup.emulator)
            emu += line + "\n";
        write_file(dir_ + "/sim.emu", emu);
        const std::string out_path = dir_ + "/output.txt";

        int console[2];
        if (::pipe2(console, O_CLOEXEC) != 0)
            throw std::runtime_error("ipmi_sim: pipe: " + errno_text());
        const pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ < 0) {
            ::close(console[0]);
            ::close(console[1]);
            throw std::runtime_error("ipmi_sim: fork: " + errno_text());
        }
        if (pid_ == 0) {
            // Its own process group: a terminal's SIGINT is for ssifsim, which stops ipmi_sim
            // itself. SIGKILL when ssifsim dies without doing so.
            ::setpgid(0, 0);
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent)
                ::_exit(127);
            const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (out < 0 || ::dup2(console[0], 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0)
                ::_exit(127);
            const std::string conf_path = dir_ + "/lan.conf", emu_path = dir_ + "/sim.emu";
            const char* argv[] = {binary.c_str(),   "-c", conf_path.c_str(), "-f",
                                  emu_path.c_str(), "-s", state.c_str(),     nullptr};
            ::execv(binary.c_str(), const_cast<char* const*>(argv));
            ::_exit(127);
        }
        ::close(console[0]);
        console_ = console[1];

        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(setup.start_timeout_ms);
        int status = 0;
        for (;;) {
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_) {
                pid_ = -1;
                std::string said;
                for (const std::string& line : output_lines(out_path))
                    said += "\n  " + line;
                throw InputError(
                    setup.source + ": ipmi_sim " + describe_status(status) +
                    " before it listened on its VM port" +
                    (said.empty() ? std::string(" (it printed nothing)") : "; it printed:" + said));
            }
            fd_ = try_connect(port);
            if (fd_ >= 0)
                break;
            // ipmi_sim prints "**Unknown command: ..." (or another "**" error) for an emulator
            // line it refuses and reads no further lines: it will not listen, so say so now
            // rather than at the timeout.
            const std::vector<std::string> lines = output_lines(out_path);
            for (const std::string& line : lines)
                if (line.rfind("**", 0) == 0) {
                    std::string said;
                    for (const std::string& l : lines)
                        said += "\n  " + l;
                    throw InputError(setup.source +
                                     ": ipmi_sim refused an emulator command and stopped "
                                     "reading them (" +
                                     line.substr(2) + "); it printed:" + said);
                }
            if (std::chrono::steady_clock::now() >= deadline) {
                std::string said;
                for (const std::string& line : output_lines(out_path))
                    said += "\n  " + line;
                throw InputError(setup.source + ": ipmi_sim did not listen on its VM port within " +
                                 std::to_string(setup.start_timeout_ms) + " ms" +
                                 (said.empty() ? std::string() : "; it printed:" + said));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    } catch (...) {
        stop();
        throw;
    }
}

IpmiSimProcess::~IpmiSimProcess() {
    stop();
}

void IpmiSimProcess::stop() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    if (console_ >= 0) {
        ::close(console_); // end of its console input: ipmi_sim exits by itself
        console_ = -1;
    }
    if (pid_ > 0) {
        int status = 0;
        if (!reap_within(pid_, 2000, &status)) {
            ::kill(pid_, SIGTERM);
            if (!reap_within(pid_, 1000, &status)) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
            }
        }
        ending_ = describe_status(status);
        pid_ = -1;
    }
    cleanup_directory();
}

void IpmiSimProcess::cleanup_directory() {
    if (dir_.empty())
        return;
    output_ = output_lines(dir_ + "/output.txt");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
}

} // namespace ssifsim::tools
