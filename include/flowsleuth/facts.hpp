#pragma once
/// The fact vocabulary: named, typed observations the correlator computes per connection and rules
/// test in their `when:` conditions. The catalogue (src/rules/fact_catalog.cpp) is the single source of
/// truth; docs/rules.md lists it.
///
/// A fact is either unknown (absent from the fact_set) or has exactly one value. Rules never match on
/// an absent fact, so the correlator leaves out what the evidence cannot establish rather than guess.

#include <array>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace flowsleuth {

enum class fact_kind : std::uint8_t {
  boolean,      ///< "true" | "false"
  enumeration,  ///< one of a fixed list of lowercase words
  count,        ///< a non-negative integer
};
std::string_view to_string(fact_kind k) noexcept;

/// In catalogue order; the catalogue's row i describes fact_id i.
enum class fact_id : std::uint8_t {
  protocol,
  client_egress,
  server_ingress,
  server_egress,
  client_ingress,
  request_flags_seen,
  response_flags_seen,
  syn,
  syn_ack,
  rst_from_server,
  fin,
  response_accepted_before_reject,
  rejects_only_after_close,
  same_subnet,
  client_address,
  server_address,
  reject_reason,
  coverage_gap,
  data_edge,
  traffic_type_all,
  sibling_eni_accepts,
  intermediary,
  response_reject_packets,
  request_reject_packets,
  direction_source,
  intermediary_leg,
  response_size_shape,
  server_flow_log,
  tgw_loss,
  unplaced_enis,
  tgw_loss_leg,
};

inline constexpr std::size_t fact_count = static_cast<std::size_t>(fact_id::tgw_loss_leg) + 1;

struct fact_info {
  fact_id id;
  std::string_view name;  ///< snake_case, as rules spell it
  fact_kind kind;
  std::span<const std::string_view> values;  ///< allowed values (booleans: false, true); empty for counts
  std::string_view meaning;                  ///< one line, for docs and `--explain`
};

/// Every fact, in fact_id order.
std::span<const fact_info> fact_catalog() noexcept;
const fact_info& info(fact_id id) noexcept;
inline std::string_view name_of(fact_id id) noexcept { return info(id).name; }
std::optional<fact_id> find_fact(std::string_view name) noexcept;
/// Position of `value` in info(id).values, or nullopt when the fact does not admit it.
std::optional<std::size_t> value_index(fact_id id, std::string_view value) noexcept;

/// The value slot of one fact: enumerations and booleans hold the index of their value in
/// fact_info::values (false = 0, true = 1), counts hold the count.
struct fact_slot {
  bool present = false;
  std::int64_t value = 0;  ///< 0 whenever absent, so slots compare by value
  friend bool operator==(const fact_slot&, const fact_slot&) = default;
};

/// A word known when compiling, as a template argument: fact_set::set_word<"tcp">(fact_id::protocol).
template <std::size_t N>
struct fact_word {
  char text[N];
  consteval fact_word(const char (&s)[N]) {  // NOLINT: implicit, so a literal is the argument
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
  constexpr std::string_view view() const noexcept { return {text, N - 1}; }
};

/// The facts known about one connection. A value type, cheap to copy (a fixed array, no allocation).
/// Setters throw std::invalid_argument for an unknown fact name, a value the fact does not admit, or a
/// value of the wrong kind: those are programming errors in the code computing facts, not input errors.
class fact_set {
 public:
  /// An enumeration value, or a boolean spelled "true"/"false".
  fact_set& set(fact_id id, std::string_view value);
  fact_set& set(fact_id id, const char* value) { return set(id, std::string_view(value)); }
  fact_set& set(fact_id id, bool value);
  /// A count (negative values are rejected). A template so that int, unsigned and std::uint64_t
  /// arguments pick this overload instead of the boolean one.
  template <std::integral T>
  requires(!std::same_as<T, bool>) fact_set& set(fact_id id, T count) {
    if constexpr (std::is_signed_v<T>) {
      return set_count(id, static_cast<std::int64_t>(count));
    } else {
      constexpr auto cap = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
      const auto wide = static_cast<std::uint64_t>(count);
      return set_count(id, static_cast<std::int64_t>(wide > cap ? cap : wide));
    }
  }
  /// set(id, W) for a word known when compiling: its place among each fact's values is found once, not
  /// on every call (the correlator sets a dozen such words on each of millions of connections, and
  /// searching for them was ~5 % of `diagnose`). Same checks and errors as set(id, word).
  template <fact_word W>
  fact_set& set_word(fact_id id) {
    static const std::array<std::int8_t, fact_count> places = [] {
      std::array<std::int8_t, fact_count> t{};
      for (std::size_t i = 0; i < fact_count; ++i) {
        const auto fact = static_cast<fact_id>(i);
        const auto at = info(fact).kind == fact_kind::count ? std::nullopt : value_index(fact, W.view());
        t[i] = at ? static_cast<std::int8_t>(*at) : std::int8_t{-1};
      }
      return t;
    }();
    const std::int8_t at = places[index(id)];
    if (at < 0) return set(id, W.view());  // not a value of this fact: set() says so
    values_[index(id)] = at;
    return *this;
  }
  /// The same setters by name, for tests and data-driven callers.
  template <class V>
  fact_set& set(std::string_view name, V&& value) {
    return set(id_or_throw(name), std::forward<V>(value));
  }

  void erase(fact_id id) noexcept { values_[index(id)] = absent; }
  bool has(fact_id id) const noexcept { return values_[index(id)] != absent; }
  bool has(std::string_view name) const noexcept;
  bool empty() const noexcept;

  /// The value of an enumeration or boolean fact as its word; nullopt when absent or a count.
  std::optional<std::string_view> word(fact_id id) const noexcept;
  /// The value of a count fact; nullopt when absent or not a count.
  std::optional<std::int64_t> count(fact_id id) const noexcept;
  /// The value as text ("accept", "true", "12"); nullopt when absent.
  std::optional<std::string> text(fact_id id) const;
  std::optional<std::string> text(std::string_view name) const;

  fact_slot slot(fact_id id) const noexcept {
    const std::int64_t v = values_[index(id)];
    return v == absent ? fact_slot{} : fact_slot{true, v};
  }

  /// Present facts in catalogue order, as (name, text) pairs: for `--explain` and test messages.
  std::vector<std::pair<std::string_view, std::string>> entries() const;

  friend bool operator==(const fact_set&, const fact_set&) = default;
  /// A hash of every slot, for caches keyed by a whole fact set (rule_memo).
  std::uint64_t hash() const noexcept {
    std::uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (const auto v : values_) h = (h ^ static_cast<std::uint64_t>(v)) * 0xff51afd7ed558ccdULL;
    return h ^ (h >> 29);
  }

 private:
  static std::size_t index(fact_id id) noexcept { return static_cast<std::size_t>(id); }
  static fact_id id_or_throw(std::string_view name);
  fact_set& set_count(fact_id id, std::int64_t count);
  // One word a fact: values are never negative (indexes, 0/1, counts), so -1 can say "absent". Half the
  // size of {present, value} pairs, and every listed flow and connection finding carries a copy.
  static constexpr std::int64_t absent = -1;
  static constexpr std::array<std::int64_t, fact_count> none() noexcept {
    std::array<std::int64_t, fact_count> a{};
    for (auto& v : a) v = absent;
    return a;
  }
  std::array<std::int64_t, fact_count> values_ = none();
};

}  // namespace flowsleuth
