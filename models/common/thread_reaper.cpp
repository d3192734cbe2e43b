#include "models/common/thread_reaper.h"

#include <vector>

namespace ssifsim {

namespace {
void collect_threads(const std::vector<sc_core::sc_object*>& objects,
                     std::vector<sc_core::sc_process_handle>* out) {
    for (sc_core::sc_object* o : objects) {
        const sc_core::sc_process_handle h(o);
        if (h.valid() && h.proc_kind() == sc_core::SC_THREAD_PROC_)
            out->push_back(h);
        collect_threads(o->get_child_objects(), out);
    }
}
} // namespace

ThreadReaper::ThreadReaper(sc_core::sc_module_name name) : sc_module(name) {
    SC_THREAD(run);
}

void ThreadReaper::reap() {
    if (sc_core::sc_get_status() != sc_core::SC_PAUSED)
        return;     // not started, or stopped for good: no delta cycle can run
    reap_.notify(); // immediate: run() is runnable in the next sc_start
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
}

void ThreadReaper::run() {
    wait(reap_);
    const sc_core::sc_process_handle self = sc_core::sc_get_current_process_handle();
    std::vector<sc_core::sc_process_handle> threads;
    collect_threads(sc_core::sc_get_top_level_objects(), &threads);
    for (sc_core::sc_process_handle& h : threads)
        if (h != self && !h.terminated())
            h.kill();
}

} // namespace ssifsim
