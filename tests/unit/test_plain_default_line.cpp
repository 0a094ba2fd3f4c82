// The default-layout shortcut against the general parser: on random and damaged lines, whatever the
// shortcut accepts must parse to the same record, and it must accept the ordinary lines.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <variant>
#include <vector>

#include "flowsleuth/line_parser.hpp"

using namespace flowsleuth;

namespace {

std::string pick(std::mt19937& rng, const std::vector<std::string>& v) { return v[rng() % v.size()]; }

std::string random_field(std::mt19937& rng, std::size_t i) {
  static const std::vector<std::string> numbers = {
      "0", "7", "00", "007", "255", "256", "65535", "65536", "1714521637", "01714521637", "123456789", "12345678",
      "1234567890123456", "12345678901234567", "9223372036854775807", "9223372036854775808",
      "18446744073709551615", "18446744073709551616", "99999999999999999999", "999999999999999999999", "1x", "x1",
      "1.5", "+1", "-1", "-", "4294967296", "99999999", "100000000", "3"};
  static const std::vector<std::string> addresses = {
      "10.0.1.15", "54.239.31.68", "0.0.0.0", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4",
      "1.02.3.4", "1.2.3.00", "1.2.3.0", "1..3.4", ".1.2.3", "1.2.3.", "1.2.3.4a", "1000.1.1.1", "100.200.250.199",
      "::", "::1", "2001:db8::1", "2001:db8::10.0.0.1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "-",
      "10.0.0.1/24", "1.2.3.4.", "9.9.9.9", "123.45.67.8", "1.2.3.299"};
  static const std::vector<std::string> texts = {"123456789012", "eni-dd44e7242330d8249", "-", "unknown", "a\x7f", "\xe9t\xe9"};
  static const std::vector<std::string> actions = {"ACCEPT", "REJECT", "-", "accept", "ACCEPTX", "ACCEP", "OK"};
  static const std::vector<std::string> statuses = {"OK", "NODATA", "SKIPDATA", "-", "ok", "OKK", "NODATAX", "SKIPDAT", "O"};
  switch (i) {
    case 1:
    case 2: return pick(rng, texts);
    case 3:
    case 4: return pick(rng, addresses);
    case 12: return pick(rng, actions);
    case 13: return pick(rng, statuses);
    default: return pick(rng, numbers);
  }
}

bool same_record(const flow_record& a, const flow_record& b) {
  if (a.present != b.present || a.text != b.text || a.action != b.action || a.log_status != b.log_status ||
      a.flow_direction != b.flow_direction || a.source_layout != b.source_layout || a.extras.size() != b.extras.size()) {
    return false;
  }
  auto same = [&](field_id f, auto x, auto y) { return !a.has(f) || x == y; };
  return same(field_id::version, a.version, b.version) && same(field_id::srcaddr, a.srcaddr, b.srcaddr) &&
         same(field_id::dstaddr, a.dstaddr, b.dstaddr) && same(field_id::srcport, a.srcport, b.srcport) &&
         same(field_id::dstport, a.dstport, b.dstport) && same(field_id::protocol, a.protocol, b.protocol) &&
         same(field_id::packets, a.packets, b.packets) && same(field_id::bytes, a.bytes, b.bytes) &&
         same(field_id::start, a.start, b.start) && same(field_id::end, a.end, b.end);
}

}  // namespace

TEST_CASE("the default-layout shortcut accepts only what parse() accepts, with the same record") {
  std::mt19937 rng(2026);
  line_parser fast(layout::v2_default());
  line_parser general(layout::v2_default());
  const std::string separators[] = {" ", " ", " ", " ", " ", " ", " ", "  ", "\t", "\r", "\x01"};
  const std::string ordinary[] = {"2",    "123456789012", "eni-dd44e7242330d8249", "54.239.31.68", "10.0.1.15",
                                   "443",  "54080",        "6",                     "133",          "37905",
                                   "1714521637", "1714521642", "ACCEPT", "OK"};
  std::size_t accepted = 0;
  for (int round = 0; round < 60000; ++round) {
    std::string line;
    const std::size_t fields = rng() % 40 == 0 ? 13 + rng() % 3 : 14;
    for (std::size_t i = 0; i < fields; ++i) {
      if (i) line += round % 4 == 0 ? separators[rng() % std::size(separators)] : " ";
      // A 15th field has no ordinary value of its own (the layout has 14): any will do.
      const std::string& usual = ordinary[i % std::size(ordinary)];
      line += rng() % 12 == 0 ? random_field(rng, rng() % 14) : rng() % 6 == 0 ? random_field(rng, i) : usual;
    }
    if (round % 7 == 0) line.insert(0, " ");
    if (round % 11 == 0) line += "\r";
    if (round % 13 == 0 && !line.empty()) line[rng() % line.size()] = static_cast<char>(rng() % 0x21);
    // The rest of a block follows the line: the shortcut may look at it but must stop at the '\n'.
    std::string block = line + "\n" + std::string(line_parser::plain_span, '7');
    flow_record a, b;
    line_error e;
    const char* end = fast.parse_plain_default(block, a);
    CAPTURE(line);
    if (!end) continue;
    ++accepted;
    REQUIRE(end == block.data() + line.size());
    REQUIRE(general.parse(line, b, e));
    CHECK(same_record(a, b));
  }
  CHECK(accepted > 1000);
}

TEST_CASE("the default-layout shortcut takes an ordinary record, and declines near the block's end") {
  line_parser p(layout::v2_default());
  flow_record r;
  const std::string line =
      "2 123456789012 eni-dd44e7242330d8249 54.239.31.68 10.0.1.15 443 54080 6 133 37905 1714521637 1714521642 ACCEPT OK";
  const std::string block = line + "\n" + std::string(line_parser::plain_span, ' ');
  REQUIRE(p.parse_plain_default(block, r) == block.data() + line.size());
  CHECK(r.srcaddr.to_string() == "54.239.31.68");
  CHECK(r.end == 1714521642);
  CHECK(r.log_status == log_status_t::ok);
  CHECK(p.parse_plain_default(std::string_view(block).substr(0, line_parser::plain_span - 1), r) == nullptr);
  // Another column order is the general parser's.
  const layout swapped = std::get<layout>(parse_format_string(
      "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${dstport} ${srcport} ${protocol} ${packets} "
      "${bytes} ${start} ${end} ${action} ${log-status}"));
  line_parser q(swapped);
  CHECK(q.parse_plain_default(block, r) == nullptr);
}
