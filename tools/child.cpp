#include "tools/child.h"

#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <sys/wait.h>
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
    if (pipe(pipe_fd) != 0)
        throw std::runtime_error("pipe failed");
    std::cout.flush(); // else the child would print the parent's buffered output again
    std::cerr.flush();
    const pid_t pid = fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
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
        throw std::runtime_error("wait4 failed");
    return out;
}

} // namespace ssifsim::tools
