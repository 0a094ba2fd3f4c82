#pragma once
/// `flowsleuth inspect`: what was read. A record_consumer that counts records per action and
/// log-status, ENIs, the time range and NODATA/SKIPDATA windows per ENI.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "flowsleuth/ingest.hpp"

namespace flowsleuth {

using time_span = std::pair<std::int64_t, std::int64_t>;

struct eni_coverage {
  std::vector<time_span> nodata;    ///< merged, sorted windows
  std::vector<time_span> skipdata;
};

struct inspect_summary {
  std::uint64_t records = 0;
  std::array<std::uint64_t, 3> by_action{};      ///< ACCEPT, REJECT, '-'
  std::array<std::uint64_t, 4> by_log_status{};  ///< OK, NODATA, SKIPDATA, '-'
  std::uint64_t enis = 0;
  std::optional<time_span> time_range;
  std::map<std::string, eni_coverage> coverage;  ///< only ENIs with NODATA or SKIPDATA windows
};

class inspect_consumer final : public record_consumer {
 public:
  inspect_consumer();
  std::unique_ptr<block_sink> make_sink(bool retractable) override;
  void merge(std::unique_ptr<block_sink> sink) override;
  /// Call once ingestion is over.
  inspect_summary summary() const;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace flowsleuth
