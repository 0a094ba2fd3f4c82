#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <compare>
#include <cstring>
#include <string>
#include <vector>

#include "flowsleuth/ip_address.hpp"

using flowsleuth::ip_address;

TEST_CASE("IPv4 addresses parse strictly and print back") {
  for (const char* text : {"0.0.0.0", "10.0.1.5", "172.31.16.139", "255.255.255.255", "203.0.113.12"}) {
    const auto a = ip_address::parse(text);
    REQUIRE(a);
    CHECK(a->is_v4());
    CHECK(a->to_string() == text);
  }
  CHECK(ip_address::parse("10.0.1.5")->v4_value() == 0x0a000105u);
  for (const char* bad : {"", "10.0.1", "10.0.1.5.6", "256.0.0.1", "10.0.01.5", "a.b.c.d", "10..1.5", "-", "10.0.1.5 "}) {
    CHECK_MESSAGE(!ip_address::parse(bad), bad);
  }
}

TEST_CASE("IPv6 addresses parse and print in RFC 5952 form") {
  struct pair {
    const char* in;
    const char* out;
  };
  for (auto [in, out] : {pair{"2001:db8:1234:a100:8d6e:3477:df66:f105", "2001:db8:1234:a100:8d6e:3477:df66:f105"},
                         pair{"2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
                         pair{"::", "::"},
                         pair{"::1", "::1"},
                         pair{"fd00:ec2::254", "fd00:ec2::254"},
                         pair{"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
                         pair{"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
                         pair{"::ffff:10.0.0.1", "::ffff:a00:1"},
                         pair{"1::", "1::"}}) {
    const auto a = ip_address::parse(in);
    REQUIRE_MESSAGE(a, in);
    CHECK(a->is_v6());
    CHECK(a->to_string() == out);
  }
  for (const char* bad : {":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7:", "::1.2.3"}) {
    CHECK_MESSAGE(!ip_address::parse(bad), bad);
  }
}

TEST_CASE("IPv4 and IPv6 addresses never compare equal") {
  CHECK(*ip_address::parse("0.0.0.1") != *ip_address::parse("::1"));
  CHECK(*ip_address::parse("10.0.0.1") == ip_address::v4(0x0a000001u));
}

TEST_CASE("addresses parse exactly as inet_pton does, on random text") {
  // glibc's inet_pton is an independent reference: dotted quads without leading zeros, RFC 4291 IPv6.
  std::uint64_t state = 88172645463325252ULL;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::string alphabet = "0123456789.:abf";
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    const std::size_t len = next() % 18;
    for (std::size_t k = 0; k < len; ++k) s.push_back(alphabet[next() % alphabet.size()]);
    if (i % 4 == 0) {
      s = std::to_string(next() % 300) + "." + std::to_string(next() % 300) + "." + std::to_string(next() % 300) +
          "." + std::to_string(next() % 300);
    }
    CAPTURE(s);
    std::array<std::uint8_t, 16> want{};
    const bool v4 = inet_pton(AF_INET, s.c_str(), want.data()) == 1;
    const bool v6 = !v4 && inet_pton(AF_INET6, s.c_str(), want.data()) == 1;
    ip_address got;
    const bool ok = ip_address::parse_into(s, got);
    REQUIRE(ok == (v4 || v6));
    if (!ok) continue;
    CHECK(got.is_v4() == v4);
    CHECK(std::equal(want.begin(), want.begin() + (v4 ? 4 : 16), got.bytes().begin()));
    CHECK(ip_address::parse(s) == got);
  }
}

TEST_CASE("addresses order by their bytes, then by family") {
  // Against a plain lexicographic comparison of the bytes: addresses that differ in each byte
  // position, in both halves, and IPv4 beside the IPv6 address with the same leading bytes.
  std::vector<ip_address> all;
  std::uint64_t state = 3;
  auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
  for (int i = 0; i < 300; ++i) {
    std::string text;
    if (i % 3 == 0) {
      const auto v = static_cast<std::uint32_t>(next() >> 32);
      all.push_back(ip_address::v4(i % 2 ? v : v & 0xffffff00u));
      continue;
    }
    for (int g = 0; g < 8; ++g) {
      const auto r = next() >> 40;
      // Few distinct values per group, so many pairs share a long prefix.
      text += fmt::format("{}{:x}", g ? ":" : "", (r % 3) * 0x1111 + (g == 7 ? r % 2 : 0));
    }
    all.push_back(*ip_address::parse(text));
  }
  all.push_back(*ip_address::parse("::"));
  all.push_back(ip_address::v4(0));
  for (const auto& x : all) {
    for (const auto& y : all) {
      const int bytes = std::memcmp(x.bytes().data(), y.bytes().data(), 16);
      const auto want = bytes != 0 ? (bytes < 0 ? std::strong_ordering::less : std::strong_ordering::greater)
                                   : static_cast<int>(x.fam()) <=> static_cast<int>(y.fam());
      CHECK((x <=> y) == want);
    }
  }
}
