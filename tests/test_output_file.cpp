// OutputFile's bulk streams (the VCDs): past kDirectFrom bytes they are written past the page
// cache where the file system allows (O_DIRECT, in aligned chunks from a staging buffer), and
// must still hold exactly the bytes written, in order, whatever the sizes of the pieces,
// wherever the switch and a flush fall.
#include <catch2/catch.hpp>

#include <climits>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

#include "tests/support.h"
#include "tools/output_file.h"

using ssifsim::tools::OutputFile;
using ssifsim::tools::OutputFiles;

namespace {
// Whether this process has `path` open with O_DIRECT set (/proc/self/fdinfo's flags, octal).
bool open_with_o_direct(const std::string& path) {
    char real[PATH_MAX];
    if (!::realpath(path.c_str(), real))
        return false;
    for (int fd = 0; fd < 1024; ++fd) {
        char link[PATH_MAX];
        const std::string proc = "/proc/self/fd/" + std::to_string(fd);
        const ssize_t n = ::readlink(proc.c_str(), link, sizeof link - 1);
        if (n <= 0 || std::string(link, static_cast<size_t>(n)) != real)
            continue;
        std::ifstream info("/proc/self/fdinfo/" + std::to_string(fd));
        std::string key, flags;
        while (info >> key >> flags)
            if (key == "flags:")
                return (std::stoul(flags, nullptr, 8) & O_DIRECT) != 0;
    }
    return false;
}

// Whether the file system under `dir` takes O_DIRECT at all (tmpfs before Linux 6.6 does not).
bool takes_o_direct(const std::string& dir) {
    const std::string probe = dir + "/probe";
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_DIRECT, 0600);
    if (fd >= 0)
        ::close(fd);
    std::remove(probe.c_str());
    return fd >= 0;
}
} // namespace

TEST_CASE("OutputFile: a bulk stream holds exactly the bytes written, across its O_DIRECT "
          "switch",
          "[output]") {
    const std::string dir = ssifsim::test::make_temp_dir("output-bulk");
    const std::string path = dir + "/w.vcd";
    // 0: never direct; 1: from the first 4 KiB boundary; past the first megabyte piece; past
    // the flush (so never: a flush ends O_DIRECT for good, and the switch comes once).
    for (const uint64_t direct_from :
         {uint64_t{0}, uint64_t{1}, uint64_t{3'000'123}, uint64_t{OutputFile::kDirectFrom}}) {
        INFO("direct_from " << direct_from);
        { // a longer file there before: the stream truncates it
            OutputFiles before;
            before.prepare(path, OutputFile::Kind::Stream)->open() << std::string(5 << 20, 'x');
        }
        std::mt19937 rng(7);
        std::string expected;
        bool went_direct = false;
        {
            OutputFiles outputs;
            OutputFile* f = outputs.prepare(path, OutputFile::Kind::Bulk);
            f->set_direct_from(direct_from);
            std::ostream& out = f->open();
            // Pieces from none to over a megabyte, none of them aligned; a flush in the middle
            // (which leaves O_DIRECT: what follows it is written the ordinary way).
            for (int i = 0; i < 40; ++i) {
                const size_t size = i % 5 == 0 ? (1 << 20) + rng() % 9000 : rng() % 70000;
                std::string piece(size, '\0');
                for (char& c : piece)
                    c = static_cast<char>('a' + rng() % 26);
                if (i % 7 == 3 && !piece.empty()) // a byte at a time, through overflow()
                    for (char c : piece)
                        out.put(c);
                else
                    out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
                expected += piece;
                if (i == 20)
                    went_direct = open_with_o_direct(path);
                if (i == 29)
                    out.flush();
            }
            CHECK(f->commit() == "");
        }
        const std::string written = ssifsim::test::read_file(path);
        REQUIRE(written.size() == expected.size());
        CHECK(written == expected);
        // Some 20 MB in all: past the switch by piece 20 unless it lies beyond.
        const bool switches = direct_from != 0 && direct_from < 10'000'000;
        CHECK(went_direct == (switches && takes_o_direct(dir)));
    }
    std::remove(path.c_str());
    ::rmdir(dir.c_str());
}
