// The conversation graph: hosts (with their ENI) as nodes, flows as edges coloured by verdict, blocked
// edges labelled with the layer. Built with Boost.Graph and written with its Graphviz writer.

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>

#include <fmt/format.h>
#include <map>
#include <sstream>

#include "flowsleuth/report.hpp"

namespace flowsleuth {
namespace {

struct host_node {
  std::string label;
};
struct flow_edge {
  std::string label;
  std::string color;
  bool bold = false;
};
using conversation_graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, host_node, flow_edge>;

std::string verdict_color(verdict v) {
  switch (v) {
    case verdict::blocked: return "red";
    case verdict::refused:
    case verdict::no_response: return "orange";
    case verdict::unobserved_peer:
    case verdict::inconclusive: return "goldenrod";
    case verdict::late_packets:
    case verdict::not_captured: return "gray50";
    case verdict::ok: return "forestgreen";
  }
  return "black";
}

// Labels are written inside double quotes; `\n` in them is Graphviz's line break and stays as is.
std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string render_report_dot(const diagnosis& d, const report_options& options) {
  conversation_graph g;
  std::map<std::string, conversation_graph::vertex_descriptor> nodes;
  auto node = [&](const endpoint& e) {
    const std::string key = e.ip.to_string();
    auto it = nodes.find(key);
    if (it != nodes.end()) return it->second;
    const auto v = boost::add_vertex(host_node{e.eni.empty() ? key : key + "\\n" + e.eni}, g);
    nodes.emplace(key, v);
    return v;
  };
  for (const auto& f : d.flows) {
    if (!options.all && f.outcome == verdict::ok) continue;
    std::string label = protocol_name(f.protocol);
    if (f.server.port) label += fmt::format("/{}", *f.server.port);
    label += fmt::format("\\n{}", to_string(f.outcome));
    if (f.blocking && f.outcome == verdict::blocked) label += fmt::format("\\n{}", to_string(f.blocking->layer));
    if (f.connections > 1) label += fmt::format(" ×{}", f.connections);
    boost::add_edge(node(f.client), node(f.server),
                    flow_edge{label, verdict_color(f.outcome), f.outcome == verdict::blocked}, g);
  }
  std::ostringstream out;
  boost::write_graphviz(
      out, g,
      [&](std::ostream& os, conversation_graph::vertex_descriptor v) {
        os << "[label=\"" << escaped(g[v].label) << "\", shape=box]";
      },
      [&](std::ostream& os, conversation_graph::edge_descriptor e) {
        os << "[label=\"" << escaped(g[e].label) << "\", color=" << g[e].color << ", fontcolor=" << g[e].color
           << (g[e].bold ? ", penwidth=2" : "") << "]";
      },
      [](std::ostream& os) { os << "rankdir=LR;\nnode [fontname=\"Helvetica\"];\nedge [fontname=\"Helvetica\"];\n"; });
  return out.str();
}

}  // namespace flowsleuth

