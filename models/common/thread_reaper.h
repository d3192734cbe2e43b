// Unwinds the threads a simulation leaves suspended. At exit SystemC frees a suspended
// SC_THREAD's stack without unwinding it, so whatever its frames own (a request's bytes, a
// bus transfer's result) is never freed. sc_process_handle::kill (IEEE 1666-2011, 5.6.6)
// unwinds a thread's stack, running its destructors, but only when called from a process:
// from sc_main SystemC 2.3 crashes. So the reaper is a thread of its own.
#pragma once

#include <systemc>

namespace ssifsim {

class ThreadReaper : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(ThreadReaper);
    explicit ThreadReaper(sc_core::sc_module_name name);

    // Call from sc_main once sc_start has returned with the simulation paused (sc_pause, or
    // the end time reached), not stopped: runs one delta cycle at the current time in which
    // every other thread that has not terminated is killed. Other processes due in that
    // delta may run too, so nothing they do may still reach an output.
    void reap();

  private:
    void run(); // SC_THREAD
    sc_core::sc_event reap_;
};

} // namespace ssifsim
