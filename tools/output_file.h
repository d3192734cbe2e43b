// The run's output files, written so that they never lie: every write and the close are
// checked (a failure is reported naming the file: exit 3), every output is opened
// before any is truncated, and documents (report, JUnit) are written to a temporary file
// beside the target and renamed over it only when complete.
#pragma once

#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

namespace ssifsim::tools {

class OutputFile {
  public:
    // Stream: written in place as the run goes (the event log), so that it can be followed;
    // Bulk: a Stream written in large blocks (the VCDs), past the page cache (O_DIRECT) from
    // kDirectFrom bytes on where the file system allows, which spares the kernel's copy of
    // gigabytes (the last unaligned bytes are written at the commit); Document: written whole
    // at the end, atomically.
    enum class Kind { Stream, Bulk, Document };
    // Where a Bulk file goes past the page cache: a smaller one (most runs' waveforms) stays
    // in it, so that a slow disk does not hold the simulation back.
    static constexpr uint64_t kDirectFrom = uint64_t{128} << 20;

    OutputFile(std::string path, Kind kind);
    // Removes what this run created and did not commit (a new empty file, a temporary).
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    // Opens the file for writing without changing it (creates it if missing) or, for a
    // document, creates the temporary beside it. Throws InputError if it cannot.
    void prepare();
    // Truncates an existing stream file (call once every output is prepared) and returns
    // the stream to write to (if the truncation fails, commit() reports it).
    std::ostream& open();
    // Flushes and closes, and puts a document in place. Returns "" or, if any write, the flush
    // or the close failed, the error naming the file. (No exception: after a simulation,
    // unwinding confuses ASan, whose view of the stack SystemC's thread switches changed.)
    std::string commit();
    // A Bulk file's kDirectFrom, in bytes (tests); call before open().
    void set_direct_from(uint64_t bytes) { direct_from_ = bytes; }

    const std::string& path() const { return path_; }

  private:
    class FdBuf;
    std::string failure(int err) const;

    std::string path_;
    Kind kind_;
    int fd_ = -1;
    bool created_ = false;  // the file did not exist before this run
    bool direct_ = false;   // a document written in place: the target is a device or FIFO
    std::string temp_path_; // a document's temporary, until renamed
    bool committed_ = false;
    int open_error_ = 0; // the truncation in open() failed
    uint64_t direct_from_ = kDirectFrom;
    std::unique_ptr<FdBuf> buf_;
    std::unique_ptr<std::ostream> stream_;
};

// The outputs of one command, prepared together: each is opened before any is written or
// truncated, so a bad path is found before anything changes on disk, and what a failed
// prepare created is removed again when they go.
class OutputFiles {
  public:
    // Prepares `path` (OutputFile::prepare; throws InputError if it cannot); nullptr for an
    // empty path, an output not asked for.
    OutputFile* prepare(const std::string& path, OutputFile::Kind kind);

  private:
    std::vector<std::unique_ptr<OutputFile>> files_;
};

} // namespace ssifsim::tools
