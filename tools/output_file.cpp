#include "tools/output_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/json_reader.h"

namespace ssifsim::tools {

// A stream buffer over a file descriptor that remembers the first failed write's errno;
// after it, output is dropped (the file is reported as failed at commit).
//
// With `direct_from` (a bulk stream: the VCDs) the bytes from that offset on are written
// past the page cache (O_DIRECT), sparing the kernel's copy of gigabytes; the first ones go
// through it, so that a waveform of ordinary size never waits for a slow disk. open(2) (NOTES,
// O_DIRECT) wants the buffer, the length and the file offset aligned to the device's logical
// block size (kAlign covers the sizes in use): the bytes are copied into an aligned staging
// buffer and written in whole chunks from an aligned offset. The first drain (sync, commit)
// clears O_DIRECT and writes the unaligned rest through the page cache, as it does all that
// follows. Where the file system refuses O_DIRECT (fcntl or the write fails with EINVAL) the
// file is written the ordinary way, with no error and no byte lost.
class OutputFile::FdBuf : public std::streambuf {
  public:
    FdBuf(int fd, uint64_t direct_from) : fd_(fd), direct_from_(direct_from) {
        const off_t at = ::lseek(fd_, 0, SEEK_CUR);
        offset_ = at > 0 ? static_cast<uint64_t>(at) : 0;
        allocate(kBuffer);
    }
    int error() const { return error_; }
    // After the close: anything written later is dropped.
    void detach() {
        reset();
        fd_ = -1;
    }

    // Writes what is buffered (and leaves O_DIRECT: the tail need not be aligned); false if
    // a write failed, now or before.
    bool drain() {
        const size_t used = static_cast<size_t>(pptr() - pbase());
        size_t done = 0;
        if (odirect_) {
            done = used / kAlign * kAlign;
            write_all(area_.get(), done);
            stop_direct();
        }
        write_all(area_.get() + done, used - done);
        reset();
        return error_ == 0;
    }

  protected:
    int_type overflow(int_type ch) override {
        if (!odirect_) {
            if (!drain())
                return traits_type::eof();
        } else if (pptr() == epptr()) {
            write_all(area_.get(), size_); // the staging buffer is full: whole chunks
            reset();
        }
        if (error_ != 0)
            return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        const std::streamsize taken = n; // all of it, or 0 after a failed write
        const size_t buffered = static_cast<size_t>(pptr() - pbase());
        if (!odirect_ && direct_from_ != 0 &&
            offset_ + buffered + static_cast<size_t>(n) > direct_from_)
            go_direct(s, n);
        if (odirect_) {
            // Every byte goes through the aligned staging buffer, written whenever full.
            for (std::streamsize left = n; left > 0 && error_ == 0;) {
                if (pptr() == epptr() &&
                    traits_type::eq_int_type(overflow(traits_type::eof()), traits_type::eof()))
                    break;
                const std::streamsize k = std::min<std::streamsize>(left, epptr() - pptr());
                std::memcpy(pptr(), s, static_cast<size_t>(k));
                pbump(static_cast<int>(k));
                s += k;
                left -= k;
            }
            return error_ == 0 ? taken : 0;
        }
        // A block at least as large as the buffer (a VCD's megabyte) goes to the file as it is,
        // after what is buffered, rather than copied through the buffer 64 KiB at a time.
        if (static_cast<size_t>(n) < size_)
            return std::streambuf::xsputn(s, n) + (taken - n);
        if (!drain())
            return 0;
        write_all(s, static_cast<size_t>(n));
        return error_ == 0 ? taken : 0;
    }
    int sync() override { return drain() ? 0 : -1; }

  private:
    static constexpr size_t kAlign = 4096;
    static constexpr size_t kBuffer = size_t{1} << 16;
    static constexpr size_t kStage = size_t{1} << 20;
    struct Free {
        void operator()(char* p) const { std::free(p); }
    };

    void allocate(size_t size) {
        void* p = nullptr;
        if (::posix_memalign(&p, kAlign, size) != 0)
            throw std::bad_alloc();
        area_.reset(static_cast<char*>(p));
        size_ = size;
        reset();
    }
    void reset() { setp(area_.get(), area_.get() + size_); }

    // At `direct_from_`, once only: drains what is buffered, writes the head of `s` that
    // brings the file offset to a multiple of kAlign the ordinary way (consuming it from `s`
    // and `n`), then sets O_DIRECT on a regular file and takes the staging buffer.
    void go_direct(const char*& s, std::streamsize& n) {
        direct_from_ = 0;
        if (!drain())
            return;
        const size_t head =
            std::min<size_t>((kAlign - offset_ % kAlign) % kAlign, static_cast<size_t>(n));
        write_all(s, head);
        s += head;
        n -= static_cast<std::streamsize>(head);
        struct stat st;
        if (error_ != 0 || offset_ % kAlign != 0 || ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode))
            return;
        const int flags = ::fcntl(fd_, F_GETFL);
        if (flags < 0 || ::fcntl(fd_, F_SETFL, flags | O_DIRECT) != 0)
            return;
        odirect_ = true;
        allocate(kStage);
    }
    void stop_direct() {
        if (!odirect_)
            return;
        odirect_ = false;
        const int flags = ::fcntl(fd_, F_GETFL);
        // Still O_DIRECT, the ordinary writes of an unaligned tail would fail.
        if ((flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0) && error_ == 0)
            error_ = errno;
    }

    // Writes `left` bytes at `p`. With O_DIRECT (from the staging buffer, `left` a multiple
    // of kAlign) an EINVAL (O_DIRECT refused) or a short write off the alignment ends it, and
    // the rest goes the ordinary way.
    void write_all(const char* p, size_t left) {
        while (left > 0 && error_ == 0 && fd_ >= 0) {
            const ssize_t n = ::write(fd_, p, left);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno == EINVAL && odirect_) {
                stop_direct();
                continue;
            }
            if (n <= 0) {
                error_ = n < 0 ? errno : EIO;
                break;
            }
            p += n;
            left -= static_cast<size_t>(n);
            offset_ += static_cast<uint64_t>(n);
            if (odirect_ && static_cast<size_t>(n) % kAlign != 0)
                stop_direct();
        }
    }

    int fd_;
    uint64_t direct_from_; // the offset to go O_DIRECT at; 0: not (any more)
    uint64_t offset_ = 0;  // the file offset: what was written
    bool odirect_ = false; // O_DIRECT is set; the put area is the aligned staging buffer
    size_t size_ = 0;
    std::unique_ptr<char, Free> area_;
    int error_ = 0;
};

OutputFile::OutputFile(std::string path, Kind kind) : path_(std::move(path)), kind_(kind) {}

OutputFile::~OutputFile() {
    stream_.reset();
    buf_.reset();
    if (fd_ >= 0)
        ::close(fd_);
    if (!committed_) {
        if (!temp_path_.empty())
            ::unlink(temp_path_.c_str());
        else if (created_)
            ::unlink(path_.c_str());
    }
}

std::string OutputFile::failure(int err) const {
    return path_ + ": cannot write: " + std::strerror(err) +
           "; the outputs of this run are incomplete";
}

void OutputFile::prepare() {
    struct stat st;
    const bool exists = ::stat(path_.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        throw InputError(path_ + ": cannot open for writing: it is a directory");
    direct_ = kind_ != Kind::Document || (exists && !S_ISREG(st.st_mode));
    if (direct_) {
        // No O_TRUNC: nothing is changed until every output could be opened.
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
        if (fd_ < 0)
            throw InputError(path_ + ": cannot open for writing: " + std::strerror(errno));
        created_ = !exists;
        return;
    }
    // A document: a temporary in the same directory, so that the rename is atomic.
    const size_t slash = path_.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : path_.substr(0, slash + 1);
    const std::string base = slash == std::string::npos ? path_ : path_.substr(slash + 1);
    std::string temp = dir + "." + base + ".tmp-XXXXXX";
    fd_ = ::mkstemp(temp.data());
    if (fd_ < 0)
        throw InputError(path_ + ": cannot open for writing: " + std::strerror(errno));
    temp_path_ = temp;
    ::fcntl(fd_, F_SETFD, FD_CLOEXEC);
    // mkstemp makes it 0600; the document gets what a new file would (0666 less the umask),
    // or the mode of the file it replaces.
    mode_t mode = 0666;
    if (exists) {
        mode = st.st_mode & 07777;
    } else {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        mode &= ~mask;
    }
    ::fchmod(fd_, mode);
}

std::ostream& OutputFile::open() {
    struct stat st;
    if (kind_ != Kind::Document && ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) &&
        ::ftruncate(fd_, 0) != 0)
        open_error_ = errno;
    buf_ = std::make_unique<FdBuf>(fd_, kind_ == Kind::Bulk && open_error_ == 0 ? direct_from_ : 0);
    stream_ = std::make_unique<std::ostream>(buf_.get());
    return *stream_;
}

std::string OutputFile::commit() {
    if (!buf_)
        open();
    if (open_error_)
        return failure(open_error_);
    stream_->flush();
    if (!buf_->drain())
        return failure(buf_->error());
    // A document reaches the disk before its name does.
    struct stat st;
    if (!direct_ && ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && ::fsync(fd_) != 0)
        return failure(errno);
    const int fd = fd_;
    fd_ = -1;
    buf_->detach();
    if (::close(fd) != 0)
        return failure(errno);
    if (!temp_path_.empty()) {
        if (::rename(temp_path_.c_str(), path_.c_str()) != 0)
            return failure(errno);
        temp_path_.clear();
    }
    committed_ = true;
    return "";
}

OutputFile* OutputFiles::prepare(const std::string& path, OutputFile::Kind kind) {
    if (path.empty())
        return nullptr;
    files_.push_back(std::make_unique<OutputFile>(path, kind));
    files_.back()->prepare();
    return files_.back().get();
}

} // namespace ssifsim::tools
