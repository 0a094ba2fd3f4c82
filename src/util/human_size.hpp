#pragma once
// Byte counts for people: "672 B", "1.1 GB" (decimal units, as `ls -h --si` and the benchmark use).

#include <fmt/format.h>

#include <cstdint>
#include <string>

namespace flowsleuth::detail {

inline std::string human_size(std::uint64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double b = static_cast<double>(bytes);
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", b, units[u]);
}

}  // namespace flowsleuth::detail
