#include <doctest/doctest.h>

#include <fmt/format.h>

#include "collect.hpp"
#include "flowsleuth/inspect.hpp"
#include "flowsleuth/line_parser.hpp"
#include "temp_files.hpp"

using namespace flowsleuth;
using flowsleuth::test::read_inputs;
using flowsleuth::test::temp_dir;

namespace {

std::string v2_line(int i, const char* action = "ACCEPT") {
  return fmt::format("2 123456789012 eni-{:017x} 10.0.{}.{} 10.1.0.5 {} 443 6 {} {} {} {} {} OK", i % 7, i % 200,
                     i % 250 + 1, 32768 + i % 20000, i % 9 + 1, 40 * (i % 9 + 1), 1700000000 + i,
                     1700000060 + i, action);
}

// A file with blank lines and a malformed line every 97 lines; returns the malformed line numbers.
std::string make_text(int lines, std::vector<std::uint64_t>& bad_lines) {
  std::string text;
  for (int i = 1; i <= lines; ++i) {
    if (i % 97 == 0) {
      text += "2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 notaport 6 1 40 10 20 ACCEPT OK\n";
      bad_lines.push_back(static_cast<std::uint64_t>(i));
    } else if (i % 50 == 0) {
      text += "   \n";
    } else {
      text += v2_line(i) + "\n";
    }
  }
  return text;
}

}  // namespace

TEST_CASE("parallel blocks give exact line numbers and the same result for 1 and 2 threads") {
  temp_dir dir;
  std::vector<std::uint64_t> bad;
  const std::string path = dir.write("big.log", make_text(5000, bad));
  ingest_options one;
  one.threads = 1;
  one.block_bytes = 1000;  // hundreds of blocks
  ingest_options two = one;
  two.threads = 2;
  const auto a = read_inputs({path}, one);
  const auto b = read_inputs({path}, two);
  REQUIRE(a.report.files.size() == 1);
  CHECK(a.report.files[0].skipped == bad.size());
  CHECK(a.records.size() == 5000 - 99 - bad.size());  // 99 blank lines: multiples of 50 except 4850, a bad one
  REQUIRE(a.records.size() == b.records.size());
  for (std::size_t i = 0; i < a.records.size(); ++i) {
    REQUIRE(a.records[i].line == b.records[i].line);
    // Each good line's ports encode its number: check the line number is the real one.
    CHECK(a.records[i].typed.srcport == 32768 + a.records[i].line % 20000);
  }
  REQUIRE(a.report.files[0].errors.size() == bad.size());
  for (std::size_t i = 0; i < bad.size(); ++i) {
    CHECK(a.report.files[0].errors[i].line == bad[i]);
    CHECK(b.report.files[0].errors[i].line == bad[i]);
    CHECK(a.report.files[0].errors[i].field == "dstport");
  }
}

TEST_CASE("a header line switches the layout for the lines after it, across blocks") {
  temp_dir dir;
  std::string text;
  for (int i = 1; i <= 300; ++i) text += v2_line(i) + "\n";
  text += "interface-id srcaddr dstaddr action\n";
  for (int i = 0; i < 300; ++i) text += fmt::format("eni-{} 10.0.0.{} 10.0.1.1 REJECT\n", i, i % 250 + 1);
  const std::string path = dir.write("mixed.log", text);
  ingest_options o;
  o.threads = 2;
  o.block_bytes = 700;
  const auto r = read_inputs({path}, o);
  CHECK(r.report.files[0].skipped == 0);
  CHECK(r.report.files[0].headers == 1);
  REQUIRE(r.records.size() == 600);
  CHECK(r.records[299].line == 300);
  CHECK(r.records[300].line == 302);
  CHECK(r.records[300].typed.action == action_t::reject);
  CHECK_FALSE(r.records[300].typed.has(field_id::start));
  CHECK(r.report.files[0].origin == layout_origin::header);
}

TEST_CASE("S3 files: header first, repeated headers tolerated, fields in alphabetical order") {
  temp_dir dir;
  const std::string header = "account-id action dstaddr end interface-id srcaddr start\n";
  const std::string text = header + "000000000001 ACCEPT 10.0.0.2 20 eni-a 10.0.0.1 10\n" + header +
                           "000000000001 REJECT 10.0.0.3 21 eni-a 10.0.0.1 11\n";
  const auto r = read_inputs({dir.write("alpha.log", text)});
  REQUIRE(r.records.size() == 2);
  CHECK(r.report.files[0].headers == 2);
  CHECK(r.records[1].line == 4);
  CHECK(r.records[1].typed.dstaddr.to_string() == "10.0.0.3");
  CHECK(r.records[1].at("account-id") == "000000000001");
}

TEST_CASE("gzip: plain, multi-member, truncated and corrupt files") {
  temp_dir dir;
  std::string part1, part2;
  for (int i = 1; i <= 400; ++i) part1 += v2_line(i) + "\n";
  for (int i = 401; i <= 800; ++i) part2 += v2_line(i) + "\n";
  ingest_options o;
  o.block_bytes = 4096;
  o.threads = 2;

  SUBCASE("multi-member gzip reads every member with continuous line numbers") {
    const auto path = dir.write("multi.log.gz", test::gzip_bytes(part1) + test::gzip_bytes(part2));
    const auto r = read_inputs({path}, o);
    CHECK(r.report.files[0].source == "gzip-text");
    CHECK(r.report.files[0].fatal.empty());
    REQUIRE(r.records.size() == 800);
    CHECK(r.records[799].line == 800);
  }
  SUBCASE("a truncated gzip keeps the records before the damage and says so") {
    const std::string gz = test::gzip_bytes(part1 + part2);
    const auto path = dir.write("cut.log.gz", gz.substr(0, gz.size() * 6 / 10));
    const auto r = read_inputs({path}, o);
    CHECK(r.report.files[0].fatal.find("truncated") != std::string::npos);
    CHECK(r.records.size() > 100);
    CHECK(r.records.size() < 800);
    CHECK(r.report.has_fatal());
  }
  SUBCASE("corrupt bytes inside the stream are reported") {
    std::string gz = test::gzip_bytes(part1 + part2);
    for (std::size_t i = gz.size() / 2; i < gz.size() / 2 + 64; ++i) gz[i] = static_cast<char>(gz[i] ^ 0x5a);
    const auto r = read_inputs({dir.write("bad.log.gz", gz)}, o);
    CHECK_FALSE(r.report.files[0].fatal.empty());
  }
}

TEST_CASE("identical records from two files are counted once; within one file they are not") {
  temp_dir dir;
  std::string a, b;
  for (int i = 1; i <= 20; ++i) a += v2_line(i) + "\n";
  // The same records under a header with the fields in another order.
  b = "action account-id bytes dstaddr dstport end interface-id log-status packets protocol srcaddr srcport start "
      "version\n";
  for (int i = 11; i <= 30; ++i) {
    line_parser p(layout::v2_default());
    flow_record r;
    line_error e;
    const std::string line = v2_line(i);
    REQUIRE(p.parse(line, r, e));
    b += fmt::format("{} {} {} {} {} {} {} {} {} {} {} {} {} {}\n", r.str(field_id::action), r.str(field_id::account_id),
                     r.str(field_id::bytes), r.str(field_id::dstaddr), r.str(field_id::dstport), r.str(field_id::end),
                     r.str(field_id::interface_id), r.str(field_id::log_status), r.str(field_id::packets),
                     r.str(field_id::protocol), r.str(field_id::srcaddr), r.str(field_id::srcport),
                     r.str(field_id::start), r.str(field_id::version));
  }
  const auto pa = dir.write("vpc-level.log", a + v2_line(5) + "\n");  // an in-file repeat stays
  const auto pb = dir.write("subnet-level.log", b);
  const auto r = read_inputs({pa, pb});
  CHECK(r.report.files[0].records == 21);
  CHECK(r.report.files[1].duplicates == 10);
  CHECK(r.report.files[1].records == 10);
  CHECK(r.records.size() == 31);
  CHECK(r.report.duplicates == 10);
}

TEST_CASE("--since/--until filter records exactly by their [start, end]") {
  temp_dir dir;
  std::string text;
  for (int i = 1; i <= 100; ++i) text += v2_line(i) + "\n";  // start 1700000000+i, end start+60
  ingest_options o;
  o.window.since = 1700000000 + 90;  // records ending at or after: i >= 30
  o.window.until = 1700000000 + 50;  // records starting at or before: i <= 50
  const auto r = read_inputs({dir.write("t.log", text)}, o);
  CHECK(r.records.size() == 21);
  CHECK(r.report.filtered == 79);
  CHECK(r.records.front().line == 30);
}

TEST_CASE("bad inputs get clear messages and nothing is lost silently") {
  temp_dir dir;
  SUBCASE("empty file") {
    const auto r = read_inputs({dir.write("empty.log", "")});
    CHECK(r.records.empty());
    CHECK(r.report.files[0].notes.at(0).find("empty") != std::string::npos);
  }
  SUBCASE("binary garbage") {
    std::string junk;
    for (int i = 0; i < 3000; ++i) junk.push_back(static_cast<char>((i * 37 + 11) % 256));
    const auto r = read_inputs({dir.write("junk.bin", junk)});
    CHECK(r.records.empty());
    CHECK(r.report.files[0].skipped > 0);
    CHECK(r.report.files[0].skipped == r.report.skipped);
  }
  SUBCASE("a header naming no known field") {
    const auto r = read_inputs({dir.write("h.log", "foo bar baz\n1 2 3\n")});
    REQUIRE(r.report.files[0].errors.size() == 2);
    CHECK(r.report.files[0].errors[0].field == "(header)");
    CHECK(r.report.files[0].errors[0].line == 1);
  }
  SUBCASE("an over-long line in a gzip stream is reported, and the lines after it are read") {
    std::string text = v2_line(1) + "\n" + std::string(200000, 'x') + "\n" + v2_line(3) + "\n";
    ingest_options o;
    o.block_bytes = 4096;
    const auto r = read_inputs({dir.write("long.log.gz", test::gzip_bytes(text))}, o);
    REQUIRE(r.records.size() == 2);
    CHECK(r.records[1].line == 3);
    REQUIRE(r.report.files[0].errors.size() == 1);
    CHECK(r.report.files[0].errors[0].line == 2);
  }
  SUBCASE("Parquet is refused as not supported yet") {
    const auto r = read_inputs({dir.write("x.parquet", std::string("PAR1") + std::string(100, '\0'))});
    CHECK(r.report.has_unsupported());
  }
  SUBCASE("a missing path is an input problem") {
    const auto r = read_inputs({dir.path() + "/nope.log"});
    CHECK(r.report.input_problems.size() == 1);
  }
  SUBCASE("errors beyond the first hundred per file are counted, not listed") {
    std::string text;
    for (int i = 0; i < 250; ++i) text += "garbage line here\n";
    const auto r = read_inputs({dir.write("many.log", text)});
    CHECK(r.report.files[0].errors.size() == 100);
    CHECK(r.report.files[0].errors_truncated == 150);
    CHECK(r.report.files[0].skipped == 250);
  }
}

TEST_CASE("inspect counts actions, log-status, ENIs and coverage windows") {
  temp_dir dir;
  const std::string text =
      "2 123456789010 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 40 100 160 ACCEPT OK\n"
      "2 123456789010 eni-a 10.0.0.2 10.0.0.1 2 1 6 1 40 100 160 REJECT OK\n"
      "2 123456789010 eni-b - - - - - - - 100 160 - NODATA\n"
      "2 123456789010 eni-b - - - - - - - 160 220 - NODATA\n"
      "2 123456789010 eni-c - - - - - - - 300 360 - SKIPDATA\n";
  inspect_consumer c;
  const auto inputs = collect_inputs({dir.write("i.log", text)}, {});
  const auto report = ingest(inputs, {}, c);
  const auto s = c.summary();
  CHECK(s.records == 5);
  CHECK(s.by_action == std::array<std::uint64_t, 3>{1, 1, 3});
  CHECK(s.by_log_status == std::array<std::uint64_t, 4>{2, 2, 1, 0});
  CHECK(s.enis == 3);
  REQUIRE(s.time_range);
  CHECK(*s.time_range == time_span{100, 360});
  REQUIRE(s.coverage.size() == 2);
  CHECK(s.coverage.at("eni-b").nodata == std::vector<time_span>{{100, 220}});
  CHECK(s.coverage.at("eni-c").skipdata == std::vector<time_span>{{300, 360}});
  CHECK(report.records == 5);
}
