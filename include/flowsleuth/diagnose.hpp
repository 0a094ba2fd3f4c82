#pragma once
/// The diagnosis: apply the rule pack to correlated connections, aggregate them into flows (client,
/// server, protocol, server port), and keep the evidence that proves each verdict.

#include <array>
#include <cstdint>
#include <deque>
#include <iterator>
#include <map>
#include <memory>
#include <tuple>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flowsleuth/cidr.hpp"
#include "flowsleuth/config_check.hpp"
#include "flowsleuth/correlate.hpp"
#include "flowsleuth/rule.hpp"

namespace flowsleuth {

/// Verdicts from most to least severe: a flow takes its most severe connection's verdict.
int severity_rank(verdict v) noexcept;

/// The observation point where a rule's blocking layer sits: the client's or server's, on the rule's leg,
/// or the gateway between them (`at: intermediary`).
const observation_point& enforcing_point(const connection& c, const rule_blocking& b);

/// The templates a finding's explanation and fix are written from: its rule's `explain` and `fix`, or
/// fixed sentences (fixed_text).
struct finding_templates {
  std::string explain, fix;
};
/// Fixed sentences as templates (braces escaped), for findings no rule made.
std::shared_ptr<const finding_templates> fixed_text(std::string_view explanation, std::string_view remediation);

struct connection_finding {
  connection conn;
  verdict outcome = verdict::inconclusive;
  std::optional<rule_blocking> blocking;
  std::string rule_id;  ///< empty when no rule matched
  /// Filled from `conn` when read (explanation_of, remediation_of), like a flow's: on big inputs the
  /// JSON report lists hundreds of thousands of connections. Null: no rule matched.
  std::shared_ptr<const finding_templates> text;
  std::optional<config_assessment> config;  ///< with --config, for connections blocked by an SG or NACL
};

std::string explanation_of(const connection_finding& f);
std::string remediation_of(const connection_finding& f);  ///< empty when there is no fix to propose

/// The connection findings a diagnosis lists (the JSON report's `connections`), held packed: names
/// interned, evidence only where there is some, equal fact sets shared — about a sixth of a
/// connection_finding's 2 kB and its dozen or so allocations, for the hundreds of thousands a report
/// of big inputs lists. Reading one unpacks a copy equal to what was added
/// (src/diagnose/connection_list.cpp; tests/unit/test_connection_list.cpp).
class connection_list {
 public:
  connection_list();
  ~connection_list();
  connection_list(const connection_list&);
  connection_list& operator=(const connection_list&);
  connection_list(connection_list&&) noexcept;
  connection_list& operator=(connection_list&&) noexcept;

  std::size_t size() const noexcept;
  bool empty() const noexcept { return size() == 0; }
  /// Finding `i`, unpacked.
  connection_finding operator[](std::size_t i) const;
  void push_back(connection_finding&& f);
  void clear() noexcept;

  /// What ordering a report reads, without unpacking: its verdict, first time and 5-tuple.
  struct order_key {
    verdict outcome;
    std::int64_t first;
    const ip_address* client;
    std::optional<std::uint16_t> client_port;
    const ip_address* server;
    std::optional<std::uint16_t> server_port;
    std::uint8_t protocol;
  };
  order_key key(std::size_t i) const;
  /// Puts finding order[k] at position k (`order` is a permutation of 0..size()-1), in place.
  void reorder(const std::vector<std::size_t>& order);

  /// Reads the findings in order, each unpacked as it is reached.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = connection_finding;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = connection_finding;
    iterator(const connection_list* list, std::size_t i) : list_(list), i_(i) {}
    connection_finding operator*() const { return (*list_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    iterator operator++(int) {
      iterator was = *this;
      ++i_;
      return was;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.i_ == b.i_; }

   private:
    const connection_list* list_;
    std::size_t i_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

struct port_range {
  std::uint16_t low = 0, high = 0;
  friend bool operator==(const port_range&, const port_range&) = default;
};

/// How a blocked flow's connections split when some went through: security groups and network ACLs
/// match addresses and the destination port, so connections of one flow get one answer — unless a rule
/// changed (over_time), or, for replies, whose destination is the client's port, a network ACL's port
/// range leaves some client ports out (by_client_port: the failing ports lie beyond the working ones).
/// ICMP rules also match the ICMP type and code, which flow logs do not record: over_time_or_icmp_type.
enum class flow_mix : std::uint8_t { none, over_time, by_client_port, over_time_or_icmp_type };
std::string_view to_string(flow_mix m) noexcept;

struct flow_finding {
  std::uint8_t protocol = 0;
  endpoint client, server;  ///< of the deciding connection; client.port unset: a flow aggregates client ports
  verdict outcome = verdict::ok;
  std::optional<rule_blocking> blocking;
  std::string blocking_eni, blocking_subnet;  ///< where the blocking layer sits, when known
  std::string rule_id;
  std::vector<std::string> decided_by;
  std::optional<std::int64_t> first_reject;
  std::int64_t first = 0, last = 0;
  // The explanation and fix are filled in when a report reads them (explanation_of, remediation_of),
  // from the templates and what the placeholders need of the deciding connection: held as sentences
  // through a run they were ~60 MB of a 10 M-record diagnosis, a few per cent of that this way.
  std::shared_ptr<const finding_templates> text;  ///< null: no rule matched, and the facts are listed
  struct deciding_fields {
    std::optional<std::uint16_t> client_port;
    std::optional<std::int64_t> first_reject;
    std::int64_t first = 0, last = 0;
  } deciding;
  std::map<verdict, std::uint64_t> by_verdict;
  std::uint64_t connections = 0;
  std::vector<port_range> failed_client_ports, working_client_ports;
  flow_mix mixed = flow_mix::none;  ///< blocked flows with ok connections too
  std::vector<evidence_line> evidence;
  /// Of the connection that gave the flow its verdict (for --explain and fact.* placeholders). Shared:
  /// on big inputs tens of thousands of listed flows have a few thousand distinct fact sets.
  std::shared_ptr<const fact_set> facts;
  std::shared_ptr<const config_assessment> config;  ///< of that connection, with --config
};

std::string explanation_of(const flow_finding& f);
std::string remediation_of(const flow_finding& f);  ///< empty when there is no fix to propose
/// What flow_finding::mixed means for this flow, as a sentence; empty when it is none.
std::string pattern_of(const flow_finding& f);

/// Internet noise: several public sources blocked the same way at the same server and port (scans,
/// or one broken service seen from many visitors). Reports show it as one entry.
struct flow_group {
  std::size_t first_flow = 0;          ///< index into diagnosis::flows of the representative
  std::vector<std::size_t> flows;      ///< every member, in flow order
  std::uint64_t connections = 0;
};

/// A known-benign flow to leave out of reports (a suppression file entry). Unset fields match anything.
struct suppression {
  std::optional<cidr> client, server;
  std::optional<std::uint16_t> port;
  std::optional<std::uint8_t> protocol;
  std::optional<verdict> outcome;
  std::string reason;  ///< required: why it is benign (shown in the count of suppressed flows)
  std::string where;   ///< file:line of the entry
};

/// Reads a suppression file: a YAML list of {client, server, port, protocol, verdict, reason}.
/// Problems are reported as "file:line:column: message" in `errors`.
std::vector<suppression> load_suppressions(const std::string& path, std::vector<std::string>& errors);

struct diagnose_filters {
  std::vector<cidr> client, server;  ///< CIDRs (any of)
  std::optional<std::uint16_t> port;
  std::optional<std::uint8_t> protocol;
  std::vector<std::string> enis;
  std::vector<suppression> suppressions;
};

struct diagnosis {
  /// Most severe first, then by connection count. A deque: findings are ~700 bytes each, and built as
  /// the builder's own are released, each takes the memory the last one gave back (a vector reserved
  /// beside them raised peak memory by their whole size, ~50 MB on 10 M records).
  std::deque<flow_finding> flows;
  connection_list connections;  ///< same order, per 5-tuple
  std::vector<flow_group> groups;               ///< groups of at least min_group_size public-source flows
  std::map<verdict, std::uint64_t> flow_counts, connection_counts;
  std::uint64_t suppressed_flows = 0;  ///< flows a suppression entry left out (not in flow_counts)
  std::vector<drift_finding> drift;    ///< with --config: where configuration and logs disagree (one per flow)
  std::uint64_t unlisted_ok_flows = 0; ///< healthy flows counted in flow_counts but not in `flows` (no keep_ok)
};

inline constexpr std::size_t min_group_size = 3;

/// Builds a diagnosis one connection at a time, so a caller never holds every connection: only the
/// ones the report lists (not `ok`, unless `keep_ok`) and one aggregate per flow are kept.
namespace detail {
class flow_store;
struct flow_acc;
}

class diagnosis_builder {
 public:
  /// `keep_connections` false leaves diagnosis::connections empty (reports that show flows only).
  diagnosis_builder(const rule_matcher& rules, diagnose_filters filters, bool keep_ok, bool keep_connections = true);
  ~diagnosis_builder();
  /// With configuration: name exact rules, propose fixes, and collect drift. The checker must outlive
  /// the builder.
  void use_config(const config_checker& checker) noexcept { config_ = &checker; }
  void add(connection&& c);
  /// A connection needs_detail() declined, as correlator::fill_details_only_for hands it over.
  void add(const connection_brief& b);
  /// From now on add() queues connections (in batches) for a thread of its own, which adds them in
  /// the same order: the caller (the correlator's resolver) goes on meanwhile. finish() waits for it.
  /// needs_detail() may still be called from the caller's thread: it reads nothing add() changes.
  void add_in_background();
  /// Whether add() will keep `c` (a report lists it) and so needs its names and evidence lines: for
  /// correlator::fill_details_only_for.
  bool needs_detail(const connection& c) const;
  diagnosis finish();

 private:
  void check_config(const connection& c, connection_finding& f, bool& drift_noted, bool kept);
  struct batch;
  void add_now(connection&& c);
  void add_now(const connection_brief& b);
  /// The same, with the flow key's hash already computed (detail::flow_store::hash).
  void add_now(connection&& c, std::uint64_t flow_hash);
  void add_now(const connection_brief& b, std::uint64_t flow_hash);
  void add_batch(batch& job);
  void count(std::uint32_t flow_index, detail::flow_acc& acc, verdict outcome, std::int64_t first, std::int64_t last,
             std::optional<std::int64_t> first_reject, std::optional<std::uint16_t> client_port);
  std::shared_ptr<const finding_templates> templates_of(const rule& r);
  std::shared_ptr<const fact_set> shared(const fact_set& facts);
  struct background;
  const rule_matcher& rules_;
  // needs_detail() runs on the correlator's resolver thread and add_now() on the adding thread: a memo
  // each, so neither locks.
  mutable rule_memo detail_memo_;
  rule_memo add_memo_;
  diagnose_filters filters_;
  bool keep_ok_;
  bool keep_connections_;
  const config_checker* config_ = nullptr;
  std::vector<drift_finding> drift_;
  std::unique_ptr<detail::flow_store> flows_;           ///< per-flow counters (src/diagnose/flow_store.hpp)
  std::vector<std::unique_ptr<flow_finding>> listed_;  ///< findings of the flows a report lists
  std::vector<std::array<std::uint32_t, 8>> listed_counts_;  ///< their connections per severity rank
  std::unordered_map<const rule*, std::shared_ptr<const finding_templates>> templates_;  ///< of rules met so far
  std::unordered_map<std::uint64_t, std::vector<std::shared_ptr<const fact_set>>> fact_sets_;  ///< by hash
  connection_list connections_;
  std::map<verdict, std::uint64_t> connection_counts_;
  /// Connections added on the caller's thread wait here for a batch (add_batch), as on the adding thread.
  std::unique_ptr<batch> here_;
  void flush_here();
  std::unique_ptr<background> background_;  ///< last: stops before the state it adds to goes
};

/// Every connection at once (tests, small inputs); keeps ok connections too.
diagnosis diagnose(std::vector<connection> connections, const rule_matcher& rules, const diagnose_filters& filters);

}  // namespace flowsleuth
