// JSON string escaping: plain runs pass as they are, the rest is escaped, and invalid UTF-8 becomes
// U+FFFD so every report parses.

#include <doctest/doctest.h>

#include <string>

#include "output/json_writer.hpp"

namespace {

std::string quoted(std::string_view s) {
  std::string out = "prefix:";
  flowsleuth::detail::append_json_string(out, s);
  return out;
}

}  // namespace

TEST_CASE("JSON strings: plain text, escapes, UTF-8 and invalid bytes") {
  CHECK(quoted("") == "prefix:\"\"");
  CHECK(quoted("eni-0a1b2c3d") == "prefix:\"eni-0a1b2c3d\"");
  CHECK(quoted("say \"hi\" \\ now") == "prefix:\"say \\\"hi\\\" \\\\ now\"");
  CHECK(quoted("a\nb\tc\rd") == "prefix:\"a\\nb\\tc\\rd\"");
  CHECK(quoted(std::string("x\x01y\x1f", 4)) == "prefix:\"x\\u0001y\\u001f\"");
  CHECK(quoted("caf\xc3\xa9 \xf0\x9f\x98\x80!") == "prefix:\"caf\xc3\xa9 \xf0\x9f\x98\x80!\"");
  CHECK(quoted("bad \xff byte") == "prefix:\"bad \xef\xbf\xbd byte\"");
  CHECK(quoted("cut \xc3") == "prefix:\"cut \xef\xbf\xbd\"");
  CHECK(quoted("\xed\xa0\x80") == "prefix:\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");  // a surrogate is not UTF-8
  CHECK(quoted("\"") == "prefix:\"\\\"\"");
}
