// A finding's explanation and fix, filled from its rule's templates when a report reads them: for a
// connection from the connection itself, for a flow from what it kept of its deciding connection.

#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>

#include "flowsleuth/diagnose.hpp"
#include "flowsleuth/time_util.hpp"

namespace flowsleuth {
namespace {

/// What the placeholders of docs/rules.md name, for one connection.
struct template_subject {
  std::uint8_t protocol = 0;
  const endpoint* client = nullptr;  ///< its port is not read: client_port is
  const endpoint* server = nullptr;
  std::optional<std::uint16_t> client_port;
  std::optional<std::int64_t> first_reject;
  std::int64_t first = 0, last = 0;
  bool placed = false;  ///< a blocking layer is placed, so blocking.* have values where these are not empty
  std::string_view blocking_eni, blocking_subnet;
};


std::optional<std::string> lookup(const template_subject& s, std::string_view name) {
  const endpoint& client = *s.client;
  const endpoint& server = *s.server;
  if (name == "client.ip") return client.ip.to_string();
  if (name == "server.ip") return server.ip.to_string();
  if (name == "client.port") return s.client_port ? std::optional(fmt::format("{}", *s.client_port)) : std::nullopt;
  if (name == "server.port") return server.port ? std::optional(fmt::format("{}", *server.port)) : std::nullopt;
  if (name == "protocol") return protocol_name(s.protocol);
  // ICMP has no ports: "icmp", where "{protocol} port {server.port}" read "icmp port unknown".
  if (name == "service") {
    return server.port ? fmt::format("{} port {}", protocol_name(s.protocol), *server.port) : protocol_name(s.protocol);
  }
  // Unknown ENIs and subnets read as a description, so sentences stay true without guessing ids.
  auto eni_of = [](const endpoint& e) { return e.eni.empty() ? fmt::format("the ENI of {}", e.ip.to_string()) : e.eni; };
  auto subnet_of = [&](const endpoint& e) { return e.subnet.empty() ? fmt::format("the subnet of {}", eni_of(e)) : e.subnet; };
  if (name == "client.eni") return eni_of(client);
  if (name == "server.eni") return eni_of(server);
  if (name == "client.subnet") return subnet_of(client);
  if (name == "server.subnet") return subnet_of(server);
  if (name == "first_reject") return s.first_reject ? std::optional(format_iso(*s.first_reject)) : std::nullopt;
  if (name == "time_range") return fmt::format("{} → {}", format_iso(s.first), format_iso(s.last));
  if (s.placed && (name == "blocking.eni" || name == "blocking.subnet")) {
    const std::string_view v = name == "blocking.eni" ? s.blocking_eni : s.blocking_subnet;
    return v.empty() ? std::nullopt : std::optional(std::string(v));
  }
  return std::nullopt;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

const fact_set& facts_or_none(const flow_finding& f) {
  static const fact_set none;
  return f.facts ? *f.facts : none;
}

template_subject flow_subject(const flow_finding& f) {
  template_subject s;
  s.protocol = f.protocol;
  s.client = &f.client;
  s.server = &f.server;
  s.client_port = f.deciding.client_port;
  s.first_reject = f.deciding.first_reject;
  s.first = f.deciding.first;
  s.last = f.deciding.last;
  s.placed = f.blocking.has_value();
  s.blocking_eni = f.blocking_eni;
  s.blocking_subnet = f.blocking_subnet;
  return s;
}

template_subject subject_of(const connection& c, const std::optional<rule_blocking>& blocking) {
  template_subject s;
  s.protocol = c.protocol;
  s.client = &c.client;
  s.server = &c.server;
  s.client_port = c.client.port;
  s.first_reject = c.first_reject;
  s.first = c.first;
  s.last = c.last;
  if (blocking) {
    const observation_point& p = enforcing_point(c, *blocking);
    s.placed = true;
    s.blocking_eni = p.eni;
    s.blocking_subnet = p.subnet;
  }
  return s;
}

std::string fill(std::string_view templ, const fact_set& facts, const template_subject& s) {
  return trim(expand_template(templ, facts, [&](std::string_view name) { return lookup(s, name); }));
}

// Without a rule, the facts: so a rule can be written for them.
std::string explanation(const finding_templates* t, const fact_set& facts, const template_subject& s) {
  if (t) {
    std::string out = fill(t->explain, facts, s);
    // diagnose caps such a verdict at likely; the reader should see on what it rests.
    if (s.placed && facts.word(fact_id::direction_source) == std::optional<std::string_view>("ports")) {
      out += " Which side the logging ENI is on was read from the ports alone (its own address is not in all of "
             "its records, and the format has no flow-direction): if it is the other side's ENI, the other subnet "
             "and direction apply.";
    }
    return out;
  }
  std::string out = "no rule of the pack matches this evidence:";
  for (const auto& [name, value] : facts.entries()) out += fmt::format(" {}={}", name, value);
  return out;
}

std::string remediation(const finding_templates* t, const fact_set& facts, const template_subject& s) {
  return t ? fill(t->fix, facts, s) : std::string();
}

}  // namespace

std::shared_ptr<const finding_templates> fixed_text(std::string_view explanation, std::string_view remediation) {
  auto escaped = [](std::string_view text) {
    std::string out;
    for (const char ch : text) {
      out += ch;
      if (ch == '{' || ch == '}') out += ch;
    }
    return out;
  };
  return std::make_shared<const finding_templates>(finding_templates{escaped(explanation), escaped(remediation)});
}

std::string explanation_of(const flow_finding& f) { return explanation(f.text.get(), facts_or_none(f), flow_subject(f)); }

std::string remediation_of(const flow_finding& f) { return remediation(f.text.get(), facts_or_none(f), flow_subject(f)); }

std::string pattern_of(const flow_finding& f) {
  if (f.mixed == flow_mix::by_client_port) {
    return "the failing client ports lie beyond the working ones: replies go to the client's port, so a network ACL "
           "entry whose port range leaves these out would do this";
  }
  if (f.mixed == flow_mix::over_time_or_icmp_type) {
    return "blocked at some times or for some ICMP only: security-group and network-ACL rules can match the ICMP "
           "type and code, which flow logs do not record, so either those differ (echo allowed, other types not) "
           "or a rule changed (CloudTrail, around the first REJECT)";
  }
  if (f.mixed != flow_mix::over_time) return {};
  const auto ok = f.by_verdict.find(verdict::ok);
  const std::uint64_t through = ok == f.by_verdict.end() ? 0 : ok->second;
  const bool replies = f.blocking && f.blocking->leg == traffic_leg::response;
  return fmt::format(
      "blocked at some times only: {} {} through {}, which no security-group or network-ACL rule tells apart — a "
      "rule changed (CloudTrail, around the first REJECT)",
      through, through == 1 ? "connection went" : "connections went",
      replies ? "on client ports among the failing ones" : "with the same addresses and port");
}

std::string explanation_of(const connection_finding& f) {
  return explanation(f.text.get(), f.conn.facts, subject_of(f.conn, f.blocking));
}

std::string remediation_of(const connection_finding& f) {
  return remediation(f.text.get(), f.conn.facts, subject_of(f.conn, f.blocking));
}

}  // namespace flowsleuth
