#include "tools/child.h"

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

namespace ssifsim::tools {

bool write_all(int fd, const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n <= 0)
            return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

ChildOutcome run_in_child(const std::function<int(int report_fd)>& body,
                          const std::function<void(pid_t)>& started) {
    int pipe_fd[2];
    // The errno names the cause (a process out of descriptors: "Too many open files").
    if (pipe(pipe_fd) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe");
    std::cout.flush(); // else the child would print the parent's buffered output again
    std::cerr.flush();
    const pid_t pid = fork();
    if (pid < 0) {
        const int error = errno;
        close(pipe_fd[0]);
        close(pipe_fd[1]);
        throw std::system_error(error, std::generic_category(), "fork");
    }
    if (pid == 0) {
        close(pipe_fd[0]);
        const int code = body(pipe_fd[1]);
        std::cout.flush();
        _exit(code);
    }
    close(pipe_fd[1]);
    if (started)
        started(pid);
    ChildOutcome out;
    char buf[4096];
    for (ssize_t got; (got = read(pipe_fd[0], buf, sizeof buf)) > 0;)
        out.output.append(buf, static_cast<size_t>(got));
    close(pipe_fd[0]);
    if (wait4(pid, &out.status, 0, &out.usage) < 0)
        throw std::system_error(errno, std::generic_category(), "wait4");
    return out;
}

} // namespace ssifsim::tools
