// The shipped pack leaves no physically possible evidence unexplained: every combination of what the
// four observation points of a TCP connection can show, that packets could produce, is matched by some
// rule (an unmatched connection is reported as a list of facts, which tells a user nothing).

#include <doctest/doctest.h>

#include <array>
#include <optional>
#include <string>

#include "diagnose_runner.hpp"
#include "temp_files.hpp"

using namespace flowsleuth;

namespace {

enum class seen { accept, reject, both, none, unlogged };
constexpr std::array<seen, 4> logged_states{seen::accept, seen::reject, seen::both, seen::none};

const char* name(seen s) {
  switch (s) {
    case seen::accept: return "accept";
    case seen::reject: return "reject";
    case seen::both: return "both";
    case seen::none: return "none";
    case seen::unlogged: return "unlogged";
  }
  return "?";
}

bool silent(seen s) { return s == seen::none || s == seen::unlogged; }

// What packets can produce. A request rejected on the way out never reaches the server; one rejected on
// the way in is never answered; a reply rejected on the way out never reaches the client; a logged ENI
// that saw no request sent no reply.
bool possible(seen client_egress, seen server_ingress, seen server_egress, seen client_ingress) {
  if (client_egress == seen::reject && !(silent(server_ingress) && silent(server_egress) && silent(client_ingress))) {
    return false;
  }
  if (server_ingress == seen::reject && !(silent(server_egress) && silent(client_ingress))) return false;
  if (server_egress == seen::reject && !silent(client_ingress)) return false;
  if (server_ingress == seen::none && server_egress != seen::none) return false;
  if (server_egress == seen::none && !silent(client_ingress)) return false;
  return true;
}

std::string records(const char* eni, const char* src, const char* dst, int sport, int dport, int flags,
                    const char* way, seen s) {
  std::string out;
  auto line = [&](const char* action) {
    out += std::string("5 123456789012 ") + eni + " " + src + " " + dst + " " + std::to_string(sport) + " " +
           std::to_string(dport) + " 6 3 180 1700000000 1700000050 " + action + " OK " + std::to_string(flags) +
           " " + way + "\n";
  };
  if (s == seen::accept || s == seen::both) line("ACCEPT");
  if (s == seen::reject || s == seen::both) line("REJECT");
  return out;
}

}  // namespace

TEST_CASE("every possible combination of the four observation points is matched by a shipped rule") {
  const char* header =
      "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
      "log-status tcp-flags flow-direction\n";
  const char* client_eni = "eni-0aaaaaaaaaaaaaaa1";
  const char* server_eni = "eni-0bbbbbbbbbbbbbbb2";
  test::temp_dir dir;
  int checked = 0;
  // Each side is either not logged at all, or logged (another healthy connection makes its ENI known)
  // with one of four states at each of its two points.
  std::vector<std::optional<std::pair<seen, seen>>> sides{std::nullopt};
  for (seen a : logged_states) {
    for (seen b : logged_states) sides.emplace_back(std::pair{a, b});
  }
  for (const auto& client : sides) {
    for (const auto& server : sides) {
      const seen ce = client ? client->first : seen::unlogged, ci = client ? client->second : seen::unlogged;
      const seen si = server ? server->first : seen::unlogged, se = server ? server->second : seen::unlogged;
      if (silent(ce) && silent(ci) && silent(si) && silent(se)) continue;  // no connection at all
      if (!possible(ce, si, se, ci)) continue;
      std::string log = header;
      if (client) {
        log += records(client_eni, "10.0.1.5", "10.0.2.7", 41000, 5432, 2, "egress", ce);
        log += records(client_eni, "10.0.2.7", "10.0.1.5", 5432, 41000, 18, "ingress", ci);
        log += records(client_eni, "10.0.1.5", "10.0.3.9", 41001, 443, 2, "egress", seen::accept);
        log += records(client_eni, "10.0.3.9", "10.0.1.5", 443, 41001, 18, "ingress", seen::accept);
        log += std::string("5 123456789012 ") + client_eni + " - - - - - - - 1700000600 1700000660 - NODATA - -\n";
      }
      if (server) {
        log += records(server_eni, "10.0.1.5", "10.0.2.7", 41000, 5432, 2, "ingress", si);
        log += records(server_eni, "10.0.2.7", "10.0.1.5", 5432, 41000, 18, "egress", se);
        log += records(server_eni, "10.0.3.8", "10.0.2.7", 41002, 5432, 2, "ingress", seen::accept);
        log += records(server_eni, "10.0.2.7", "10.0.3.8", 5432, 41002, 18, "egress", seen::accept);
        log += std::string("5 123456789012 ") + server_eni + " - - - - - - - 1700000600 1700000660 - NODATA - -\n";
      }
      const std::string label = std::string("client ") + name(ce) + "/" + name(ci) + ", server " + name(si) + "/" +
                                name(se);
      CAPTURE(label);
      const diagnosis d = test::run_diagnosis({dir.write("case.log", log)});
      const flow_finding* f = nullptr;
      for (const auto& x : d.flows) {
        if (x.client.ip.to_string() == "10.0.1.5" && x.server.port == 5432) f = &x;
      }
      REQUIRE(f);
      CHECK_MESSAGE(!f->rule_id.empty(), "no rule matched: ", explanation_of(*f));
      ++checked;
    }
  }
  CHECK(checked > 40);
}
