// ssifsim's exit statuses, one table for every command (README: Usage).
#ifndef SSIFSIM_TOOLS_EXIT_CODES_H
#define SSIFSIM_TOOLS_EXIT_CODES_H

namespace ssifsim::tools {

constexpr int kExitPass = 0;        // every check passed (compare: the logs are identical)
constexpr int kExitCheckFailed = 1; // a check failed (compare: the logs differ)
constexpr int kExitBadInput = 2;    // bad input or environment; nothing written
constexpr int kExitInternal = 3;    // an internal error, or a run that did not end normally
constexpr int kExitOutput = 3;      // an output could not be written completely (a full disk)

} // namespace ssifsim::tools

#endif
