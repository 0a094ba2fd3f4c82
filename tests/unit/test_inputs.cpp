#include <doctest/doctest.h>

#include "flowsleuth/inputs.hpp"
#include "flowsleuth/time_util.hpp"
#include "temp_files.hpp"

using namespace flowsleuth;

TEST_CASE("S3 key times come from the documented file name and date folders") {
  std::int64_t span = 0;
  SUBCASE("file name: 5 minutes of end times") {
    const auto t = key_time_of(
        "bucket/AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/"
        "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
        span);
    CHECK(t == parse_time("2018-06-20T16:20Z"));
    CHECK(span == 300);
  }
  SUBCASE("day and hour folders") {
    CHECK(key_time_of("AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/05/01/x.log.gz", span) ==
          parse_time("2024-05-01"));
    CHECK(span == 86400);
    CHECK(key_time_of("AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/05/01/13/x.log.gz", span) ==
          parse_time("2024-05-01T13:00Z"));
    CHECK(span == 3600);
  }
  SUBCASE("Hive-compatible partitions") {
    CHECK(key_time_of("p/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/"
                      "year=2024/month=05/day=01/hour=07/f.log.gz",
                      span) == parse_time("2024-05-01T07:00Z"));
    CHECK(span == 3600);
  }
  SUBCASE("paths without a key time") {
    CHECK_FALSE(key_time_of("logs/2024/05/01/flows.log", span));  // numbers outside vpcflowlogs/<region>/
    CHECK_FALSE(key_time_of("flows.log.gz", span));
  }
}

TEST_CASE("directories are listed recursively, in key-time order, and pruned by --since/--until") {
  test::temp_dir dir;
  const std::string base = "AWSLogs/1/vpcflowlogs/us-east-1/2024/05/01/";
  auto name = [&](const char* hhmm) {
    return base + "1_vpcflowlogs_us-east-1_fl-1_20240501T" + hhmm + "Z_abc.log.gz";
  };
  dir.write(name("1410"), "x");
  dir.write(name("1400"), "x");
  dir.write(name("1200"), "x");
  dir.write(name("1600"), "x");
  dir.write(base + ".hidden", "x");
  auto all = collect_inputs({dir.path()}, {});
  REQUIRE(all.files.size() == 4);
  CHECK(all.files[0].path.find("T1200Z") != std::string::npos);
  CHECK(all.files[1].path.find("T1400Z") != std::string::npos);
  CHECK(all.files[3].path.find("T1600Z") != std::string::npos);

  time_window w;
  w.since = parse_time("2024-05-01T14:12Z");  // 14:00 object: end times to 14:05, plus 11 min margin → kept
  w.until = parse_time("2024-05-01T14:30Z");
  auto some = collect_inputs({dir.path()}, w);
  CHECK(some.pruned == 2);
  REQUIRE(some.files.size() == 2);
  CHECK(some.files[0].path.find("T1400Z") != std::string::npos);
  CHECK(some.files[1].path.find("T1410Z") != std::string::npos);
}

TEST_CASE("a missing path is reported, not fatal for the others") {
  test::temp_dir dir;
  const auto good = dir.write("a.log", "x");
  auto r = collect_inputs({good, dir.path() + "/missing.log"}, {});
  CHECK(r.files.size() == 1);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].find("no such file") != std::string::npos);
}
