// Resolving connections during ingestion (correlator::resolve_as_you_go) must give exactly the
// diagnosis that resolving everything at the end gives, on time-ordered input.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "flowsleuth/correlate.hpp"
#include "flowsleuth/diagnose.hpp"
#include "flowsleuth/inputs.hpp"
#include "flowsleuth/report.hpp"
#include "collect.hpp"
#include "temp_files.hpp"
#include "test_paths.hpp"

using namespace flowsleuth;

namespace {

const rule_matcher& pack() {
  static const rule_matcher matcher = [] {
    rule_pack p = load_rule_pack({test::source_path("rules")});
    return rule_matcher(std::move(p.rules));
  }();
  return matcher;
}

struct run_result {
  diagnosis d;
  std::uint64_t resolved_early = 0, late = 0;
};

// `background`: resolution and the diagnosis' flow counters on threads of their own, names and evidence
// only for what the diagnosis keeps (as `diagnose` runs it).
run_result run(const std::vector<std::string>& paths, bool streaming, bool background = false) {
  correlate_options options;
  options.resolve_in_background = background;
  correlator corr(options);
  diagnosis_builder builder(pack(), {}, !background);
  const auto add = [&](connection&& c) { builder.add(std::move(c)); };
  const input_list inputs = collect_inputs(paths, {});
  if (streaming) corr.resolve_as_you_go(add, inputs);
  if (background) {
    corr.fill_details_only_for([&](const connection& c) { return builder.needs_detail(c); },
                               [&](const connection_brief& b) { builder.add(b); });
    builder.add_in_background();
  }
  ingest_options io;
  io.threads = 2;
  (void)ingest(inputs, io, corr);
  corr.finish(add);
  return {builder.finish(), corr.resolved_early(), corr.late_records()};
}

// Two hours of v5 records, one minute per window, in time order: each minute a healthy connection
// from the app (10.0.1.5) to the db (10.0.2.7:5432), logged at both ENIs; every seventh minute one
// whose replies the db subnet's ACL rejects; and one long connection that sends a record every
// 15 minutes (quiet for less than the resolution horizon, so it must stay one connection).
std::string two_hours(int first_minute, int minutes) {
  std::string out =
      "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
      "log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type "
      "sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path\n";
  const long t0 = 1714521600;
  auto rec = [&](const char* eni, const char* subnet, const char* src, const char* dst, int sp, int dp, long t,
                 const char* action, int flags, const char* dir) {
    out += fmt::format("5 123456789012 {} {} {} {} {} 6 3 180 {} {} {} OK vpc-1 {} - {} IPv4 {} {} us-east-1 use1-az1 - - - - {} -\n",
                       eni, src, dst, sp, dp, t, t + 5, action, subnet, flags, src, dst, dir);
  };
  for (int m = first_minute; m < first_minute + minutes; ++m) {
    const long t = t0 + m * 60;
    const int port = 40000 + m;
    const bool broken = m % 7 == 0;
    rec("eni-app", "subnet-app", "10.0.1.5", "10.0.2.7", port, 5432, t, "ACCEPT", 2, "egress");
    rec("eni-db", "subnet-db", "10.0.1.5", "10.0.2.7", port, 5432, t, "ACCEPT", 2, "ingress");
    rec("eni-db", "subnet-db", "10.0.2.7", "10.0.1.5", 5432, port, t, broken ? "REJECT" : "ACCEPT", 18, "egress");
    if (!broken) rec("eni-app", "subnet-app", "10.0.2.7", "10.0.1.5", 5432, port, t, "ACCEPT", 18, "ingress");
    if (m % 15 == 0) {
      rec("eni-app", "subnet-app", "10.0.1.5", "10.0.2.7", 39999, 5432, t, "ACCEPT", m == 0 ? 2 : 16, "egress");
      rec("eni-db", "subnet-db", "10.0.2.7", "10.0.1.5", 5432, 39999, t, "ACCEPT", m == 0 ? 18 : 16, "egress");
    }
  }
  return out;
}

}  // namespace

TEST_CASE("streaming resolution: the same diagnosis as resolving at the end, with most connections resolved early") {
  test::temp_dir dir;
  const auto path = dir.write("two-hours.log", two_hours(0, 120));
  const run_result batch = run({path}, false);
  const run_result stream = run({path}, true);

  CHECK(batch.resolved_early == 0);
  CHECK(stream.resolved_early > 60);  // everything but the last ~20 minutes and the long connection
  CHECK(stream.late == 0);
  REQUIRE(stream.d.flows.size() == batch.d.flows.size());
  for (std::size_t i = 0; i < batch.d.flows.size(); ++i) {
    const auto& a = batch.d.flows[i];
    const auto& b = stream.d.flows[i];
    CHECK(a.client.ip == b.client.ip);
    CHECK(a.server.port == b.server.port);
    CHECK(a.outcome == b.outcome);
    CHECK(a.rule_id == b.rule_id);
    CHECK(a.by_verdict == b.by_verdict);
  }
  CHECK(stream.d.connection_counts == batch.d.connection_counts);
  // 120 minute connections plus the long one; every seventh minute's replies rejected.
  CHECK(batch.d.connection_counts.at(verdict::blocked) == 18);
  std::uint64_t total = 0;
  for (const auto& [v, n] : batch.d.connection_counts) total += n;
  CHECK(total == 121);
}

TEST_CASE("streaming resolution: an unread input of unknown time holds resolution back") {
  test::temp_dir dir;
  // The second hour first, in files whose names say nothing about time: nothing may be resolved
  // while the first hour is still to come, so the result is the batch result.
  const auto second = dir.write("a-second-hour.log", two_hours(60, 60));
  const auto first = dir.write("b-first-hour.log", two_hours(0, 60));
  const run_result stream = run({second, first}, true);
  const run_result batch = run({second, first}, false);
  CHECK(stream.late == 0);
  CHECK(stream.d.connection_counts == batch.d.connection_counts);
  CHECK(stream.d.flows.size() == batch.d.flows.size());
}

TEST_CASE("streaming resolution: S3 objects whose contents contradict their key times are counted, not hidden") {
  test::temp_dir dir;
  // Key times say 00:00 then 01:00, but the contents are the other way round.
  const auto a = dir.write("123456789012_vpcflowlogs_us-east-1_fl-1_20240501T0000Z_aaaa.log", two_hours(60, 60));
  const auto b = dir.write("123456789012_vpcflowlogs_us-east-1_fl-1_20240501T0100Z_bbbb.log", two_hours(0, 60));
  const run_result lying = run({dir.path()}, true);
  CHECK(lying.late > 0);
  // Named truthfully, the same records resolve early with nothing late.
  test::temp_dir ok_dir;
  ok_dir.write("123456789012_vpcflowlogs_us-east-1_fl-1_20240501T0000Z_aaaa.log", two_hours(0, 60));
  ok_dir.write("123456789012_vpcflowlogs_us-east-1_fl-1_20240501T0100Z_bbbb.log", two_hours(60, 60));
  const run_result truthful = run({ok_dir.path()}, true);
  CHECK(truthful.late == 0);
  CHECK(truthful.resolved_early > 0);
  (void)a;
  (void)b;
}

TEST_CASE("streaming resolution: resolving on a thread of its own gives the same report") {
  test::temp_dir dir;
  const auto path = dir.write("two-hours.log", two_hours(0, 120));
  const run_result here = run({path}, true);
  const run_result beside = run({path}, true, true);
  CHECK(beside.resolved_early == here.resolved_early);
  CHECK(beside.d.connection_counts == here.d.connection_counts);
  // Only what is not ok is listed without --all; it must be listed exactly as resolving in place lists it.
  std::vector<const flow_finding*> listed;
  for (const auto& f : here.d.flows) {
    if (f.outcome != verdict::ok) listed.push_back(&f);
  }
  REQUIRE(beside.d.flows.size() == listed.size());
  REQUIRE(!listed.empty());
  for (std::size_t i = 0; i < listed.size(); ++i) {
    const auto& a = *listed[i];
    const auto& b = beside.d.flows[i];
    CHECK(a.client.eni == b.client.eni);
    CHECK(a.server.eni == b.server.eni);
    CHECK(a.rule_id == b.rule_id);
    CHECK(explanation_of(a) == explanation_of(b));
    CHECK(remediation_of(a) == remediation_of(b));
    CHECK(a.decided_by == b.decided_by);
    CHECK(a.by_verdict == b.by_verdict);
    REQUIRE(a.evidence.size() == b.evidence.size());
    for (std::size_t j = 0; j < a.evidence.size(); ++j) {
      CHECK(a.evidence[j].line == b.evidence[j].line);
      CHECK(a.evidence[j].eni == b.evidence[j].eni);
    }
    CHECK(a.failed_client_ports == b.failed_client_ports);
    CHECK(a.working_client_ports == b.working_client_ports);
  }
}

TEST_CASE("diagnosis builder: a flow's sentences, filled when read, are its deciding connection's") {
  test::temp_dir dir;
  const auto path = dir.write("two-hours.log", two_hours(0, 120));
  const run_result r = run({path}, true);  // keeps every connection
  REQUIRE(!r.d.flows.empty());
  std::size_t checked = 0;
  for (const auto& f : r.d.flows) {
    // The facts decided the verdict: the pack's best rule for them is the flow's rule.
    REQUIRE(f.facts != nullptr);
    const rule* best = pack().best(*f.facts);
    REQUIRE(best != nullptr);
    CHECK(best->id == f.rule_id);
    const auto deciding = std::find_if(r.d.connections.begin(), r.d.connections.end(), [&](const connection_finding& c) {
      return c.conn.client.ip == f.client.ip && c.conn.server.ip == f.server.ip && c.conn.protocol == f.protocol &&
             c.conn.server.port == f.server.port && c.outcome == f.outcome && c.conn.first == f.deciding.first;
    });
    REQUIRE(deciding != r.d.connections.end());
    CHECK(explanation_of(f) == explanation_of(*deciding));
    CHECK(remediation_of(f) == remediation_of(*deciding));
    CHECK(!explanation_of(f).empty());
    ++checked;
  }
  CHECK(checked == r.d.flows.size());
}

TEST_CASE("diagnosis builder: flows whose deciding connections have equal facts share one fact set") {
  test::temp_dir dir;
  const run_result r = run({dir.write("two-hours.log", two_hours(0, 120))}, true);
  const auto blocked = std::find_if(r.d.flows.begin(), r.d.flows.end(), [](const flow_finding& f) { return f.outcome != verdict::ok; });
  REQUIRE(blocked != r.d.flows.end());
  diagnosis_builder builder(pack(), {}, false);
  for (std::uint32_t i = 0; i < 3; ++i) {
    connection c;
    c.protocol = 6;
    c.client.ip = ip_address::v4(0x0a000105u + i);
    c.server.ip = ip_address::v4(0x0a000207u);
    c.server.port = 5432;
    c.facts = *blocked->facts;
    builder.add(std::move(c));
  }
  const diagnosis d = builder.finish();
  REQUIRE(d.flows.size() == 3);
  CHECK(d.flows[0].facts == d.flows[1].facts);  // the same object, not only equal
  CHECK(d.flows[1].facts == d.flows[2].facts);
  CHECK(*d.flows[0].facts == *blocked->facts);
  CHECK(d.flows[0].rule_id == blocked->rule_id);
  CHECK(explanation_of(d.flows[0]) != explanation_of(d.flows[1]));  // each names its own client
}

TEST_CASE("diagnosis builder: briefs count as ok connections of their flow, unless the filters leave them out") {
  diagnose_filters only_db;
  only_db.server.push_back(*cidr::parse("10.0.2.0/24"));
  diagnosis_builder builder(pack(), only_db, false);
  auto brief = [](std::uint32_t server, std::uint16_t client_port, std::int64_t first) {
    connection_brief b;
    b.protocol = 6;
    b.client = ip_address::v4(0x0a000105u);
    b.server = ip_address::v4(server);
    b.client_port = client_port;
    b.server_port = 5432;
    b.first = first;
    b.last = first + 60;
    return b;
  };
  builder.add(brief(0x0a000207u, 40000, 600));
  builder.add(brief(0x0a000207u, 40001, 0));
  builder.add(brief(0x0a000307u, 40002, 0));  // 10.0.3.7: not a server the filters ask about
  const diagnosis d = builder.finish();
  CHECK(d.flows.empty());  // ok flows are counted, not listed (no keep_ok)
  CHECK(d.unlisted_ok_flows == 1);
  CHECK(d.flow_counts.at(verdict::ok) == 1);
  CHECK(d.connection_counts.at(verdict::ok) == 2);
  CHECK(d.connection_counts.size() == 1);
}

TEST_CASE("diagnosis: with threads, thousands of listed flows get the findings the single-threaded finish gives") {
  // 5000 clients, each REJECTed twice on 5432 from two source ports and accepted once: 5000 listed
  // flows (enough for the finish to make their findings in two halves at once), each with port ranges.
  std::string log;
  const long t0 = 1714521600;
  for (int i = 0; i < 5000; ++i) {
    const std::string client = fmt::format("10.1.{}.{}", i / 250, i % 250 + 1);
    for (int k = 0; k < 3; ++k) {
      const long t = t0 + i + k * 100;
      log += fmt::format("2 123456789012 eni-db {} 10.0.2.7 {} 5432 6 1 60 {} {} {} OK\n", client, 40000 + i % 7 + k,
                         t, t + 5, k < 2 ? "REJECT" : "ACCEPT");
    }
  }
  test::temp_dir dir;
  const input_list inputs = collect_inputs({dir.write("many.log", log)}, {});
  correlator corr;
  ingest_options io;
  io.threads = 2;
  (void)ingest(inputs, io, corr);
  const std::vector<connection> conns = corr.finish();

  auto diagnose_with = [&](bool threaded) {
    diagnosis_builder builder(pack(), {}, false);
    if (threaded) builder.add_in_background();
    for (connection c : conns) builder.add(std::move(c));
    return builder.finish();
  };
  const diagnosis one = diagnose_with(false);
  const diagnosis two = diagnose_with(true);
  REQUIRE(one.flows.size() >= 5000);
  REQUIRE(two.flows.size() == one.flows.size());
  for (std::size_t i = 0; i < one.flows.size(); ++i) {
    const auto& a = one.flows[i];
    const auto& b = two.flows[i];
    CHECK(a.client.ip == b.client.ip);
    CHECK(a.server.port == b.server.port);
    CHECK(a.outcome == b.outcome);
    CHECK(a.rule_id == b.rule_id);
    CHECK(a.by_verdict == b.by_verdict);
    CHECK(a.connections == b.connections);
    CHECK(a.first == b.first);
    CHECK(a.first_reject == b.first_reject);
    CHECK(a.failed_client_ports == b.failed_client_ports);
    CHECK(a.working_client_ports == b.working_client_ports);
  }
  // Every client's REJECTed ports are there: the finish really filled the ranges.
  std::size_t with_failed = 0;
  for (const auto& fl : one.flows) with_failed += fl.failed_client_ports.empty() ? 0 : 1;
  CHECK(with_failed >= 5000);

  // The text report renders stretches of flows in two halves at once with threads: the same text.
  report_options single, threaded;
  threaded.threads = 2;
  const std::string text = render_report_text(two, {}, {}, single);
  CHECK(text.size() > 5000 * 200);
  CHECK(render_report_text(two, {}, {}, threaded) == text);
  // So does the JSON report's connections array, written in halves by forked writers.
  REQUIRE(two.connections.size() >= 10000);
  const std::string json = render_report_json(two, {}, {}, single);
  CHECK(json.size() > 10000 * 500);
  CHECK(render_report_json(two, {}, {}, threaded) == json);
}

// Records a custom format leaves incomplete are read but belong to no connection: the correlator
// counts them (and names the missing fields) so that `diagnose` can say so instead of "nothing
// blocked". The NAT-gateway example of the AWS guide has no protocol column.
TEST_CASE("diagnosis: records without an interface or without endpoints are counted, not silently dropped") {
  test::temp_dir dir;
  const std::string no_protocol = dir.write("nat.log",
                                            "- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5\n"
                                            "- eni-1235b8ca123456789 10.0.0.220 203.0.113.5 10.0.0.220 203.0.113.5\n");
  const std::string no_interface = dir.write("noeni.log",
                                             "10.0.1.5 10.0.2.7 40000 5432 6 ACCEPT OK\n"
                                             "10.0.2.7 10.0.1.5 5432 40000 6 ACCEPT OK\n"
                                             "- - - - - - NODATA\n");
  auto run_with = [](const std::string& path, const std::string& format) {
    correlator corr{correlate_options{}};
    ingest_options io;
    io.log_format = test::layout_from_names(format);
    const input_list inputs = collect_inputs({path}, {});
    (void)ingest(inputs, io, corr);
    const auto conns = corr.finish();
    return std::tuple{conns.size(), corr.records_without_interface(), corr.records_without_endpoints(),
                      corr.missing_endpoint_fields()};
  };
  {
    const auto [conns, no_eni, no_ends, missing] =
        run_with(no_protocol, "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr");
    CHECK(conns == 0);
    CHECK(no_eni == 0);
    CHECK(no_ends == 2);
    CHECK(missing == std::vector<std::string_view>{"protocol"});
  }
  {
    // The NODATA record has no flow to place: only the two flow records count.
    const auto [conns, no_eni, no_ends, missing] =
        run_with(no_interface, "srcaddr dstaddr srcport dstport protocol action log-status");
    CHECK(conns == 0);
    CHECK(no_eni == 2);
    CHECK(no_ends == 0);
    CHECK(missing.empty());
  }
}
