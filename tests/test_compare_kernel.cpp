// run --compare-kernel's log comparison (tools/compare_kernel.h).
#include <catch2/catch.hpp>

#include "tools/compare_kernel.h"

using namespace ssifsim::tools;

TEST_CASE("compare-kernel: equal logs have no difference, a warn's text is not compared") {
    const std::vector<std::string> model = {
        R"({"t_ns":0,"src":"bmc","ev":"warn","level":"debug","text":"unexpected SLAVE STOP"})",
        R"({"t_ns":5,"src":"bmc","ev":"state","from":"START","to":"READY","on":"stop"})"};
    const std::vector<std::string> kernel = {
        R"({"t_ns":0,"src":"bmc","ev":"warn","level":"debug","text":"Warn: on_stop_event"})",
        R"({"t_ns":5,"src":"bmc","ev":"state","from":"START","to":"READY","on":"stop"})"};
    CHECK_FALSE(diff_event_logs(model, kernel));
}

TEST_CASE("compare-kernel: the first differing event, a level, a field or a missing event") {
    const std::string a = R"({"t_ns":0,"src":"bmc","ev":"warn","level":"warn","text":"x"})";
    const std::string b = R"({"t_ns":0,"src":"bmc","ev":"warn","level":"debug","text":"x"})";
    const std::string c = R"({"t_ns":7,"src":"bmc","ev":"timer_armed","jiffies":50})";
    auto d = diff_event_logs({c, a, c}, {c, b, c});
    REQUIRE(d);
    REQUIRE(d->pairs.size() == 1); // the third events are equal again
    CHECK(d->pairs[0].index == 1);
    CHECK(d->pairs[0].model == a);
    CHECK(d->pairs[0].kernel == b);
    d = diff_event_logs({c, c}, {c});
    REQUIRE(d);
    REQUIRE(d->pairs.size() == 1);
    CHECK(d->pairs[0].index == 1);
    CHECK(d->model_events == 2);
    CHECK(d->pairs[0].kernel.empty());
    CHECK(describe_event_line(c) == "t=0.000007 ms bmc timer_armed jiffies=50");
}
