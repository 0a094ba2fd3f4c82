#include <algorithm>
#include <cstring>
#include <string_view>
#include <unordered_set>

#include "flowsleuth/inspect.hpp"
#include "util/hash.hpp"
#include "util/short_string_cache.hpp"

namespace flowsleuth {
namespace {

using string_set = std::unordered_set<std::string, detail::fast_string_hash, std::equal_to<>>;

std::size_t action_slot(const flow_record& r) noexcept {
  if (!r.has(field_id::action)) return 2;
  return r.action == action_t::accept ? 0 : 1;
}

std::size_t status_slot(const flow_record& r) noexcept {
  if (!r.has(field_id::log_status)) return 3;
  switch (r.log_status) {
    case log_status_t::ok: return 0;
    case log_status_t::nodata: return 1;
    case log_status_t::skipdata: return 2;
    default: return 3;
  }
}

std::vector<time_span> coalesce(std::vector<time_span> v) {
  std::sort(v.begin(), v.end());
  std::vector<time_span> out;
  for (const auto& s : v) {
    if (!out.empty() && s.first <= out.back().second) {
      out.back().second = std::max(out.back().second, s.second);
    } else {
      out.push_back(s);
    }
  }
  return out;
}

class inspect_sink final : public block_sink {
 public:
  explicit inspect_sink(bool retractable) : retractable_(retractable) {}

  void on_record(const flow_record& r, const record_origin&) override {
    ++records_;
    const std::size_t a = action_slot(r), s = status_slot(r);
    ++by_action_[a];
    ++by_status_[s];
    if (retractable_) slots_.push_back(static_cast<std::uint8_t>(a << 4 | s));
    const std::string_view eni = r.str(field_id::interface_id);
    if (!eni.empty()) note_eni(eni);
    if (r.has(field_id::start) && r.has(field_id::end)) {
      if (!range_) {
        range_ = time_span{r.start, r.end};
      } else {
        range_->first = std::min(range_->first, r.start);
        range_->second = std::max(range_->second, r.end);
      }
      if ((s == 1 || s == 2) && !eni.empty()) {
        auto& cov = coverage_[std::string(eni)];
        (s == 1 ? cov.nodata : cov.skipdata).push_back({r.start, r.end});
      }
    }
  }

  // A duplicate shares its ENI, times and windows with the record it duplicates: only counts change.
  void retract(std::size_t index) override {
    const std::uint8_t slot = slots_.at(index);
    --records_;
    --by_action_[slot >> 4];
    --by_status_[slot & 0xf];
  }

  std::uint64_t records_ = 0;
  std::array<std::uint64_t, 3> by_action_{};
  std::array<std::uint64_t, 4> by_status_{};
  string_set enis_;
  std::optional<time_span> range_;
  std::map<std::string, eni_coverage> coverage_;

 private:
  void note_eni(std::string_view eni) {
    const std::uint64_t k = detail::short_string_cache<bool>::key_of(eni);
    if (cache_.find(eni, k)) return;
    auto it = enis_.find(eni);
    if (it == enis_.end()) it = enis_.emplace(eni).first;
    cache_.put(k, *it, true);  // views the set's node: stable across rehash
  }

  bool retractable_;
  std::vector<std::uint8_t> slots_;
  detail::short_string_cache<bool> cache_;  // in front of enis_
};

}  // namespace

struct inspect_consumer::state {
  inspect_summary sum;
  string_set enis;
};

inspect_consumer::inspect_consumer() : state_(std::make_shared<state>()) {}

std::unique_ptr<block_sink> inspect_consumer::make_sink(bool retractable) {
  return std::make_unique<inspect_sink>(retractable);
}

void inspect_consumer::merge(std::unique_ptr<block_sink> sink) {
  auto& s = static_cast<inspect_sink&>(*sink);
  auto& sum = state_->sum;
  sum.records += s.records_;
  for (std::size_t i = 0; i < 3; ++i) sum.by_action[i] += s.by_action_[i];
  for (std::size_t i = 0; i < 4; ++i) sum.by_log_status[i] += s.by_status_[i];
  for (auto& e : s.enis_) state_->enis.insert(e);
  if (s.range_) {
    if (!sum.time_range) {
      sum.time_range = s.range_;
    } else {
      sum.time_range->first = std::min(sum.time_range->first, s.range_->first);
      sum.time_range->second = std::max(sum.time_range->second, s.range_->second);
    }
  }
  for (auto& [eni, cov] : s.coverage_) {
    auto& dst = sum.coverage[eni];
    dst.nodata.insert(dst.nodata.end(), cov.nodata.begin(), cov.nodata.end());
    dst.skipdata.insert(dst.skipdata.end(), cov.skipdata.begin(), cov.skipdata.end());
    dst.nodata = coalesce(std::move(dst.nodata));
    dst.skipdata = coalesce(std::move(dst.skipdata));
  }
}

inspect_summary inspect_consumer::summary() const {
  inspect_summary out = state_->sum;
  out.enis = state_->enis.size();
  return out;
}

}  // namespace flowsleuth
