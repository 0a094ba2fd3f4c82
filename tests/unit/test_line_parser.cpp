#include <doctest/doctest.h>

#include <variant>

#include "collect.hpp"
#include "flowsleuth/line_parser.hpp"

using namespace flowsleuth;

namespace {

layout format(const char* names) { return test::layout_from_names(names); }

}  // namespace

TEST_CASE("C01: the documented accepted SSH record parses to exact values") {
  line_parser p(layout::v2_default());
  flow_record r;
  line_error e;
  REQUIRE(p.parse("2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 "
                  "1418530070 ACCEPT OK",
                  r, e));
  CHECK(r.version == 2);
  CHECK(r.str(field_id::account_id) == "123456789010");
  CHECK(r.str(field_id::interface_id) == "eni-1235b8ca123456789");
  CHECK(r.srcaddr.to_string() == "172.31.16.139");
  CHECK(r.dstaddr.to_string() == "172.31.16.21");
  CHECK(r.srcport == 20641);
  CHECK(r.dstport == 22);
  CHECK(r.protocol == 6);
  CHECK(r.packets == 20);
  CHECK(r.bytes == 4249);
  CHECK(r.start == 1418530010);
  CHECK(r.end == 1418530070);
  CHECK(r.action == action_t::accept);
  CHECK(r.log_status == log_status_t::ok);
  CHECK_FALSE(r.has(field_id::tcp_flags));
}

TEST_CASE("C03/C04: NODATA and SKIPDATA leave every per-flow field absent") {
  line_parser p(layout::v2_default());
  flow_record r;
  line_error e;
  REQUIRE(p.parse("2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA", r, e));
  CHECK(r.log_status == log_status_t::skipdata);
  CHECK(r.action == action_t::none);
  for (auto f : {field_id::srcaddr, field_id::dstaddr, field_id::srcport, field_id::dstport, field_id::protocol,
                 field_id::packets, field_id::bytes, field_id::action}) {
    CHECK_FALSE(r.has(f));
  }
  CHECK(r.start == 1431280876);
  CHECK(r.end == 1431280934);
}

TEST_CASE("C06: IPv6 records keep the default 14 fields") {
  line_parser p(layout::v2_default());
  flow_record r;
  line_error e;
  REQUIRE(p.parse("2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 "
                  "2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK",
                  r, e));
  CHECK(r.srcaddr.is_v6());
  CHECK(r.dstaddr.to_string() == "2001:db8:1234:a102:3304:8879:34cf:4071");
  CHECK(r.packets == 54);
}

TEST_CASE("C07c: runs of spaces separate fields (the documented double space)") {
  const layout l = format(
      "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr "
      "pkt-dstaddr protocol bytes packets start end action tcp-flags log-status");
  line_parser p(l);
  flow_record r;
  line_error e;
  REQUIRE(p.parse("3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 "
                  "123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43638  10.0.0.62 52.213.180.42 6 967 14 1566933133 "
                  "1566933193 ACCEPT 19 OK",
                  r, e));
  CHECK(r.bytes == 967);  // bytes come before packets in this format
  CHECK(r.packets == 14);
  CHECK(r.tcp_flags == 19);
  CHECK(r.dstport == 43638);
  CHECK(r.pkt_srcaddr.to_string() == "10.0.0.62");
  CHECK(r.str(field_id::type) == "IPv4");
  CHECK(r.str(field_id::subnet_id) == "subnet-aaaaaaaa012345678");
}

TEST_CASE("version 5, 8-11 and transit-gateway fields are typed") {
  SUBCASE("v5 service, path and direction") {
    const layout l = format(
        "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id "
        "instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr "
        "pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status");
    line_parser p(l);
    flow_record r;
    line_error e;
    REQUIRE(p.parse("5 10.0.0.71 52.95.128.179 34210 80 6 1616729292 1616729349 IPv4 7 471 123456789012 "
                    "vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 "
                    "ap-southeast-2 apse2-az3 - - ACCEPT 3 10.0.0.71 52.95.128.179 - S3 8 egress OK",
                    r, e));
    CHECK(r.flow_direction == direction_t::egress);
    CHECK(r.traffic_path == 8);
    CHECK(r.str(field_id::pkt_dst_aws_service) == "S3");
    CHECK_FALSE(r.has(field_id::pkt_src_aws_service));
    CHECK_FALSE(r.has(field_id::sublocation_type));
    CHECK(r.str(field_id::az_id) == "apse2-az3");
  }
  SUBCASE("v8-v11: reject-reason, encryption-status, tags, next hop") {
    const layout l = format(
        "version srcaddr dstaddr srcport dstport protocol start end action log-status reject-reason resource-id "
        "encryption-status instance-tag instance-tag-2 interface-tag interface-tag-2 asg-tag asg-tag-2 "
        "interface-type next-hop-interface-id next-hop-subnet-id next-hop-az-id next-hop-vpc-id "
        "next-hop-interface-type");
    line_parser p(l);
    flow_record r;
    line_error e;
    REQUIRE(p.parse("11 10.0.0.71 52.95.128.179 34210 80 6 1616729292 1616729349 REJECT OK BPA "
                    "nat-0c50d5961bcb2d47b 1 web web-2 eth0 eth0-2 my-asg my-asg-2 nat_gateway eni-1111aaaa2222bbbb3 "
                    "subnet-aaaaaaaa012345678 apse2-az3 vpc-abcdefab012345678 network_load_balancer",
                    r, e));
    CHECK(r.version == 11);
    CHECK(r.action == action_t::reject);
    CHECK(r.str(field_id::reject_reason) == "BPA");
    CHECK(r.encryption_status == 1);
    CHECK(r.str(field_id::instance_tag_2) == "web-2");
    CHECK(r.str(field_id::next_hop_interface_type) == "network_load_balancer");
  }
  SUBCASE("transit gateway v6 with packets-lost counters") {
    const layout l = layout_from_header(
        "version account-id tgw-id tgw-attachment-id tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id "
        "tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr "
        "srcport dstport protocol packets bytes packets-lost-no-route packets-lost-blackhole "
        "packets-lost-mtu-exceeded packets-lost-ttl-expired start end log-status type tcp-flags flow-direction region");
    line_parser p(l);
    flow_record r;
    line_error e;
    REQUIRE(p.parse("6 123456789012 tgw-0abc12345def67890 tgw-attach-0abc12345def67890 vpc-0abc12345def67890 "
                    "vpc-0def12345abc67890 subnet-0abc12345def67890 subnet-0def12345abc67890 eni-0abc12345def67890 "
                    "eni-0def12345abc67890 use1-az1 use1-az2 tgw-attach-0def12345abc67890 10.0.0.1 10.0.1.1 12345 443 "
                    "6 10 1000 1 2 3 4 1700000000 1700000060 OK IPv4 2 ingress us-east-1",
                    r, e));
    CHECK(r.version == 6);
    CHECK(r.packets_lost == std::array<std::uint64_t, 4>{1, 2, 3, 4});
    CHECK(r.str(field_id::tgw_src_eni) == "eni-0abc12345def67890");
    CHECK(r.flow_direction == direction_t::ingress);
  }
}

TEST_CASE("account-id stays text: leading zeros and 'unknown' survive") {
  line_parser p(layout::v2_default());
  flow_record r;
  line_error e;
  REQUIRE(p.parse("2 000000000042 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 10 20 ACCEPT OK", r, e));
  CHECK(r.str(field_id::account_id) == "000000000042");
  REQUIRE(p.parse("2 unknown eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 10 20 ACCEPT OK", r, e));
  CHECK(r.str(field_id::account_id) == "unknown");
}

TEST_CASE("malformed lines are rejected with the offending field named") {
  line_parser p(layout::v2_default());
  flow_record r;
  line_error e;
  struct bad_case {
    const char* line;
    const char* field;
    const char* reason_part;
  };
  for (auto [line, field, reason] : {
           bad_case{"2 1 eni-1 10.0.0.1 10.0.0.2 1 70000 6 1 40 10 20 ACCEPT OK", "dstport", "not a port number"},
           bad_case{"2 1 eni-1 10.0.0.1 10.0.0.256 1 2 6 1 40 10 20 ACCEPT OK", "dstaddr", "not an IPv4 or IPv6"},
           bad_case{"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 10 20 ALLOW OK", "action", "not ACCEPT or REJECT"},
           bad_case{"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 10 20 ACCEPT FINE", "log-status", "not OK, NODATA"},
           bad_case{"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 -5 40 10 20 ACCEPT OK", "packets", "not a non-negative"},
           bad_case{"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1e9 20 ACCEPT OK", "start", "not a Unix time"},
           bad_case{"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 300 1 40 10 20 ACCEPT OK", "protocol", "0 to 255"},
           bad_case{"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 10 20 ACCEPT", "log-status", "missing"},
           bad_case{"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 10 20 ACCEPT OK extra", "(line)", "too many fields"},
           bad_case{"bogus line", "interface-id", "missing"},
           bad_case{"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 10 20 ACC\x01PT OK", "(line)", "binary data"},
       }) {
    CHECK_FALSE_MESSAGE(p.parse(line, r, e), line);
    CHECK_MESSAGE(e.field == field, line);
    CHECK_MESSAGE(e.reason.find(reason) != std::string::npos, e.reason);
  }
  CHECK_FALSE(p.parse(std::string(max_line_bytes + 1, 'x'), r, e));
  CHECK(e.reason.find("bytes long") != std::string::npos);
}

TEST_CASE("unknown columns are kept as extras in layout order") {
  const layout l = std::get<layout>(parse_format_string("${version} ${future-a} ${action} ${future-b}"));
  line_parser p(l);
  flow_record r;
  line_error e;
  REQUIRE(p.parse("12 alpha REJECT beta", r, e));
  REQUIRE(r.extras.size() == 2);
  CHECK(r.extras[0] == "alpha");
  CHECK(r.extras[1] == "beta");
  CHECK(r.version == 12);
  CHECK(r.action == action_t::reject);
}
