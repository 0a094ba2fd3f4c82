// Suppression files: known-benign flows (a health checker's probes, a scanner you run yourself) that
// should not fill every report. Each entry must say why.

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "flowsleuth/correlate.hpp"
#include "flowsleuth/diagnose.hpp"

namespace flowsleuth {

namespace {

std::string at(const std::string& path, const YAML::Node& n) {
  return fmt::format("{}:{}:{}", path, n.Mark().line + 1, n.Mark().column + 1);
}

}  // namespace

std::vector<suppression> load_suppressions(const std::string& path, std::vector<std::string>& errors) {
  std::vector<suppression> out;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    errors.push_back(fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
    return out;
  }
  if (!root.IsSequence()) {
    errors.push_back(fmt::format("{}: a suppression file is a list of entries (- reason: …)", path));
    return out;
  }
  for (const auto& n : root) {
    if (!n.IsMap()) {
      errors.push_back(at(path, n) + ": an entry is a mapping of client, server, port, protocol, verdict, reason");
      continue;
    }
    suppression s;
    s.where = at(path, n);
    bool ok = true;
    for (const auto& kv : n) {
      const auto key = kv.first.as<std::string>();
      const auto& v = kv.second;
      const std::string text = v.IsScalar() ? v.as<std::string>() : "";
      if (key == "client" || key == "server") {
        auto range = cidr::parse(text);
        if (!range) {
          errors.push_back(at(path, v) + fmt::format(": {} '{}' is not an address or CIDR", key, text));
          ok = false;
        } else {
          (key == "client" ? s.client : s.server) = range;
        }
      } else if (key == "port") {
        const bool digits = !text.empty() && text.size() <= 5 &&
                            std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits || std::stoi(text) > 65535) {
          errors.push_back(at(path, v) + fmt::format(": port '{}' is not 0-65535", text));
          ok = false;
        } else {
          s.port = static_cast<std::uint16_t>(std::stoi(text));
        }
      } else if (key == "protocol") {
        s.protocol = parse_protocol(text);
        if (!s.protocol) {
          errors.push_back(at(path, v) + fmt::format(": protocol '{}' is not tcp, udp, icmp, icmpv6 or 0-255", text));
          ok = false;
        }
      } else if (key == "verdict") {
        s.outcome = parse_verdict(text);
        if (!s.outcome) {
          errors.push_back(at(path, v) + fmt::format(": '{}' is not a verdict (docs/verdicts.md)", text));
          ok = false;
        }
      } else if (key == "reason") {
        s.reason = text;
      } else {
        errors.push_back(at(path, kv.first) + fmt::format(": unknown key '{}'", key));
        ok = false;
      }
    }
    if (s.reason.empty()) {
      errors.push_back(s.where + ": every entry needs a reason: say why this flow is benign");
      ok = false;
    }
    if (ok) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace flowsleuth
