// flowsleuth_bench_gen: writes large, realistic AWS VPC flow logs for the benchmark (bench/run.sh).
//
//   flowsleuth_bench_gen --records N --format v2|v5 --out FILE [--seed S] [--quiet]
//
// The traffic is modelled rather than random tokens, because the parser's cost depends on what the
// lines look like (address lengths, digit counts, the share of '-' fields) and because later
// features — correlating the two ends of a connection, explaining REJECTs — will be benchmarked on
// the same files. So: ~200 ENIs in a three-tier VPC; every connection between two of them is logged
// from both ends (client egress, server ingress, and the response on both ENIs); a few percent are
// rejected on the way in or on the way back; capture windows advance 60 s at a time through the file.
//
// Output is a pure function of --seed and --records: the RNG and the distributions are written here
// because the standard library's distributions differ between implementations.

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace {

constexpr std::string_view account_id = "123456789012";
constexpr std::string_view region_name = "us-east-1";
constexpr std::int64_t first_window = 1714521600;  // 2024-05-01T00:00:00Z
constexpr std::int64_t window_seconds = 60;
// ~200 ENIs at ~100 records a minute each; decides how many hours a file spans.
constexpr std::uint32_t records_per_window = 20000;

constexpr std::string_view v5_header =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end "
    "action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id "
    "sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path";

enum class log_format : std::uint8_t { v2, v5 };

// splitmix64: tiny, fast, and good enough that no pattern shows in ports or addresses.
class rng {
 public:
  explicit rng(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// [0, n), multiply-shift: the bias for n < 2^32 is far below anything a benchmark could notice.
  std::uint32_t below(std::uint32_t n) noexcept { return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32); }
  std::uint32_t between(std::uint32_t lo, std::uint32_t hi) noexcept { return lo + below(hi - lo + 1); }
  bool chance(double p) noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }

 private:
  std::uint64_t state_;
};

std::string aws_id(rng& r, std::string_view prefix) {
  std::string s(prefix);
  for (int i = 0; i < 17; ++i) s += "0123456789abcdef"[r.below(16)];
  return s;
}

std::string v4_text(std::uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

enum class role : std::uint8_t { web, app, db, dns, bastion, monitor, idle, count_ };

struct subnet_info {
  std::string id;
  std::string_view az_id;
  std::uint32_t v4_base;
  std::string v6_prefix;      // first four groups and a trailing ':'
  std::uint32_t next_host = 4;  // AWS reserves .0–.3 of every subnet
};

struct eni {
  std::string id, instance, v4, v6;
  std::size_t subnet;
  role kind;
  std::uint16_t service_port;  // what it listens on; 0 when it only makes connections
  bool high_ephemeral;         // Windows/ELB-style client ports 49152–65535 instead of Linux 32768–60999
};

// A peer outside the VPC: it has no log of its own.
struct remote {
  std::string addr;
  std::string_view aws_service;  // pkt-*-aws-service: "-" unless the range belongs to an AWS service
  std::uint8_t path;             // traffic-path of egress towards it
};

struct endpoint {
  const eni* nic = nullptr;      // inside the VPC: its log gets a record
  const remote* pooled = nullptr;
  std::array<char, 40> own{};    // a one-off outside address (internet clients, scanners)
  std::uint8_t own_len = 0;

  std::string_view addr(bool v6) const noexcept {
    if (nic) return v6 ? std::string_view(nic->v6) : std::string_view(nic->v4);
    if (pooled) return pooled->addr;
    return {own.data(), own_len};
  }
  std::string_view aws_service() const noexcept { return pooled ? pooled->aws_service : "-"; }
  std::uint8_t path_towards() const noexcept {
    if (nic) return 1;  // through another resource in the same VPC
    return pooled ? pooled->path : 8;  // 8: through an internet gateway
  }
};

enum class traffic : std::uint8_t { https, http, database, ssh, dns, ntp, icmp, scan };
enum class fate : std::uint8_t { ok, inbound_reject, server_egress_reject, client_ingress_reject };
enum class phase : std::uint8_t { whole, open, middle, close };

struct connection {
  endpoint client, server;
  std::uint16_t client_port = 0, server_port = 0;
  std::uint8_t protocol = 6;
  bool v6 = false;
  traffic kind = traffic::https;
  fate outcome = fate::ok;
  std::uint32_t windows_left = 0;  // long-lived connections: windows still to log
};

struct volume {
  std::uint64_t packets, bytes;
};

struct stats {
  std::uint64_t records = 0, rejects = 0, v6 = 0, udp = 0, icmp = 0, nodata = 0, skipdata = 0, bytes = 0;
};

char* put(char* p, std::string_view s) noexcept {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}
char* put_uint(char* p, std::uint64_t v) noexcept { return std::to_chars(p, p + 20, v).ptr; }

// One capture window's lines. They are shuffled before writing: a real delivery interleaves ENIs,
// so the two ends of a connection are rarely adjacent.
class window_lines {
 public:
  static constexpr std::size_t max_line = 1024;

  void reset(std::size_t budget) {
    used_ = 0;
    spans_.clear();
    budget_ = budget;
  }
  bool full() const noexcept { return spans_.size() >= budget_; }
  std::size_t budget() const noexcept { return budget_; }
  void set_budget(std::size_t budget) noexcept { budget_ = budget; }
  std::size_t size() const noexcept { return spans_.size(); }
  char* begin_line() {
    if (arena_.size() - used_ < max_line) arena_.resize(std::max(arena_.size() * 2, used_ + max_line));
    return arena_.data() + used_;
  }
  std::size_t end_line(char* end) {
    const auto len = static_cast<std::size_t>(end - (arena_.data() + used_));
    spans_.push_back({static_cast<std::uint32_t>(used_), static_cast<std::uint32_t>(len)});
    used_ += len;
    return len;
  }
  void shuffle(rng& r) {
    for (std::size_t i = spans_.size(); i > 1; --i) {
      std::swap(spans_[i - 1], spans_[r.below(static_cast<std::uint32_t>(i))]);
    }
  }
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const auto& [off, len] : spans_) fn(std::string_view(arena_.data() + off, len));
  }

 private:
  std::vector<char> arena_;
  std::size_t used_ = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> spans_;
  std::size_t budget_ = 0;
};

class output {
 public:
  explicit output(std::FILE* f) : file_(f), buf_(16u << 20) {}
  void write(std::string_view s) {
    if (buf_.size() - used_ < s.size()) flush();
    std::memcpy(buf_.data() + used_, s.data(), s.size());
    used_ += s.size();
  }
  bool flush() {
    if (used_ && std::fwrite(buf_.data(), 1, used_, file_) != used_) failed_ = true;
    used_ = 0;
    return !failed_;
  }
  bool failed() const noexcept { return failed_; }

 private:
  std::FILE* file_;
  std::vector<char> buf_;
  std::size_t used_ = 0;
  bool failed_ = false;
};

class generator {
 public:
  generator(std::uint64_t seed, log_format format) : rng_(seed), format_(format) { build_vpc(); }

  bool run(std::uint64_t records, std::FILE* file) {
    output out(file);
    if (format_ == log_format::v5) {
      out.write(v5_header);
      out.write("\n");
    }
    std::uint64_t written = 0;
    window_ = first_window;
    while (written < records) {
      // Traffic is not flat: each window carries ±15% of the nominal load.
      const std::uint32_t nominal = rng_.between(records_per_window * 85 / 100, records_per_window * 115 / 100);
      lines_.reset(static_cast<std::size_t>(std::min<std::uint64_t>(nominal, records - written)));
      fill_window();
      lines_.shuffle(rng_);
      lines_.for_each([&](std::string_view l) { out.write(l); });
      written += lines_.size();
      window_ += window_seconds;
      if (out.failed()) return false;
    }
    return out.flush();
  }

  const stats& counts() const noexcept { return stats_; }
  std::int64_t last_window() const noexcept { return window_; }

 private:
  void build_vpc();
  const eni& pick(role r) {
    const auto& list = by_role_[static_cast<std::size_t>(r)];
    return enis_[list[rng_.below(static_cast<std::uint32_t>(list.size()))]];
  }
  const eni& pick_busy() {
    // Anything that carries traffic; idle ENIs only ever report NODATA.
    for (;;) {
      const eni& e = enis_[rng_.below(static_cast<std::uint32_t>(enis_.size()))];
      if (e.kind != role::idle) return e;
    }
  }
  std::uint16_t ephemeral_port(const eni* e) {
    const bool high = e ? e->high_ephemeral : rng_.chance(0.5);
    return static_cast<std::uint16_t>(high ? rng_.between(49152, 65535) : rng_.between(32768, 60999));
  }
  void internet_address(endpoint& ep, bool v6);

  void fill_window();
  connection new_connection();
  void log_connection(const connection& c, phase ph);
  volume draw_volume(traffic kind, bool forward, phase ph, bool v6);
  void log_leg(const connection& c, bool forward, bool at_client, bool reject, volume v, std::int64_t start,
               std::int64_t end, std::uint8_t flags);
  void log_status(const eni& e, std::string_view status);

  rng rng_;
  log_format format_;
  std::string vpc_id_;
  std::vector<subnet_info> subnets_;
  std::vector<eni> enis_;
  std::array<std::vector<std::size_t>, static_cast<std::size_t>(role::count_)> by_role_;
  std::vector<remote> services_v4_, services_v6_, ntp_servers_;
  std::vector<connection> long_lived_;
  window_lines lines_;
  std::int64_t window_ = first_window;
  stats stats_;
};

void generator::build_vpc() {
  vpc_id_ = aws_id(rng_, "vpc-");
  const std::uint32_t v6_site = rng_.between(0x100, 0xfff);
  struct subnet_plan {
    std::string_view az;
    std::uint32_t third_octet;
  };
  // web, app, data in two AZs, plus a management subnet.
  constexpr std::array<subnet_plan, 7> plans{{{"use1-az1", 1},
                                              {"use1-az2", 2},
                                              {"use1-az1", 11},
                                              {"use1-az2", 12},
                                              {"use1-az1", 21},
                                              {"use1-az2", 22},
                                              {"use1-az4", 31}}};
  for (std::size_t i = 0; i < plans.size(); ++i) {
    subnets_.push_back({aws_id(rng_, "subnet-"), plans[i].az, (10u << 24) | (plans[i].third_octet << 8),
                        fmt::format("2600:1f18:{:x}:{:x}:", v6_site, 0x6e00 + i), 4});
  }
  auto add = [&](role kind, std::size_t subnet, std::uint16_t port) {
    subnet_info& sn = subnets_[subnet];
    eni e;
    e.id = aws_id(rng_, "eni-");
    // RDS and ElastiCache interfaces belong to no instance of the account.
    e.instance = kind == role::db ? "-" : aws_id(rng_, "i-");
    e.v4 = v4_text(sn.v4_base + sn.next_host++);
    e.v6 = fmt::format("{}{:x}:{:x}:{:x}:{:x}", sn.v6_prefix, rng_.between(1, 0xffff), rng_.below(0x10000),
                       rng_.below(0x10000), rng_.between(1, 0xffff));
    e.subnet = subnet;
    e.kind = kind;
    e.service_port = port;
    e.high_ephemeral = rng_.chance(0.2);
    by_role_[static_cast<std::size_t>(kind)].push_back(enis_.size());
    enis_.push_back(std::move(e));
  };
  for (std::size_t i = 0; i < 40; ++i) add(role::web, i % 2, 443);
  for (std::size_t i = 0; i < 90; ++i) add(role::app, 2 + i % 2, i % 10 < 7 ? 443 : 80);
  for (std::size_t i = 0; i < 50; ++i) {
    add(role::db, 4 + i % 2, i < 20 ? 5432 : i < 35 ? 3306 : 6379);
  }
  for (std::size_t i = 0; i < 4; ++i) add(role::dns, 2 + i % 2, 53);
  for (std::size_t i = 0; i < 2; ++i) add(role::bastion, 6, 22);
  for (std::size_t i = 0; i < 4; ++i) add(role::monitor, 6, 0);
  for (std::size_t i = 0; i < 10; ++i) add(role::idle, 2 + i % 2, 0);

  // Destinations on the internet: S3 and DynamoDB go through gateway endpoints (traffic-path 7).
  for (int i = 0; i < 20; ++i) {
    services_v4_.push_back({fmt::format("52.216.{}.{}", rng_.below(256), rng_.between(1, 254)), "S3", 7});
  }
  for (int i = 0; i < 6; ++i) {
    services_v4_.push_back({fmt::format("52.94.{}.{}", rng_.between(0, 31), rng_.between(1, 254)), "DYNAMODB", 7});
  }
  for (int i = 0; i < 10; ++i) {
    services_v4_.push_back({fmt::format("54.239.{}.{}", rng_.below(64), rng_.between(1, 254)), "AMAZON", 8});
  }
  constexpr std::array<std::string_view, 3> others{"140.82.{}.{}", "151.101.{}.{}", "104.16.{}.{}"};
  for (int i = 0; i < 24; ++i) {
    services_v4_.push_back(
        {fmt::format(fmt::runtime(others[static_cast<std::size_t>(i) % others.size()]), rng_.below(256),
                     rng_.between(1, 254)),
         "-", 8});
  }
  for (int i = 0; i < 8; ++i) {
    services_v6_.push_back({fmt::format("2606:4700:{:x}::{:x}", rng_.below(0x10000), rng_.between(1, 0xffff)), "-", 8});
  }
  for (int i = 0; i < 4; ++i) {
    ntp_servers_.push_back({fmt::format("162.159.200.{}", rng_.between(1, 254)), "-", 8});
  }
}

void generator::internet_address(endpoint& ep, bool v6) {
  char* end = nullptr;
  if (v6) {
    end = fmt::format_to_n(ep.own.data(), ep.own.size(), "2a02:{:x}:{:x}:{:x}::{:x}", rng_.between(0x100, 0xfff),
                           rng_.below(0x10000), rng_.below(0x10000), rng_.between(1, 0xffff))
              .out;
  } else {
    // Only public first octets: a 10.x or 192.168.x "internet client" would look like a VPC peer.
    constexpr std::array<std::uint32_t, 12> firsts{24, 31, 45, 66, 73, 81, 98, 109, 142, 176, 185, 203};
    end = fmt::format_to_n(ep.own.data(), ep.own.size(), "{}.{}.{}.{}", firsts[rng_.below(static_cast<std::uint32_t>(firsts.size()))],
                           rng_.below(256), rng_.below(256), rng_.between(1, 254))
              .out;
  }
  ep.own_len = static_cast<std::uint8_t>(end - ep.own.data());
}

connection generator::new_connection() {
  connection c;
  // Relative weights: the mix a three-tier web application behind public ENIs produces.
  enum pattern : std::uint8_t { from_internet, web_to_app, app_to_db, to_internet, ssh, dns, ntp, ping, scan };
  constexpr std::array<std::uint32_t, 9> weights{220, 240, 240, 100, 2, 50, 10, 15, 10};
  constexpr std::uint32_t total = std::accumulate(weights.begin(), weights.end(), 0u);
  std::uint32_t roll = rng_.below(total);
  std::size_t p = 0;
  while (roll >= weights[p]) roll -= weights[p++];

  c.v6 = p != ntp && p != scan && rng_.chance(0.024);
  switch (static_cast<pattern>(p)) {
    case from_internet: {
      const eni& web = pick(role::web);
      internet_address(c.client, c.v6);
      c.server.nic = &web;
      c.server_port = rng_.chance(0.85) ? 443 : 80;
      c.kind = c.server_port == 443 ? traffic::https : traffic::http;
      break;
    }
    case web_to_app: {
      c.client.nic = &pick(role::web);
      c.server.nic = &pick(role::app);
      c.server_port = c.server.nic->service_port;
      c.kind = c.server_port == 443 ? traffic::https : traffic::http;
      if (rng_.chance(0.002)) c.windows_left = rng_.between(2, 60);
      break;
    }
    case app_to_db: {
      c.client.nic = &pick(role::app);
      c.server.nic = &pick(role::db);
      c.server_port = c.server.nic->service_port;
      c.kind = traffic::database;
      // Connection pools hold some database connections open for many windows.
      if (rng_.chance(0.005)) c.windows_left = rng_.between(2, 60);
      break;
    }
    case to_internet: {
      c.client.nic = rng_.chance(0.5) ? &pick(role::app) : &pick(role::web);
      c.server.pooled = c.v6 ? &services_v6_[rng_.below(static_cast<std::uint32_t>(services_v6_.size()))]
                             : &services_v4_[rng_.below(static_cast<std::uint32_t>(services_v4_.size()))];
      c.server_port = 443;
      c.kind = traffic::https;
      break;
    }
    case ssh: {
      c.client.nic = &pick(role::bastion);
      do {
        c.server.nic = &pick_busy();
      } while (c.server.nic == c.client.nic);
      c.server_port = 22;
      c.kind = traffic::ssh;
      if (rng_.chance(0.2)) c.windows_left = rng_.between(2, 30);
      break;
    }
    case dns: {
      c.client.nic = &pick_busy();
      c.server.nic = &pick(role::dns);
      if (c.client.nic == c.server.nic) c.client.nic = &pick(role::app);
      c.server_port = 53;
      c.protocol = 17;
      c.kind = traffic::dns;
      break;
    }
    case ntp: {
      c.client.nic = &pick_busy();
      c.server.pooled = &ntp_servers_[rng_.below(static_cast<std::uint32_t>(ntp_servers_.size()))];
      c.server_port = 123;
      c.protocol = 17;
      c.kind = traffic::ntp;
      break;
    }
    case ping: {
      c.client.nic = &pick(role::monitor);
      c.server.nic = &pick_busy();
      if (c.client.nic == c.server.nic) c.server.nic = &pick(role::app);
      c.protocol = c.v6 ? 58 : 1;
      c.kind = traffic::icmp;
      break;
    }
    case scan: {
      // Internet noise against public-facing ENIs: dropped by the security group, never answered.
      constexpr std::array<std::uint16_t, 10> probed{23, 445, 3389, 8080, 1433, 5900, 2375, 8443, 9200, 22};
      internet_address(c.client, false);
      c.server.nic = &pick(role::web);
      c.server_port = rng_.chance(0.8) ? probed[rng_.below(static_cast<std::uint32_t>(probed.size()))]
                                       : static_cast<std::uint16_t>(rng_.between(1, 65535));
      c.kind = traffic::scan;
      c.outcome = fate::inbound_reject;
      c.client_port = ephemeral_port(nullptr);
      return c;
    }
  }
  if (c.kind != traffic::icmp) c.client_port = ephemeral_port(c.client.nic);
  if (c.windows_left == 0) {
    const std::uint32_t f = rng_.below(1000);
    if (f < 30) {
      c.outcome = fate::inbound_reject;  // security group or NACL drops the request
    } else if (f < 35) {
      c.outcome = fate::server_egress_reject;  // outbound NACL of the server's subnet drops the reply
    } else if (f < 40) {
      c.outcome = fate::client_ingress_reject;  // inbound NACL of the client's subnet drops the reply
    }
  }
  return c;
}

volume generator::draw_volume(traffic kind, bool forward, phase ph, bool v6) {
  struct shape {
    std::uint32_t min_packets, max_packets, min_size, max_size;
  };
  shape s{1, 1, 60, 60};
  switch (kind) {
    case traffic::https: s = forward ? shape{5, 40, 60, 400} : shape{4, 250, 200, 1400}; break;
    case traffic::http: s = forward ? shape{4, 20, 60, 300} : shape{4, 120, 200, 1300}; break;
    case traffic::database: s = forward ? shape{3, 120, 60, 500} : shape{3, 300, 80, 1400}; break;
    case traffic::ssh: s = forward ? shape{15, 600, 52, 180} : shape{15, 900, 52, 400}; break;
    case traffic::dns: s = forward ? shape{1, 2, 60, 110} : shape{1, 2, 90, 480}; break;
    case traffic::ntp: s = {1, 1, 76, 76}; break;
    case traffic::icmp: s = {1, 10, 84, 84}; break;
    case traffic::scan: s = {1, 2, 40, 44}; break;
  }
  if (ph == phase::middle || ph == phase::open) {
    // A held-open connection moves more in a full window than a request does in its lifetime.
    s.min_packets *= 2;
    s.max_packets *= 12;
  }
  volume v;
  v.packets = rng_.between(s.min_packets, s.max_packets);
  const std::uint64_t size = rng_.between(s.min_size, s.max_size) + (v6 ? 20u : 0u);
  v.bytes = v.packets * size;
  return v;
}

void generator::log_leg(const connection& c, bool forward, bool at_client, bool reject, volume v,
                        std::int64_t start, std::int64_t end, std::uint8_t flags) {
  const endpoint& here = at_client ? c.client : c.server;
  if (!here.nic || lines_.full()) return;
  const endpoint& src = forward ? c.client : c.server;
  const endpoint& dst = forward ? c.server : c.client;
  const bool egress = forward == at_client;
  const std::uint16_t sport = forward ? c.client_port : c.server_port;
  const std::uint16_t dport = forward ? c.server_port : c.client_port;
  const eni& nic = *here.nic;
  const std::string_view src_addr = src.addr(c.v6), dst_addr = dst.addr(c.v6);

  char* p = lines_.begin_line();
  p = put(p, format_ == log_format::v5 ? "5 " : "2 ");
  p = put(p, account_id);
  *p++ = ' ';
  p = put(p, nic.id);
  *p++ = ' ';
  p = put(p, src_addr);
  *p++ = ' ';
  p = put(p, dst_addr);
  *p++ = ' ';
  p = put_uint(p, sport);
  *p++ = ' ';
  p = put_uint(p, dport);
  *p++ = ' ';
  p = put_uint(p, c.protocol);
  *p++ = ' ';
  p = put_uint(p, v.packets);
  *p++ = ' ';
  p = put_uint(p, v.bytes);
  *p++ = ' ';
  p = put_uint(p, static_cast<std::uint64_t>(start));
  *p++ = ' ';
  p = put_uint(p, static_cast<std::uint64_t>(end));
  p = put(p, reject ? " REJECT OK" : " ACCEPT OK");
  if (format_ == log_format::v5) {
    const subnet_info& sn = subnets_[nic.subnet];
    *p++ = ' ';
    p = put(p, vpc_id_);
    *p++ = ' ';
    p = put(p, sn.id);
    *p++ = ' ';
    p = put(p, nic.instance);
    *p++ = ' ';
    p = put_uint(p, flags);
    p = put(p, c.v6 ? " IPv6 " : " IPv4 ");
    p = put(p, src_addr);  // no NAT in this VPC: packet-level addresses are the interface-level ones
    *p++ = ' ';
    p = put(p, dst_addr);
    *p++ = ' ';
    p = put(p, region_name);
    *p++ = ' ';
    p = put(p, sn.az_id);
    p = put(p, " - - ");
    p = put(p, src.aws_service());
    *p++ = ' ';
    p = put(p, dst.aws_service());
    if (egress) {
      p = put(p, " egress ");
      p = put_uint(p, dst.path_towards());
    } else {
      p = put(p, " ingress -");
    }
  }
  *p++ = '\n';
  stats_.bytes += lines_.end_line(p);
  ++stats_.records;
  if (reject) ++stats_.rejects;
  if (c.v6) ++stats_.v6;
  if (c.protocol == 17) ++stats_.udp;
  if (c.protocol == 1 || c.protocol == 58) ++stats_.icmp;
}

void generator::log_status(const eni& e, std::string_view status) {
  if (lines_.full()) return;
  char* p = lines_.begin_line();
  p = put(p, format_ == log_format::v5 ? "5 " : "2 ");
  p = put(p, account_id);
  *p++ = ' ';
  p = put(p, e.id);
  p = put(p, " - - - - - - - ");
  p = put_uint(p, static_cast<std::uint64_t>(window_));
  *p++ = ' ';
  p = put_uint(p, static_cast<std::uint64_t>(window_ + window_seconds));
  p = put(p, " - ");
  p = put(p, status);
  if (format_ == log_format::v5) p = put(p, " - - - - - - - - - - - - - - -");
  *p++ = '\n';
  stats_.bytes += lines_.end_line(p);
  ++stats_.records;
  ++(status == "NODATA" ? stats_.nodata : stats_.skipdata);
}

void generator::log_connection(const connection& c, phase ph) {
  const auto w = window_;
  std::int64_t t0 = 0, end_base = 0;
  switch (ph) {
    case phase::whole:
      t0 = w + rng_.below(50);
      end_base = t0 + rng_.below(10);
      break;
    case phase::open:
      t0 = w + rng_.below(50);
      end_base = w + 55 + rng_.below(5);
      break;
    case phase::middle:
      t0 = w + rng_.below(3);
      end_base = w + 56 + rng_.below(4);
      break;
    case phase::close:
      t0 = w + rng_.below(3);
      end_base = t0 + rng_.below(50);
      break;
  }
  // Each ENI aggregates on its own clock: the two ends of a connection differ by a second or so.
  auto start_at = [&] { return t0 + rng_.below(2); };
  auto end_for = [&](std::int64_t s) { return std::max(s, end_base + rng_.below(2)); };
  const bool tcp = c.protocol == 6;

  if (c.outcome != fate::ok) {
    // Only the opening packets, retransmitted: SYN (and SYN-ACK when the request got through).
    volume syn = tcp ? volume{rng_.between(1, 3), 0} : draw_volume(c.kind, true, phase::whole, c.v6);
    if (tcp) syn.bytes = syn.packets * (c.kind == traffic::scan ? 44u : c.v6 ? 80u : 60u);
    const std::uint8_t syn_flags = tcp ? 2 : 0;
    auto s = start_at();
    log_leg(c, true, true, false, syn, s, end_for(s), syn_flags);
    s = start_at();
    log_leg(c, true, false, c.outcome == fate::inbound_reject, syn, s, end_for(s), syn_flags);
    if (c.outcome == fate::inbound_reject) return;
    volume reply = tcp ? volume{rng_.between(1, 5), 0} : draw_volume(c.kind, false, phase::whole, c.v6);
    if (tcp) reply.bytes = reply.packets * (c.v6 ? 80u : 60u);
    const std::uint8_t reply_flags = tcp ? 18 : 0;
    s = start_at();
    log_leg(c, false, false, c.outcome == fate::server_egress_reject, reply, s, end_for(s), reply_flags);
    if (c.outcome == fate::server_egress_reject) return;
    s = start_at();
    log_leg(c, false, true, true, reply, s, end_for(s), reply_flags);
    return;
  }

  std::uint8_t client_flags = 0, server_flags = 0;
  if (tcp) {
    switch (ph) {
      case phase::whole:
        // Most requests open and close within one window (SYN|FIN, SYN-ACK|FIN); some end by RST,
        // which leaves only the opening flags.
        if (rng_.chance(0.85)) {
          client_flags = 3, server_flags = 19;
        } else {
          client_flags = 2, server_flags = 18;
        }
        break;
      case phase::open: client_flags = 2, server_flags = 18; break;
      case phase::middle: break;
      case phase::close: client_flags = 1, server_flags = 1; break;
    }
  }
  const volume fwd = draw_volume(c.kind, true, ph, c.v6);
  volume rev = draw_volume(c.kind, false, ph, c.v6);
  if (c.kind == traffic::icmp || c.kind == traffic::ntp) rev = fwd;  // one reply per request
  auto s = start_at();
  log_leg(c, true, true, false, fwd, s, end_for(s), client_flags);
  s = start_at();
  log_leg(c, true, false, false, fwd, s, end_for(s), client_flags);
  s = start_at();
  log_leg(c, false, false, false, rev, s, end_for(s), server_flags);
  s = start_at();
  log_leg(c, false, true, false, rev, s, end_for(s), server_flags);
}

void generator::fill_window() {
  // Standby interfaces see nothing; now and then one busy interface loses a window to capacity.
  // Room is kept for those lines, and a tiny window (a small --records) gets none, so that every
  // file is mostly traffic.
  const auto& idle = by_role_[static_cast<std::size_t>(role::idle)];
  const bool skipdata = rng_.chance(0.05);
  const std::size_t budget = lines_.budget();
  const std::size_t status_lines = idle.size() + (skipdata ? 1 : 0);
  const bool with_status = budget > 10 * status_lines;
  if (with_status) lines_.set_budget(budget - status_lines);

  for (std::size_t i = 0; i < long_lived_.size();) {
    connection& c = long_lived_[i];
    --c.windows_left;
    log_connection(c, c.windows_left == 0 ? phase::close : phase::middle);
    if (c.windows_left == 0) {
      c = long_lived_.back();
      long_lived_.pop_back();
    } else {
      ++i;
    }
  }
  while (!lines_.full()) {
    connection c = new_connection();
    if (c.windows_left > 0) {
      log_connection(c, phase::open);
      long_lived_.push_back(c);
    } else {
      log_connection(c, phase::whole);
    }
  }

  if (!with_status) return;
  lines_.set_budget(budget);
  for (std::size_t i : idle) log_status(enis_[i], "NODATA");
  if (skipdata) log_status(pick_busy(), "SKIPDATA");
}

int usage(const char* why) {
  if (why) std::fprintf(stderr, "flowsleuth_bench_gen: %s\n", why);
  std::fprintf(stderr,
               "usage: flowsleuth_bench_gen --records N --format v2|v5 --out FILE [--seed S] [--quiet]\n"
               "  v2: the default 14-field format, no header (as CloudWatch Logs delivers it)\n"
               "  v5: a 29-field custom format with an S3 header line\n"
               "  FILE '-' is standard output\n");
  return 2;
}

bool parse_u64(std::string_view s, std::uint64_t& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t records = 0, seed = 1;
  bool have_records = false, quiet = false;
  std::string_view out_path;
  log_format format = log_format::v2;
  bool have_format = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> std::string_view { return i + 1 < argc ? std::string_view(argv[++i]) : std::string_view(); };
    if (a == "--records") {
      if (!parse_u64(value(), records)) return usage("--records needs a whole number");
      have_records = true;
    } else if (a == "--seed") {
      if (!parse_u64(value(), seed)) return usage("--seed needs a whole number");
    } else if (a == "--format") {
      const auto f = value();
      if (f == "v2") {
        format = log_format::v2;
      } else if (f == "v5") {
        format = log_format::v5;
      } else {
        return usage("--format is v2 or v5");
      }
      have_format = true;
    } else if (a == "--out") {
      out_path = value();
      if (out_path.empty()) return usage("--out needs a path");
    } else if (a == "--quiet") {
      quiet = true;
    } else if (a == "--help" || a == "-h") {
      usage(nullptr);
      return 0;
    } else {
      return usage(fmt::format("unknown argument '{}'", a).c_str());
    }
  }
  if (!have_records || !have_format || out_path.empty()) return usage("--records, --format and --out are required");

  const std::string path(out_path);
  std::FILE* file = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
  if (!file) {
    std::fprintf(stderr, "flowsleuth_bench_gen: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
    return 1;
  }
  const auto began = std::chrono::steady_clock::now();
  generator gen(seed, format);
  bool ok = gen.run(records, file);
  if (file != stdout) ok = std::fclose(file) == 0 && ok;
  else ok = std::fflush(stdout) == 0 && ok;
  if (!ok) {
    std::fprintf(stderr, "flowsleuth_bench_gen: writing %s failed: %s\n", path.c_str(), std::strerror(errno));
    return 1;
  }
  if (!quiet) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    const stats& s = gen.counts();
    const double n = s.records ? static_cast<double>(s.records) : 1.0;
    fmt::print(stderr,
               "flowsleuth_bench_gen: {} records, {:.1f} MB in {:.2f} s; {:.2f}% REJECT, {:.2f}% IPv6, {:.2f}% UDP, "
               "{:.2f}% ICMP, {} NODATA, {} SKIPDATA; {} capture windows of {} s\n",
               s.records, static_cast<double>(s.bytes) / 1e6, secs, 100.0 * static_cast<double>(s.rejects) / n,
               100.0 * static_cast<double>(s.v6) / n, 100.0 * static_cast<double>(s.udp) / n,
               100.0 * static_cast<double>(s.icmp) / n, s.nodata, s.skipdata,
               (gen.last_window() - first_window) / window_seconds, window_seconds);
  }
  return 0;
}
