#pragma once
/// The catalogue of flow-log fields flowsleuth knows by name: VPC/ENI flow logs versions 2–11 and the
/// transit-gateway (version 6) set. Unknown names are not errors: a layout keeps them as extra columns.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowsleuth {

/// How a field's text is typed. Every kind also admits '-' (absent).
enum class field_kind : std::uint8_t {
  small_uint,      ///< version, protocol, tcp-flags, traffic-path, encryption-status (0–255)
  port,            ///< 0–65535
  count,           ///< unsigned 64-bit: packets, bytes, packets-lost-*
  time,            ///< Unix seconds
  address,         ///< IPv4 or IPv6, stored binary
  action,          ///< ACCEPT | REJECT
  log_status,      ///< OK | NODATA | SKIPDATA
  flow_direction,  ///< ingress | egress
  text,            ///< identifiers and names, kept as text (account-id stays a string: `unknown`, leading zeros)
};

enum class field_id : std::uint8_t {
  // version 2 (the default format, in its order)
  version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes,
  start, end, action, log_status,
  // version 3
  vpc_id, subnet_id, instance_id, tcp_flags, type, pkt_srcaddr, pkt_dstaddr,
  // version 4
  region, az_id, sublocation_type, sublocation_id,
  // version 5
  pkt_src_aws_service, pkt_dst_aws_service, flow_direction, traffic_path,
  // version 7 (ECS)
  ecs_cluster_arn, ecs_cluster_name, ecs_container_instance_arn, ecs_container_instance_id,
  ecs_container_id, ecs_second_container_id, ecs_service_name, ecs_task_definition_arn, ecs_task_arn,
  ecs_task_id,
  // version 8–11
  reject_reason, resource_id, encryption_status, instance_tag, instance_tag_2, interface_tag,
  interface_tag_2, asg_tag, asg_tag_2, interface_type, next_hop_interface_id, next_hop_subnet_id,
  next_hop_az_id, next_hop_vpc_id, next_hop_interface_type,
  // transit gateway flow logs (version 6)
  resource_type, tgw_id, tgw_attachment_id, tgw_src_vpc_account_id, tgw_dst_vpc_account_id,
  tgw_src_vpc_id, tgw_dst_vpc_id, tgw_src_subnet_id, tgw_dst_subnet_id, tgw_src_eni, tgw_dst_eni,
  tgw_src_az_id, tgw_dst_az_id, tgw_pair_attachment_id, packets_lost_no_route, packets_lost_blackhole,
  packets_lost_mtu_exceeded, packets_lost_ttl_expired,
};

inline constexpr std::size_t field_count = static_cast<std::size_t>(field_id::packets_lost_ttl_expired) + 1;

struct field_info {
  field_id id;
  std::string_view name;  ///< hyphenated, as an S3 header line spells it
  std::uint8_t version;   ///< the flow-log version that introduced it
  field_kind kind;
};

/// Catalogue entry for a field; never fails.
const field_info& info(field_id id) noexcept;
inline std::string_view name_of(field_id id) noexcept { return info(id).name; }

/// Looks a field up by name; accepts the underscored spelling (`log_status`) too.
std::optional<field_id> find_field(std::string_view name) noexcept;

/// `pkt_srcaddr` → `pkt-srcaddr`; other characters unchanged.
std::string hyphenate(std::string_view name);

}  // namespace flowsleuth
