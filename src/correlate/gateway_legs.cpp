// The NAT-gateway join: a NAT gateway remaps the client's source port, so the client's leg and the
// gateway's own leg to the server share no 5-tuple. The gateway's legs are indexed by its ENI, the server,
// the port and the protocol, and a client's leg seen through that ENI is joined to the ones at the same time.

#include <algorithm>

#include "correlate/correlation_state.hpp"

namespace flowsleuth::detail {

// A gateway ENI sits between the endpoints of some connection: its own addresses are known and are
// neither end's.
void note_gateway_enis(correlator::state& st, const keyed_conn& kc, const std::vector<std::vector<ip_address>>& own_of) {
  const auto& [k, c] = kc;
  for (const auto& v : c.views) {
    const auto& own = own_of[v.eni];
    if (!own.empty() && !contains(own, k.a) && !contains(own, k.b)) st.gateway_enis.insert(v.eni);
  }
}

// Indexes the gateways' own legs in a batch: a view of a gateway ENI on a connection where that ENI is
// itself one end (NAT gateway → server).
void index_gateway_legs(correlator::state& st, const std::vector<keyed_conn*>& batch,
                        const std::vector<std::vector<ip_address>>& own_of, std::int64_t oldest) {
  if (st.gateway_enis.empty()) return;
  for_each_fetched_ahead(batch, [&](const keyed_conn& kc) {
    const auto& [k, c] = kc;
    for (const auto& v : c.views) {
      if (!st.gateway_enis.count(v.eni)) continue;
      const auto& own = own_of[v.eni];
      const bool is_a = contains(own, k.a);
      if (!is_a && !contains(own, k.b)) continue;
      const int req = is_a ? 0 : 1;  // gateway → peer
      gateway_leg g;
      g.first = c.first;
      g.last = c.last;
      g.request_accepted = c.ev(v, req, 0).any();
      g.request_rejected = c.ev(v, req, 1).any();
      g.response_accepted = c.ev(v, 1 - req, 0).any();
      g.response_rejected = c.ev(v, 1 - req, 1).any();
      for (const auto& [way, rejected] : {std::pair{1 - req, 1}, std::pair{req, 1}, std::pair{req, 0}}) {
        for (const line_ref& l : c.lines) {
          if (g.line_count < g.lines.size() && l.belongs_to(v.eni, way, rejected)) g.lines[g.line_count++] = l;
        }
      }
      const gateway_leg_key key{v.eni, is_a ? k.b : k.a, is_a ? k.pb : k.pa, k.protocol};
      st.gateway_legs[key].push_back(g);
    }
  });
  // Legs far older than this batch can no longer overlap a connection still to be resolved.
  if (oldest != INT64_MAX) {
    for (auto it = st.gateway_legs.begin(); it != st.gateway_legs.end();) {
      std::erase_if(it->second, [&](const gateway_leg& g) { return g.last < oldest - 2400; });
      it = it->second.empty() ? st.gateway_legs.erase(it) : std::next(it);
    }
  }
}

// The gateway's own leg to this connection's server at the same time (start/end lag by up to 60 s on
// each ENI, so ±120 s): what happened there. Fills `conn.via` with the gateway ENI and that evidence.
std::string_view join_gateway_leg(const correlator::state& st, const eni_snapshot& snap, const view_state& gateway,
                                  connection& conn, bool detail) {
  if (detail) {
    const eni_state& e = snap.enis.at(gateway.eni);
    conn.via.eni = e.name;
    conn.via.subnet = snap.strings[e.subnet];
  }
  const gateway_leg_key key{gateway.eni, conn.server.ip, conn.server.port.value_or(0), conn.protocol};
  const auto it = st.gateway_legs.find(key);
  bool any = false, req_acc = false, req_rej = false, resp_acc = false, resp_rej = false;
  evidence_acc rejected, accepted;
  std::vector<line_ref> lines;  // as the gateway's view: one way, REJECT or ACCEPT
  if (it != st.gateway_legs.end()) {
    for (const auto& g : it->second) {
      if (g.last < conn.first - 120 || g.first > conn.last + 120) continue;
      any = true;
      req_acc |= g.request_accepted;
      req_rej |= g.request_rejected;
      resp_acc |= g.response_accepted;
      resp_rej |= g.response_rejected;
      for (std::size_t i = 0; i < g.line_count; ++i) {
        const bool is_reject = g.lines[i].action == action_t::reject;
        evidence_acc& into = is_reject ? rejected : accepted;
        ++into.records;
        if (into.line_count < evidence_acc::max_lines && detail) {
          line_ref l = g.lines[i];
          l.eni = gateway.eni;
          l.way = 0;
          l.rejected = is_reject ? 1 : 0;
          lines.push_back(l);
          ++into.line_count;
        }
      }
    }
  }
  conn.via.accepted = detail ? expand(accepted, lines, gateway.eni, 0, 0, snap) : summarize(accepted);
  conn.via.rejected = detail ? expand(rejected, lines, gateway.eni, 0, 1, snap) : summarize(rejected);
  conn.via.state = state_of(conn.via.accepted, conn.via.rejected);
  if (!any) return "unknown";
  if (resp_rej && !resp_acc) return "response-rejected";
  if (req_rej && !req_acc) return "request-rejected";
  if (req_acc && resp_acc && !req_rej && !resp_rej) return "ok";
  return "unknown";  // the gateway's legs at that time disagree: which one is this connection's is not known
}

}  // namespace flowsleuth::detail
