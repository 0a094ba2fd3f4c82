#include "flowsleuth/line_parser.hpp"

#include <fmt/format.h>

#include "parse/number_text.hpp"
#include "parse/split_fields.hpp"

namespace flowsleuth {
namespace {

const char* kind_complaint(field_kind k) noexcept {
  switch (k) {
    case field_kind::small_uint: return "not a number from 0 to 255";
    case field_kind::port: return "not a port number";
    case field_kind::count: return "not a non-negative 64-bit count";
    case field_kind::time: return "not a Unix time in seconds";
    case field_kind::address: return "not an IPv4 or IPv6 address";
    case field_kind::action: return "not ACCEPT or REJECT";
    case field_kind::log_status: return "not OK, NODATA or SKIPDATA";
    case field_kind::flow_direction: return "not ingress or egress";
    case field_kind::text: return "not text";
  }
  return "invalid";
}

}  // namespace

std::string_view to_string(action_t a) noexcept {
  switch (a) {
    case action_t::accept: return "ACCEPT";
    case action_t::reject: return "REJECT";
    case action_t::none: break;
  }
  return "-";
}

std::string_view to_string(log_status_t s) noexcept {
  switch (s) {
    case log_status_t::ok: return "OK";
    case log_status_t::nodata: return "NODATA";
    case log_status_t::skipdata: return "SKIPDATA";
    case log_status_t::none: break;
  }
  return "-";
}

std::string_view to_string(direction_t d) noexcept {
  switch (d) {
    case direction_t::ingress: return "ingress";
    case direction_t::egress: return "egress";
    case direction_t::none: break;
  }
  return "-";
}

namespace {

// Where a field's typed value lives in a flow_record, as a byte offset: one store per column instead
// of a second switch on the field in the hot loop.
std::uint16_t slot_of(field_id f) noexcept {
  static const flow_record probe{};
  const auto* base = reinterpret_cast<const char*>(&probe);
  auto at = [&](const auto& member) {
    return static_cast<std::uint16_t>(reinterpret_cast<const char*>(&member) - base);
  };
  switch (f) {
    case field_id::version: return at(probe.version);
    case field_id::protocol: return at(probe.protocol);
    case field_id::tcp_flags: return at(probe.tcp_flags);
    case field_id::traffic_path: return at(probe.traffic_path);
    case field_id::encryption_status: return at(probe.encryption_status);
    case field_id::srcport: return at(probe.srcport);
    case field_id::dstport: return at(probe.dstport);
    case field_id::packets: return at(probe.packets);
    case field_id::bytes: return at(probe.bytes);
    case field_id::packets_lost_no_route: return at(probe.packets_lost[0]);
    case field_id::packets_lost_blackhole: return at(probe.packets_lost[1]);
    case field_id::packets_lost_mtu_exceeded: return at(probe.packets_lost[2]);
    case field_id::packets_lost_ttl_expired: return at(probe.packets_lost[3]);
    case field_id::start: return at(probe.start);
    case field_id::end: return at(probe.end);
    case field_id::srcaddr: return at(probe.srcaddr);
    case field_id::dstaddr: return at(probe.dstaddr);
    case field_id::pkt_srcaddr: return at(probe.pkt_srcaddr);
    case field_id::pkt_dstaddr: return at(probe.pkt_dstaddr);
    default: return 0;
  }
}

template <class T>
T& member_at(flow_record& rec, std::uint16_t slot) noexcept {
  return *reinterpret_cast<T*>(reinterpret_cast<char*>(&rec) + slot);
}

}  // namespace

line_parser::line_parser(const layout& l) : layout_(&l) {
  std::uint8_t extra = 0;
  for (const auto& c : l.columns()) {
    if (c.field) {
      plan_.push_back({info(*c.field).kind, static_cast<std::uint8_t>(*c.field), 0, slot_of(*c.field)});
    } else {
      plan_.push_back({field_kind::text, 0xff, extra++, 0});
    }
  }
  tokens_.resize(plan_.size());
  extras_.resize(extra);
  default_order_ = plan_.size() == default_field_count;
  for (std::size_t i = 0; default_order_ && i < plan_.size(); ++i) default_order_ = plan_[i].field == i;
}

bool line_parser::parse(std::string_view line, flow_record& rec, line_error& err) {
  if (line.size() > max_line_bytes) {
    err = {"(line)", fmt::format("line is {} bytes long, more than the {} a record can be", line.size(),
                                 max_line_bytes)};
    return false;
  }
  // Split on runs of whitespace, refusing control bytes (binary data is never a record).
  const std::size_t want = plan_.size();
  std::size_t count = 0;
  std::size_t bad_at = line.size();
  detail::split_fields(line, [&](const char* s, const char* t) {
    if (count < want) tokens_[count] = std::string_view(s, static_cast<std::size_t>(t - s));
    ++count;
  }, bad_at);
  if (bad_at < line.size()) {
    err = {"(line)", fmt::format("binary data: byte 0x{:02x} at column {}", static_cast<unsigned char>(line[bad_at]),
                                 bad_at + 1)};
    return false;
  }
  if (count != want) {
    if (count < want) {
      err = {plan_[count].field == 0xff ? layout_->columns()[count].name
                                        : std::string(name_of(static_cast<field_id>(plan_[count].field))),
             fmt::format("missing: the line ends after {} fields, the layout has {}", count, want)};
    } else {
      err = {"(line)", fmt::format("too many fields: the line has {}, the layout {}", count, want)};
    }
    return false;
  }

  rec.present.reset();
  rec.action = action_t::none;
  rec.log_status = log_status_t::none;
  rec.flow_direction = direction_t::none;
  rec.source_layout = layout_;
  rec.extras = std::span<const std::string_view>(extras_.data(), extras_.size());
  for (std::size_t i = 0; i < want; ++i) {
    const std::string_view tok = tokens_[i];
    const column_plan& c = plan_[i];
    if (c.field == 0xff) {
      extras_[c.extra] = tok;
      continue;
    }
    rec.text[c.field] = tok;
    if (tok.size() == 1 && tok[0] == '-') continue;  // absent
    const auto id = static_cast<field_id>(c.field);
    bool ok = true;
    switch (c.kind) {
      case field_kind::text: break;
      case field_kind::small_uint:
        ok = detail::parse_unsigned(tok, 255, member_at<std::uint8_t>(rec, c.slot));
        break;
      case field_kind::port:
        ok = detail::parse_unsigned(tok, 65535, member_at<std::uint16_t>(rec, c.slot));
        break;
      case field_kind::count:
        ok = detail::parse_unsigned(tok, UINT64_MAX, member_at<std::uint64_t>(rec, c.slot));
        break;
      case field_kind::time:
        ok = detail::parse_unsigned(tok, static_cast<std::uint64_t>(INT64_MAX), member_at<std::int64_t>(rec, c.slot));
        break;
      case field_kind::address:
        ok = ip_address::parse_into(tok, member_at<ip_address>(rec, c.slot));
        break;
      case field_kind::action:
        if (tok == "ACCEPT") {
          rec.action = action_t::accept;
        } else if (tok == "REJECT") {
          rec.action = action_t::reject;
        } else {
          ok = false;
        }
        break;
      case field_kind::log_status:
        if (tok == "OK") {
          rec.log_status = log_status_t::ok;
        } else if (tok == "NODATA") {
          rec.log_status = log_status_t::nodata;
        } else if (tok == "SKIPDATA") {
          rec.log_status = log_status_t::skipdata;
        } else {
          ok = false;
        }
        break;
      case field_kind::flow_direction:
        if (tok == "ingress") {
          rec.flow_direction = direction_t::ingress;
        } else if (tok == "egress") {
          rec.flow_direction = direction_t::egress;
        } else {
          ok = false;
        }
        break;
    }
    if (!ok) {
      std::string shown(tok.substr(0, 40));
      err = {std::string(name_of(id)), fmt::format("'{}' is {}", shown, kind_complaint(c.kind))};
      return false;
    }
    rec.present.set(c.field);
  }
  // Fields the layout lacks keep stale values from earlier lines; `present` is the only truth.
  return true;
}

}  // namespace flowsleuth
