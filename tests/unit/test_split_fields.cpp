// The vectorised field splitter against a plain reference written here, on random lines.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "parse/split_fields.hpp"

namespace {

// Reference: separators are space, tab, CR; any other byte below 0x21 is binary.
bool reference_split(const std::string& line, std::vector<std::string>& out, std::size_t& bad) {
  std::string cur;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == ' ' || c == '\t' || c == '\r') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c < 0x21) {
      bad = i;
      return false;
    } else {
      cur.push_back(static_cast<char>(c));
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return true;
}

}  // namespace

TEST_CASE("split_fields matches a byte-at-a-time reference on random lines") {
  std::mt19937 rng(12345);
  const std::string printable = std::string(" \t\r a1.:-") + "\xe9\xff" + "bcdef";
  for (int round = 0; round < 20000; ++round) {
    const std::size_t len = rng() % 90;
    std::string line;
    for (std::size_t i = 0; i < len; ++i) line.push_back(printable[rng() % printable.size()]);
    // One line in three carries a control byte somewhere.
    if (round % 3 == 0 && len > 0) line[rng() % len] = static_cast<char>(rng() % 0x20 == 9 ? 1 : rng() % 0x20);
    std::vector<std::string> want;
    std::size_t want_bad = line.size();
    const bool ok = reference_split(line, want, want_bad);
    std::vector<std::string> got;
    std::size_t bad = line.size();
    flowsleuth::detail::split_fields(line, [&](const char* s, const char* e) { got.emplace_back(s, e); }, bad);
    CAPTURE(line);
    if (ok) {
      CHECK(bad == line.size());
      CHECK(got == want);
    } else {
      CHECK(bad == want_bad);
    }
  }
}
