#include "tools/output_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "tools/json_reader.h"

namespace ssifsim::tools {

// A stream buffer over a file descriptor that remembers the first failed write's errno;
// after it, output is dropped (the file is reported as failed at commit).
class OutputFile::FdBuf : public std::streambuf {
  public:
    explicit FdBuf(int fd) : fd_(fd), buf_(1 << 16) {
        setp(buf_.data(), buf_.data() + buf_.size());
    }
    int error() const { return error_; }
    // After the close: anything written later is dropped.
    void detach() {
        setp(buf_.data(), buf_.data() + buf_.size());
        fd_ = -1;
    }

    // Writes what is buffered; false if a write failed, now or before.
    bool drain() {
        write_all(pbase(), static_cast<size_t>(pptr() - pbase()));
        setp(buf_.data(), buf_.data() + buf_.size());
        return error_ == 0;
    }

  protected:
    int_type overflow(int_type ch) override {
        if (!drain())
            return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }
    // A block at least as large as the buffer (a VCD's megabyte) goes to the file as it is,
    // after what is buffered, rather than copied through the buffer 64 KiB at a time.
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        if (static_cast<size_t>(n) < buf_.size())
            return std::streambuf::xsputn(s, n);
        if (!drain())
            return 0;
        write_all(s, static_cast<size_t>(n));
        return error_ == 0 ? n : 0;
    }
    int sync() override { return drain() ? 0 : -1; }

  private:
    void write_all(const char* p, size_t left) {
        while (left > 0 && error_ == 0 && fd_ >= 0) {
            const ssize_t n = ::write(fd_, p, left);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                error_ = n < 0 ? errno : EIO;
                break;
            }
            p += n;
            left -= static_cast<size_t>(n);
        }
    }

    int fd_;
    std::vector<char> buf_;
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
    direct_ = kind_ == Kind::Stream || (exists && !S_ISREG(st.st_mode));
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
    if (kind_ == Kind::Stream && ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) &&
        ::ftruncate(fd_, 0) != 0)
        open_error_ = errno;
    buf_ = std::make_unique<FdBuf>(fd_);
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
