#pragma once
/// Turns the paths a user names into an ordered list of input files, pruning S3 objects whose key
/// date lies outside --since/--until.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flowsleuth {

struct time_window {
  std::optional<std::int64_t> since;
  std::optional<std::int64_t> until;
  bool active() const noexcept { return since || until; }
  /// Exact record filter: the record's [start, end] overlaps [since, until].
  bool admits(std::int64_t start, std::int64_t end) const noexcept {
    return !(since && end < *since) && !(until && start > *until);
  }
};

/// Records can start up to one 10-minute window plus 60 s of lag before the time a key names, and
/// end that much after the span it covers.
inline constexpr std::int64_t key_time_margin_seconds = 660;

struct input_file {
  std::string path;                      ///< "-" is standard input
  std::optional<std::int64_t> key_time;  ///< from the S3 file name or date folders (UTC seconds)
  std::int64_t key_span = 0;             ///< seconds the key time covers (file name 300, hour 3600, day 86400)
};

struct input_list {
  std::vector<input_file> files;
  std::uint64_t pruned = 0;           ///< files skipped because their key date is outside the window
  std::vector<std::string> problems;  ///< paths that do not exist or cannot be listed
};

/// Expands directories recursively (sorted by key date, then path, so runs are deterministic).
input_list collect_inputs(const std::vector<std::string>& paths, const time_window& window);

/// The time an S3 key names: `…_YYYYMMDDTHHmmZ_….log.gz`, or date folders (`…/vpcflowlogs/<region>/YYYY/MM/DD[/HH]/`
/// and the Hive form `year=YYYY/month=MM/day=DD[/hour=HH]`). Sets span to the period it covers.
std::optional<std::int64_t> key_time_of(const std::string& path, std::int64_t& span);

}  // namespace flowsleuth
