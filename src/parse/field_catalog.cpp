#include "flowsleuth/field.hpp"

#include <algorithm>
#include <array>

namespace flowsleuth {
namespace {

using k = field_kind;
using f = field_id;

// Versions and kinds follow ../shared/domain/aws-flow-logs.md §1.2 (and the TGW set of §1.1).
constexpr std::array<field_info, field_count> catalogue{{
    {f::version, "version", 2, k::small_uint},
    {f::account_id, "account-id", 2, k::text},
    {f::interface_id, "interface-id", 2, k::text},
    {f::srcaddr, "srcaddr", 2, k::address},
    {f::dstaddr, "dstaddr", 2, k::address},
    {f::srcport, "srcport", 2, k::port},
    {f::dstport, "dstport", 2, k::port},
    {f::protocol, "protocol", 2, k::small_uint},
    {f::packets, "packets", 2, k::count},
    {f::bytes, "bytes", 2, k::count},
    {f::start, "start", 2, k::time},
    {f::end, "end", 2, k::time},
    {f::action, "action", 2, k::action},
    {f::log_status, "log-status", 2, k::log_status},
    {f::vpc_id, "vpc-id", 3, k::text},
    {f::subnet_id, "subnet-id", 3, k::text},
    {f::instance_id, "instance-id", 3, k::text},
    {f::tcp_flags, "tcp-flags", 3, k::small_uint},
    {f::type, "type", 3, k::text},
    {f::pkt_srcaddr, "pkt-srcaddr", 3, k::address},
    {f::pkt_dstaddr, "pkt-dstaddr", 3, k::address},
    {f::region, "region", 4, k::text},
    {f::az_id, "az-id", 4, k::text},
    {f::sublocation_type, "sublocation-type", 4, k::text},
    {f::sublocation_id, "sublocation-id", 4, k::text},
    {f::pkt_src_aws_service, "pkt-src-aws-service", 5, k::text},
    {f::pkt_dst_aws_service, "pkt-dst-aws-service", 5, k::text},
    {f::flow_direction, "flow-direction", 5, k::flow_direction},
    {f::traffic_path, "traffic-path", 5, k::small_uint},
    {f::ecs_cluster_arn, "ecs-cluster-arn", 7, k::text},
    {f::ecs_cluster_name, "ecs-cluster-name", 7, k::text},
    {f::ecs_container_instance_arn, "ecs-container-instance-arn", 7, k::text},
    {f::ecs_container_instance_id, "ecs-container-instance-id", 7, k::text},
    {f::ecs_container_id, "ecs-container-id", 7, k::text},
    {f::ecs_second_container_id, "ecs-second-container-id", 7, k::text},
    {f::ecs_service_name, "ecs-service-name", 7, k::text},
    {f::ecs_task_definition_arn, "ecs-task-definition-arn", 7, k::text},
    {f::ecs_task_arn, "ecs-task-arn", 7, k::text},
    {f::ecs_task_id, "ecs-task-id", 7, k::text},
    {f::reject_reason, "reject-reason", 8, k::text},
    {f::resource_id, "resource-id", 9, k::text},
    {f::encryption_status, "encryption-status", 10, k::small_uint},
    {f::instance_tag, "instance-tag", 11, k::text},
    {f::instance_tag_2, "instance-tag-2", 11, k::text},
    {f::interface_tag, "interface-tag", 11, k::text},
    {f::interface_tag_2, "interface-tag-2", 11, k::text},
    {f::asg_tag, "asg-tag", 11, k::text},
    {f::asg_tag_2, "asg-tag-2", 11, k::text},
    {f::interface_type, "interface-type", 11, k::text},
    {f::next_hop_interface_id, "next-hop-interface-id", 11, k::text},
    {f::next_hop_subnet_id, "next-hop-subnet-id", 11, k::text},
    {f::next_hop_az_id, "next-hop-az-id", 11, k::text},
    {f::next_hop_vpc_id, "next-hop-vpc-id", 11, k::text},
    {f::next_hop_interface_type, "next-hop-interface-type", 11, k::text},
    {f::resource_type, "resource-type", 6, k::text},
    {f::tgw_id, "tgw-id", 6, k::text},
    {f::tgw_attachment_id, "tgw-attachment-id", 6, k::text},
    {f::tgw_src_vpc_account_id, "tgw-src-vpc-account-id", 6, k::text},
    {f::tgw_dst_vpc_account_id, "tgw-dst-vpc-account-id", 6, k::text},
    {f::tgw_src_vpc_id, "tgw-src-vpc-id", 6, k::text},
    {f::tgw_dst_vpc_id, "tgw-dst-vpc-id", 6, k::text},
    {f::tgw_src_subnet_id, "tgw-src-subnet-id", 6, k::text},
    {f::tgw_dst_subnet_id, "tgw-dst-subnet-id", 6, k::text},
    {f::tgw_src_eni, "tgw-src-eni", 6, k::text},
    {f::tgw_dst_eni, "tgw-dst-eni", 6, k::text},
    {f::tgw_src_az_id, "tgw-src-az-id", 6, k::text},
    {f::tgw_dst_az_id, "tgw-dst-az-id", 6, k::text},
    {f::tgw_pair_attachment_id, "tgw-pair-attachment-id", 6, k::text},
    {f::packets_lost_no_route, "packets-lost-no-route", 6, k::count},
    {f::packets_lost_blackhole, "packets-lost-blackhole", 6, k::count},
    {f::packets_lost_mtu_exceeded, "packets-lost-mtu-exceeded", 6, k::count},
    {f::packets_lost_ttl_expired, "packets-lost-ttl-expired", 6, k::count},
}};

constexpr bool catalogue_is_indexed_by_id() {
  for (std::size_t i = 0; i < catalogue.size(); ++i) {
    if (static_cast<std::size_t>(catalogue[i].id) != i) return false;
  }
  return true;
}
static_assert(catalogue_is_indexed_by_id(), "catalogue order must follow field_id");

}  // namespace

const field_info& info(field_id id) noexcept { return catalogue[static_cast<std::size_t>(id)]; }

std::optional<field_id> find_field(std::string_view name) noexcept {
  if (name.empty() || name.size() > 40) return std::nullopt;
  char buf[40];
  for (std::size_t i = 0; i < name.size(); ++i) buf[i] = name[i] == '_' ? '-' : name[i];
  const std::string_view normal(buf, name.size());
  for (const auto& entry : catalogue) {
    if (entry.name == normal) return entry.id;
  }
  return std::nullopt;
}

std::string hyphenate(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

}  // namespace flowsleuth
