// Stops the simulation when every party that runs to completion (the host's requests, the
// zPCI MSI stream) says it is done. It pauses (sc_pause) rather than stops, so that a
// ThreadReaper can still unwind the threads left waiting.
#pragma once

#include <systemc>

namespace ssifsim {

class StopGate {
  public:
    void expect() { ++pending_; }
    void done() {
        if (pending_ > 0 && --pending_ == 0)
            sc_core::sc_pause();
    }

  private:
    int pending_ = 0;
};

} // namespace ssifsim
