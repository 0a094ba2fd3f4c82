#pragma once
// Reports of big inputs run to tens of megabytes (a 10 M-record file's text report is ~30 MB, and
// growing one string to that size briefly held 1.5 times it): every reporter (text, markdown, and the
// JSON writer) builds text in one buffer and, when it is writing to a stream, hands it over every
// megabyte or so.

#include <cstdio>
#include <string>

namespace flowsleuth::detail {

/// Writes `out` to `to` and empties it once it holds `threshold` bytes; with no stream, keeps it.
inline void spill(std::string& out, std::FILE* to, std::size_t threshold = std::size_t{1} << 20) {
  if (!to || out.size() < threshold) return;
  std::fwrite(out.data(), 1, out.size(), to);
  out.clear();
}

}  // namespace flowsleuth::detail
