#include <algorithm>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "flowsleuth/inputs.hpp"
#include "flowsleuth/time_util.hpp"

namespace flowsleuth {
namespace fs = std::filesystem;

namespace {

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

unsigned to_uint(std::string_view s) noexcept {
  unsigned v = 0;
  for (char c : s) v = v * 10 + static_cast<unsigned>(c - '0');
  return v;
}

// `_20180620T1620Z_` inside the file name.
std::optional<std::int64_t> name_time(std::string_view name) {
  for (std::size_t i = 0; i + 14 <= name.size(); ++i) {
    const std::string_view s = name.substr(i, 14);
    if (s[8] == 'T' && s[13] == 'Z' && all_digits(s.substr(0, 8)) && all_digits(s.substr(9, 4)) &&
        (i == 0 || name[i - 1] == '_')) {
      const unsigned y = to_uint(s.substr(0, 4)), mo = to_uint(s.substr(4, 2)), d = to_uint(s.substr(6, 2));
      const unsigned h = to_uint(s.substr(9, 2)), mi = to_uint(s.substr(11, 2));
      if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) continue;
      return days_from_civil(static_cast<int>(y), mo, d) * 86400 + h * 3600 + mi * 60;
    }
  }
  return std::nullopt;
}

std::string_view strip_key(std::string_view part, std::string_view key) {
  if (part.size() > key.size() && part.substr(0, key.size()) == key) return part.substr(key.size());
  return {};
}

// Date folders: a year, month, day (and optional hour) run of path components.
std::optional<std::int64_t> folder_time(const std::vector<std::string_view>& parts, std::int64_t& span) {
  for (std::size_t i = 0; i + 3 <= parts.size(); ++i) {
    std::string_view y = parts[i], mo = parts[i + 1], d = parts[i + 2];
    std::string_view h = i + 3 < parts.size() ? parts[i + 3] : std::string_view{};
    const bool hive = !strip_key(y, "year=").empty();
    if (hive) {
      y = strip_key(y, "year=");
      mo = strip_key(mo, "month=");
      d = strip_key(d, "day=");
      h = strip_key(h, "hour=");
    } else if (!(i >= 2 && parts[i - 2] == "vpcflowlogs")) {
      continue;  // bare numbers are a date only under vpcflowlogs/<region>/
    }
    if (y.size() != 4 || mo.size() != 2 || d.size() != 2 || !all_digits(y) || !all_digits(mo) || !all_digits(d)) {
      continue;
    }
    const unsigned yy = to_uint(y), mm = to_uint(mo), dd = to_uint(d);
    if (mm < 1 || mm > 12 || dd < 1 || dd > 31) continue;
    std::int64_t t = days_from_civil(static_cast<int>(yy), mm, dd) * 86400;
    span = 86400;
    // An hour level is only an hour when another component (the object) follows it.
    if (h.size() == 2 && all_digits(h) && to_uint(h) < 24 && i + 4 < parts.size()) {
      t += to_uint(h) * 3600;
      span = 3600;
    }
    return t;
  }
  return std::nullopt;
}

bool outside(const input_file& f, const time_window& w) {
  if (!f.key_time) return false;
  const std::int64_t first = *f.key_time - key_time_margin_seconds;
  const std::int64_t last = *f.key_time + f.key_span + key_time_margin_seconds;
  return (w.since && last < *w.since) || (w.until && first > *w.until);
}

}  // namespace

std::optional<std::int64_t> key_time_of(const std::string& path, std::int64_t& span) {
  std::vector<std::string_view> parts;
  std::string_view rest(path);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (!parts.empty()) {
    if (auto t = name_time(parts.back())) {
      span = 300;  // S3 objects cover 5 minutes of end times
      return t;
    }
  }
  return folder_time(parts, span);
}

input_list collect_inputs(const std::vector<std::string>& paths, const time_window& window) {
  input_list out;
  auto add = [&](const std::string& p) {
    input_file f;
    f.path = p;
    f.key_time = key_time_of(p, f.key_span);
    if (window.active() && outside(f, window)) {
      ++out.pruned;
      return;
    }
    out.files.push_back(std::move(f));
  };
  for (const auto& p : paths) {
    if (p == "-") {
      out.files.push_back({"-", std::nullopt, 0});
      continue;
    }
    std::error_code ec;
    const auto st = fs::status(p, ec);
    if (ec || st.type() == fs::file_type::not_found) {
      out.problems.push_back(p + ": no such file or directory");
      continue;
    }
    if (!fs::is_directory(st)) {
      add(p);
      continue;
    }
    const std::size_t before = out.files.size();
    for (fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') continue;  // editor and VCS droppings
      add(it->path().string());
    }
    if (ec) out.problems.push_back(p + ": " + ec.message());
    std::sort(out.files.begin() + static_cast<std::ptrdiff_t>(before), out.files.end(),
              [](const input_file& a, const input_file& b) {
                const auto ta = a.key_time.value_or(INT64_MIN), tb = b.key_time.value_or(INT64_MIN);
                return ta != tb ? ta < tb : a.path < b.path;
              });
  }
  return out;
}

}  // namespace flowsleuth
