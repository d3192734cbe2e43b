// workload.requests as users type them: ipmitool raw lines and named commands, expanded to
// the request bytes IPMI v2.0 lays out for each command.
#include <catch2/catch.hpp>

#include "tools/scenario.h"

using namespace ssifsim;
using namespace ssifsim::tools;

namespace {
std::vector<Bytes> payloads(const std::string& requests) {
    const Scenario s = parse_scenario(
        json::parse(R"({"version": 1, "workload": {"requests": )" + requests + "}}"), "w.json");
    std::vector<Bytes> out;
    for (const ssif::HostRequest& r : s.requests)
        out.push_back(r.payload);
    return out;
}

std::string error_of(const std::string& requests) {
    try {
        payloads(requests);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}
} // namespace

TEST_CASE("an ipmitool raw line is netfn, cmd and data, LUN 0", "[workload]") {
    // "0x0a 0x23 ...": netfn Storage 0x0a << 2 = 0x28, cmd 0x23 (Get SDR), then the data.
    CHECK(payloads(R"(["0x0a 0x23 0x01 0x00 0x00 0x00 0x00 0xff"])") ==
          std::vector<Bytes>{{0x28, 0x23, 0x01, 0x00, 0x00, 0x00, 0x00, 0xff}});
    // Decimal bytes too, and the object form with its time.
    CHECK(payloads(R"([{"at_ms": 5, "raw": "6 1"}])") == std::vector<Bytes>{{0x18, 0x01}});
    CHECK_THAT(error_of(R"(["0x0a"])"), Catch::Contains("needs at least a netfn and a cmd"));
    CHECK_THAT(error_of(R"(["0x0a 0x123"])"), Catch::Contains("\"0x123\" is not a byte"));
    CHECK_THAT(error_of(R"(["0x40 0x01"])"), Catch::Contains("netfn 0x40 out of range"));
    CHECK_THAT(error_of(R"([{"raw": "6 1", "netfn": 6}])"), Catch::Contains("give one of"));
}

TEST_CASE("named commands carry their request fields in IPMI v2.0's layout", "[workload]") {
    // Get Sensor Reading (§35.14): netfn 0x04 << 2 = 0x10, cmd 0x2d, sensor number.
    CHECK(payloads(R"([{"command": "get_sensor_reading", "sensor": 7}])") ==
          std::vector<Bytes>{{0x10, 0x2d, 0x07}});
    // Reserve SDR Repository (§33.11) and Get SDR Repository Info (§33.9): no data.
    CHECK(payloads(R"([{"command": "reserve_sdr_repository"},
                       {"command": "get_sdr_repository_info"}])") ==
          std::vector<Bytes>{{0x28, 0x22}, {0x28, 0x20}});
    // Read FRU Data (§34.2): FRU device, offset LS first, count.
    CHECK(payloads(R"([{"command": "read_fru_data", "fru": 1, "offset": 258, "bytes": 32}])") ==
          std::vector<Bytes>{{0x28, 0x11, 0x01, 0x02, 0x01, 0x20}});
    // Get SDR (§33.12): reservation LS first, record id LS first, offset, bytes (0xff, the
    // whole record, by default).
    CHECK(payloads(R"([{"command": "get_sdr", "reservation": 513, "record": 3}])") ==
          std::vector<Bytes>{{0x28, 0x23, 0x01, 0x02, 0x03, 0x00, 0x00, 0xff}});
    CHECK_THAT(error_of(R"([{"command": "get_sensor_reading"}])"),
               Catch::Contains("$.workload.requests[0].sensor: missing"));
    CHECK_THAT(error_of(R"([{"command": "get_sdrs"}])"),
               Catch::Contains("unknown command \"get_sdrs\" (accepted: get_device_id"));
    CHECK_THAT(error_of(R"([{"command": "get_device_id", "sensor": 1, "bogus": 1}])"),
               Catch::Contains("bogus"));
}

TEST_CASE("Get SDR in chunks is one request per chunk, each taking the next id", "[workload]") {
    // 56 bytes from offset 5, 16 at a time: offsets 5, 21, 37, 53 with 16, 16, 16 and the
    // last 56 - 48 = 8.
    const auto p = payloads(R"([{"command": "get_device_id"},
        {"command": "get_sdr", "reservation": 1, "record": 0, "offset": 5, "bytes": 56,
         "chunk": 16}, "6 1"])");
    CHECK(p == std::vector<Bytes>{{0x18, 0x01},
                                  {0x28, 0x23, 0x01, 0x00, 0x00, 0x00, 5, 16},
                                  {0x28, 0x23, 0x01, 0x00, 0x00, 0x00, 21, 16},
                                  {0x28, 0x23, 0x01, 0x00, 0x00, 0x00, 37, 16},
                                  {0x28, 0x23, 0x01, 0x00, 0x00, 0x00, 53, 8},
                                  {0x18, 0x01}});
    const Scenario s = parse_scenario(
        json::parse(R"({"version": 1, "workload": {"requests": [{"command": "get_sdr",
            "bytes": 20, "chunk": 16}, "6 1"]}})"),
        "w.json");
    REQUIRE(s.requests.size() == 3);
    CHECK(s.requests[2].id == 3);
    // A chunk needs a length to cut; a read past byte 255 cannot be named.
    CHECK_THAT(error_of(R"([{"command": "get_sdr", "chunk": 16}])"), Catch::Contains("needs"));
    CHECK_THAT(error_of(R"([{"command": "get_sdr", "offset": 250, "bytes": 10}])"),
               Catch::Contains("passes 256"));
}
