#include <doctest/doctest.h>

#include <variant>

#include "flowsleuth/layout.hpp"

using namespace flowsleuth;

TEST_CASE("the default layout is the version-2 format in AWS order") {
  const layout& l = layout::v2_default();
  CHECK(l.header_text() ==
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
        "log-status");
  CHECK(l.version() == 2);
  CHECK(l.origin() == layout_origin::v2_default);
}

TEST_CASE("format strings follow create-flow-logs syntax, hyphenated or underscored") {
  auto parsed = parse_format_string("${version} ${vpc_id}  ${subnet-id} ${tcp-flags} ${pkt_srcaddr}");
  REQUIRE(std::holds_alternative<layout>(parsed));
  const auto& l = std::get<layout>(parsed);
  CHECK(l.header_text() == "version vpc-id subnet-id tcp-flags pkt-srcaddr");
  CHECK(l.version() == 3);
  CHECK(l.origin() == layout_origin::format_string);
}

TEST_CASE("a format given as the header line's field names is read alike; with an unknown name it is a syntax error") {
  auto parsed = parse_format_string("version vpc_id  subnet-id tcp-flags pkt-srcaddr");
  REQUIRE(std::holds_alternative<layout>(parsed));
  const auto& l = std::get<layout>(parsed);
  CHECK(l.header_text() == "version vpc-id subnet-id tcp-flags pkt-srcaddr");
  CHECK(l.version() == 3);
  CHECK(l.origin() == layout_origin::format_string);
  // Not every name known: a typo must not become an extra column silently.
  auto typo = parse_format_string("version srcadr dstaddr");
  REQUIRE(std::holds_alternative<format_error>(typo));
  CHECK(std::get<format_error>(typo).column == 1);
}

TEST_CASE("the layout version is the highest version among its fields") {
  CHECK(std::get<layout>(parse_format_string("${srcaddr} ${flow-direction}")).version() == 5);
  CHECK(std::get<layout>(parse_format_string("${reject-reason}")).version() == 8);
  CHECK(std::get<layout>(parse_format_string("${next-hop-vpc-id} ${version}")).version() == 11);
  CHECK(std::get<layout>(parse_format_string("${tgw-id} ${packets-lost-blackhole}")).version() == 6);
}

TEST_CASE("unknown field names are kept as extra columns, never an error") {
  auto parsed = parse_format_string("${version} ${brand-new-field} ${action}");
  REQUIRE(std::holds_alternative<layout>(parsed));
  const auto& l = std::get<layout>(parsed);
  CHECK(l.size() == 3);
  CHECK_FALSE(l.columns()[1].field.has_value());
  CHECK(l.extra_names() == std::vector<std::string>{"brand-new-field"});
}

TEST_CASE("malformed format strings name the column") {
  struct bad_case {
    const char* text;
    std::size_t column;
  };
  for (auto [text, column] : {bad_case{"version srcadr", 1}, bad_case{"${version} ${srcaddr", 12},
                              bad_case{"${version}${srcaddr}", 11}, bad_case{"${Version}", 3},
                              bad_case{"", 1}}) {
    auto parsed = parse_format_string(text);
    REQUIRE_MESSAGE(std::holds_alternative<format_error>(parsed), text);
    CHECK_MESSAGE(std::get<format_error>(parsed).column == column, text);
  }
}

TEST_CASE("header lines are recognised, in any field order") {
  CHECK(looks_like_header("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
                          "start end action log-status"));
  CHECK(looks_like_header("account-id bytes dstaddr dstport end instance-id packets"));
  CHECK(looks_like_header("version account_id interface_id"));
  CHECK(looks_like_header("version action my-field other-field"));  // half known is enough
  CHECK_FALSE(looks_like_header("2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA"));
  CHECK_FALSE(looks_like_header("- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5"));
  CHECK_FALSE(looks_like_header("bogus line"));
  CHECK(looks_like_unknown_header("foo bar baz"));
  CHECK_FALSE(looks_like_unknown_header("version foo"));
  const layout h = layout_from_header("account-id action az-id bytes");
  CHECK(h.origin() == layout_origin::header);
  CHECK(h.header_text() == "account-id action az-id bytes");
  CHECK(h.version() == 4);
}

TEST_CASE("leading_header reads the first non-blank line only") {
  REQUIRE(leading_header("\n  \r\nversion srcaddr action\n2 10.0.0.1 ACCEPT\n"));
  CHECK(leading_header("\nversion srcaddr action\n")->header_text() == "version srcaddr action");
  CHECK_FALSE(leading_header("2 10.0.0.1 ACCEPT\nversion srcaddr action\n"));
  CHECK_FALSE(leading_header(""));
  CHECK_FALSE(leading_header("   \n"));
}
