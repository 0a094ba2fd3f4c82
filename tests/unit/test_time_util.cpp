#include <doctest/doctest.h>

#include "flowsleuth/time_util.hpp"

using namespace flowsleuth;

TEST_CASE("times parse from Unix seconds and ISO 8601 UTC") {
  CHECK(parse_time("1566848875") == 1566848875);
  CHECK(parse_time("2019-08-26T19:47:55Z") == 1566848875);
  CHECK(parse_time("2019-08-26T19:47:55") == 1566848875);
  CHECK(parse_time("2019-08-26 19:47:55") == 1566848875);
  CHECK(parse_time("2019-08-26T19:47Z") == 1566848820);
  CHECK(parse_time("2019-08-26") == 1566777600);
  CHECK(parse_time("2019-08-26T21:47:55+02:00") == 1566848875);
  for (const char* bad : {"", "yesterday", "2019-13-01", "2019-08-26T25:00", "2019/08/26", "2019-08-26T19:47:55X"}) {
    CHECK_MESSAGE(!parse_time(bad), bad);
  }
}

TEST_CASE("times print as RFC 3339 UTC") {
  CHECK(format_iso(0) == "1970-01-01T00:00:00Z");
  CHECK(format_iso(1418530010) == "2014-12-14T04:06:50Z");
  CHECK(format_iso(1566848933) == "2019-08-26T19:48:53Z");
  CHECK(format_iso(951782400) == "2000-02-29T00:00:00Z");
}

TEST_CASE("times print with four-digit years by hand and any other year as printf would") {
  CHECK(format_iso(-62167219200) == "0000-01-01T00:00:00Z");
  CHECK(format_iso(253402300799) == "9999-12-31T23:59:59Z");
  CHECK(format_iso(253402300800) == "10000-01-01T00:00:00Z");
  CHECK(format_iso(-62167219201) == "-001-12-31T23:59:59Z");
  CHECK(format_iso(-1) == "1969-12-31T23:59:59Z");
  // Every printed four-digit-year time reads back as itself.
  std::uint64_t state = 11;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto t = static_cast<std::int64_t>(state >> 28) % 253402300800 - (i % 2 ? 62167219200 : 0);
    const std::string s = format_iso(t);
    REQUIRE(s.size() == 20);
    CHECK(parse_time(s) == t);
  }
}
