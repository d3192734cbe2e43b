// SIGINT, SIGTERM and SIGHUP during `ssifsim run`: the first one only sets a flag; the runner
// sees it at the next event other than a wire byte (or a model at its next wait,
// pause_requested: a run that logs nothing for long), stops the simulation at the current
// time (the event being logged completes its line), and closes and writes every output marked
// interrupted. The command then exits 128 + the signal's number (130, 143, 129). A second signal
// while that is under way ends the process at once, by the signal.
#pragma once

#include <csignal>

namespace ssifsim::tools {

// The signals that stop a run (and bench, which passes them on to its workload's run).
constexpr int kInterruptSignals[] = {SIGINT, SIGTERM, SIGHUP};

void install_interrupt_handlers();
// The signal that asked the run to stop, or 0.
int interrupt_signal();
// "SIGINT", "SIGTERM", "SIGHUP".
const char* signal_name(int signo);

} // namespace ssifsim::tools
