// Starts OpenIPMI's ipmi_sim (Debian package openipmi) for one run and stops it again: the
// configuration in a fresh temporary directory (lan.conf with a VM-protocol serial port on a
// free loopback port, the emulator commands, an empty state directory, so that nothing
// persists from run to run), the process in its own process group (a terminal's Ctrl-C
// reaches only ssifsim, which stops it in order) with SIGKILL as its parent-death signal (a
// second Ctrl-C or a crash of ssifsim leaves no ipmi_sim behind), and a connection to its
// VM port once it listens. The destructor stops it and removes the directory on every path.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace ssifsim::tools {

struct IpmiSimSetup {
    std::vector<std::string> emulator;  // ipmi_sim_cmd(5) lines, run at start (-f)
    std::vector<std::string> lan_conf;  // ipmi_lan(5) lines appended to the generated lan.conf
    uint64_t start_timeout_ms = 10'000; // wall clock, until its VM port accepts a connection
    std::string source;                 // what the messages name: "s.json: $.bmc.daemon"
};

class IpmiSimProcess {
  public:
    // Starts ipmi_sim and connects. Throws InputError (exit 2, nothing written yet) when
    // ipmi_sim is not installed (naming the package) or does not listen within the
    // timeout (with the last lines it printed: a bad emulator command shows there), and
    // std::runtime_error when the temporary directory or a socket cannot be made.
    explicit IpmiSimProcess(const IpmiSimSetup& setup);
    ~IpmiSimProcess();
    IpmiSimProcess(const IpmiSimProcess&) = delete;
    IpmiSimProcess& operator=(const IpmiSimProcess&) = delete;

    // The connected socket (VM protocol).
    int fd() const { return fd_; }
    pid_t pid() const { return pid_; }

    // Closes the connection and ipmi_sim's console (on which it exits by itself), then
    // SIGTERM after 2 s and SIGKILL after 1 s more; reaps it and removes the directory.
    // Idempotent.
    void stop();
    // After stop(): what ipmi_sim printed (the echo of its emulator commands and their
    // errors), line by line, prompts and carriage returns removed; and how it ended:
    // "exited with status 0", "killed by SIGKILL".
    const std::vector<std::string>& output() const { return output_; }
    const std::string& ending() const { return ending_; }

  private:
    void cleanup_directory();

    std::string dir_;
    pid_t pid_ = -1;
    int fd_ = -1;
    int console_ = -1; // the write end of ipmi_sim's stdin
    std::vector<std::string> output_;
    std::string ending_;
};

// The ipmi_sim executable on PATH, or "" if there is none.
std::string find_ipmi_sim();

} // namespace ssifsim::tools
