#include "flowsleuth/ip_address.hpp"

#include <cstring>

namespace flowsleuth {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Dotted quad in one pass with few branches (it is the parser's hot path): 7 to 15 characters, four
// decimal octets, no leading zeros (as inet_pton). Writes 4 bytes and zeroes the 12 after them.
bool parse_dotted_quad(std::string_view s, std::uint8_t* out) noexcept {
  const std::size_t n = s.size();
  if (n < 7 || n > 15) return false;
  unsigned part = 0, value = 0, digits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned c = static_cast<unsigned char>(s[i]);
    if (c == '.') {
      if (digits == 0 || part == 3) return false;
      out[part++] = static_cast<std::uint8_t>(value);
      value = 0;
      digits = 0;
      continue;
    }
    const unsigned d = c - '0';
    if (d > 9 || (digits == 1 && value == 0)) return false;
    value = value * 10 + d;
    if (++digits > 3 || value > 255) return false;
  }
  if (part != 3 || digits == 0) return false;
  out[3] = static_cast<std::uint8_t>(value);
  return true;
}

bool parse_v6(std::string_view s, std::uint8_t* out) noexcept {
  std::uint16_t groups[8] = {};
  int count = 0;
  int gap = -1;  // index in groups where "::" was
  std::size_t i = 0;
  if (s.size() < 2) return false;
  if (s[0] == ':') {
    if (s[1] != ':') return false;
    gap = 0;
    i = 2;
    if (i == s.size()) {
      std::memset(out, 0, 16);
      return true;
    }
  }
  while (i < s.size()) {
    if (count >= 8) return false;
    // An embedded IPv4 tail takes two groups.
    std::size_t j = i;
    while (j < s.size() && s[j] != ':' && s[j] != '.') ++j;
    if (j < s.size() && s[j] == '.') {
      if (count > 6) return false;
      std::uint8_t quad[16];
      if (!parse_dotted_quad(s.substr(i), quad)) return false;
      groups[count++] = static_cast<std::uint16_t>(quad[0] << 8 | quad[1]);
      groups[count++] = static_cast<std::uint16_t>(quad[2] << 8 | quad[3]);
      i = s.size();
      break;
    }
    unsigned value = 0;
    std::size_t digits = 0;
    while (i < s.size() && hex_value(s[i]) >= 0) {
      value = value << 4 | static_cast<unsigned>(hex_value(s[i]));
      if (++digits > 4) return false;
      ++i;
    }
    if (digits == 0) return false;
    groups[count++] = static_cast<std::uint16_t>(value);
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (gap >= 0) return false;
      gap = count;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;  // trailing single colon
    }
  }
  if (gap < 0 && count != 8) return false;
  if (gap >= 0 && count > 7) return false;
  std::uint16_t full[8] = {};
  if (gap < 0) {
    std::memcpy(full, groups, sizeof full);
  } else {
    const int tail = count - gap;
    for (int g = 0; g < gap; ++g) full[g] = groups[g];
    for (int g = 0; g < tail; ++g) full[8 - tail + g] = groups[gap + g];
  }
  for (int g = 0; g < 8; ++g) {
    out[2 * g] = static_cast<std::uint8_t>(full[g] >> 8);
    out[2 * g + 1] = static_cast<std::uint8_t>(full[g] & 0xff);
  }
  return true;
}

}  // namespace

bool ip_address::parse_into(std::string_view text, ip_address& a) noexcept {
  // IPv4 first: it is most records, and an IPv6 text fails within its first group.
  if (parse_dotted_quad(text, a.bytes_.data())) {
    std::memset(a.bytes_.data() + 4, 0, 12);
    a.fam_ = family::v4;
    return true;
  }
  if (text.find(':') == std::string_view::npos || !parse_v6(text, a.bytes_.data())) return false;
  a.fam_ = family::v6;
  return true;
}

std::optional<ip_address> ip_address::parse(std::string_view text) noexcept {
  ip_address a;
  if (!parse_into(text, a)) return std::nullopt;
  return a;
}
void ip_address::append_to(std::string& out) const {
  static constexpr char hex[] = "0123456789abcdef";
  if (fam_ == family::v4) {
    for (int i = 0; i < 4; ++i) {
      if (i) out.push_back('.');
      const unsigned v = bytes_[i];
      if (v >= 100) out.push_back(static_cast<char>('0' + v / 100));
      if (v >= 10) out.push_back(static_cast<char>('0' + v / 10 % 10));
      out.push_back(static_cast<char>('0' + v % 10));
    }
    return;
  }
  if (fam_ != family::v6) return;
  unsigned groups[8];
  for (int g = 0; g < 8; ++g) groups[g] = static_cast<unsigned>(bytes_[2 * g] << 8 | bytes_[2 * g + 1]);
  // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
  int best_start = -1, best_len = 0;
  for (int g = 0; g < 8;) {
    if (groups[g] != 0) {
      ++g;
      continue;
    }
    int run = g;
    while (run < 8 && groups[run] == 0) ++run;
    if (run - g > best_len) {
      best_start = g;
      best_len = run - g;
    }
    g = run;
  }
  if (best_len < 2) best_start = -1;
  for (int g = 0; g < 8; ++g) {
    if (g == best_start) {
      out.append("::");
      g += best_len - 1;
      continue;
    }
    if (g > 0 && !(best_start >= 0 && g == best_start + best_len)) out.push_back(':');
    const unsigned v = groups[g];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned nibble = v >> shift & 0xf;
      if (nibble || started || shift == 0) {
        out.push_back(hex[nibble]);
        started = true;
      }
    }
  }
}

std::string ip_address::to_string() const {
  std::string s;
  append_to(s);
  return s;
}

}  // namespace flowsleuth
