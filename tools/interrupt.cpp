#include "tools/interrupt.h"

#include <csignal>

#include "models/common/sim_time.h"

namespace ssifsim::tools {

namespace {
volatile std::sig_atomic_t g_signal = 0;

void on_signal(int signo) {
    if (g_signal != 0) { // the second: go now
        std::signal(signo, SIG_DFL);
        std::raise(signo);
        return;
    }
    g_signal = signo;
    // The runner's sink stops the run at the next event (not a wire byte); a run logging
    // nothing for long stops at the next model wait.
    pause_requested().store(true, std::memory_order_relaxed);
}
} // namespace

void install_interrupt_handlers() {
    struct sigaction sa = {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int signo : kInterruptSignals)
        sigaction(signo, &sa, nullptr);
}

int interrupt_signal() {
    return g_signal;
}

const char* signal_name(int signo) {
    switch (signo) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
    }
}

} // namespace ssifsim::tools
