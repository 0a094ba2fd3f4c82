#include "source/base64.hpp"

#include <array>
#include <cstdint>

namespace flowsleuth::detail {
namespace {

constexpr std::uint8_t k_invalid = 0xff;
constexpr std::uint8_t k_skip = 0xfe;  // whitespace: tolerated anywhere
constexpr std::uint8_t k_pad = 0xfd;

constexpr std::array<std::uint8_t, 256> make_table() {
  std::array<std::uint8_t, 256> table{};
  table.fill(k_invalid);
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  }
  for (const char c : {' ', '\t', '\r', '\n', '\f', '\v'}) table[static_cast<unsigned char>(c)] = k_skip;
  table[static_cast<unsigned char>('=')] = k_pad;
  return table;
}

constexpr auto k_table = make_table();

}  // namespace

bool base64_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size() / 4 * 3 + 3);
  std::uint32_t bits = 0;
  int pending = 0;  // 6-bit groups held in `bits`
  int padding = 0;
  for (const char c : in) {
    const std::uint8_t v = k_table[static_cast<unsigned char>(c)];
    if (v == k_skip) continue;
    if (v == k_pad) {
      // Padding can only complete a final group of 2 or 3 characters.
      if (++padding > 2 || pending < 2) return false;
      continue;
    }
    if (v == k_invalid || padding > 0) return false;
    bits = (bits << 6) | v;
    if (++pending == 4) {
      out.push_back(static_cast<char>((bits >> 16) & 0xff));
      out.push_back(static_cast<char>((bits >> 8) & 0xff));
      out.push_back(static_cast<char>(bits & 0xff));
      bits = 0;
      pending = 0;
    }
  }
  switch (pending) {
    case 0:
      return true;
    case 2:
      out.push_back(static_cast<char>((bits >> 4) & 0xff));
      return true;
    case 3:
      out.push_back(static_cast<char>((bits >> 10) & 0xff));
      out.push_back(static_cast<char>((bits >> 2) & 0xff));
      return true;
    default:  // one lone character carries only 6 bits: not a byte
      return false;
  }
}

}  // namespace flowsleuth::detail
