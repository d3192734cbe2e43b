// Stops the simulation when every party that runs to completion (the host's requests, the
// zPCI MSI stream) says it is done.
#pragma once

#include <systemc>

namespace ssifsim {

class StopGate {
  public:
    void expect() { ++pending_; }
    void done() {
        if (pending_ > 0 && --pending_ == 0)
            sc_core::sc_stop();
    }

  private:
    int pending_ = 0;
};

} // namespace ssifsim
