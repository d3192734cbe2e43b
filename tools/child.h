// Runs a piece of work in a forked child process. SystemC elaborates once per process, so
// every simulation after the first (sweep seeds, benchmark workloads) runs in a child; the
// child reports through a pipe, and wait4 gives its own resource usage (peak RSS).
#pragma once

#include <functional>
#include <string>
#include <sys/resource.h>
#include <sys/types.h>

namespace ssifsim::tools {

struct ChildOutcome {
    int status = 0;      // as waitpid gives it
    std::string output;  // what the child wrote to its report descriptor
    struct rusage usage; // the child's alone
};

// Forks; the child calls `body` with the write end of the pipe and exits with its return
// value (without running the parent's destructors or atexit handlers). `started`, if given,
// is called in the parent with the child's pid once it runs, before the parent waits.
ChildOutcome run_in_child(const std::function<int(int report_fd)>& body,
                          const std::function<void(pid_t)>& started = {});

// Writes all of `text` to `fd`; false on an error.
bool write_all(int fd, const std::string& text);

} // namespace ssifsim::tools
