#!/usr/bin/env python3
"""Generate fixtures/demo/: the realistic VPC Flow Logs bundle that `make demo` runs on.

One small VPC (10.20.0.0/16, eu-west-1, account 123456789012), 40 minutes of 2026-11-17
(14:00:00-14:39:59 UTC), written the way AWS delivers it:

* S3: one flow log per logged subnet (custom version-5 format), one gzip object per flow log
  per 5 minutes, each starting with the header line, holding the records whose *end* time
  falls in the 5 minutes the object name gives.
* CloudWatch Logs: an ENI-level flow log on db-1 in the default (version 2) format, exported
  with `aws logs filter-log-events`.

The traffic is simulated packet by packet (TCP handshakes with retransmission timers, MSS-sized
segments, delayed ACKs, FIN/RST, ICMP echo) and every packet is checked at each observation
point it crosses (ENI + direction). Flow-log records are then built the way AWS aggregates:
per ENI, per capture window (Nitro: at most 60 s), per 5-tuple and action, packets and bytes
summed, tcp-flags OR-ed. Each scenario reproduces one ticket of shared/domain/tickets.md;
fixtures/demo/README.md lists them with the verdict a correct diagnosis reaches.

Standard library only; a fixed seed, so the output is byte-for-byte reproducible:

    python3 scripts/make_demo_fixture.py            # writes fixtures/demo/{AWSLogs,cloudwatch}
    python3 scripts/make_demo_fixture.py --out DIR  # elsewhere (README.md is not written)
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import gzip
import heapq
import io
import json
import math
import os
import random
import shutil
import sys
import time
from collections import Counter, defaultdict, namedtuple
from dataclasses import dataclass
from ipaddress import ip_address, ip_network

SEED = 20261117

# --------------------------------------------------------------------------------------------
# Time frame
# --------------------------------------------------------------------------------------------

T0 = calendar.timegm((2026, 11, 17, 14, 0, 0))      # first packet of the bundle
T_END = T0 + 40 * 60                                  # records ending later are not in it
NACL_CHANGE = T0 + 22 * 60 + 17                       # ticket 9: 14:22:17, web subnet NACL edit
S3_OBJECT_SPAN = 300                                  # S3 objects cover 5 minutes of end times

# --------------------------------------------------------------------------------------------
# Topology (fixed IDs, so README.md can name them)
# --------------------------------------------------------------------------------------------

ACCOUNT = "123456789012"
REGION = "eu-west-1"
VPC_ID = "vpc-0a4c123b1612dd272"
VPC_CIDR = ip_network("10.20.0.0/16")
OFFICE_CIDR = ip_network("198.51.100.0/24")          # reached over the Site-to-Site VPN


@dataclass(frozen=True)
class Subnet:
    name: str
    cidr: str
    subnet_id: str
    public: bool                 # route 0.0.0.0/0 -> internet gateway
    flow_log_id: str | None      # the S3 flow log attached to this subnet; None = not logged


@dataclass(frozen=True)
class Eni:
    name: str
    eni_id: str
    instance_id: str             # "-" for requester-managed ENIs (NAT gateway), per RECORDS
    ip: str                      # primary private IPv4: what srcaddr/dstaddr always show
    subnet: Subnet

    @property
    def logged(self) -> bool:
        return self.subnet.flow_log_id is not None


SUBNETS = {
    "nat": Subnet("nat", "10.20.0.0/24", "subnet-0d1371c17149d4395", True, "fl-070f58904dba41ecc"),
    "web": Subnet("web", "10.20.1.0/24", "subnet-036b3216fdaeeb975", True, "fl-0a1b2c3d4e5f60789"),
    "app": Subnet("app", "10.20.2.0/24", "subnet-0729fae923d5a4fd1", False, "fl-0cc3fc1626e53a130"),
    "db": Subnet("db", "10.20.3.0/24", "subnet-02aabfe228f219e9c", False, "fl-043b026c48bbf33fe"),
    "batch": Subnet("batch", "10.20.4.0/24", "subnet-0b0eb53f16947ccf2", False, "fl-0ff9243a8f506b409"),
    # Added later; the Terraform list of flow-logged subnets was never updated (ticket 10).
    "search": Subnet("search", "10.20.5.0/24", "subnet-05ec84d8dbc742547", False, None),
}

ENIS = {
    "nat-gw": Eni("nat-gw", "eni-008f86bebb2737f6a", "-", "10.20.0.100", SUBNETS["nat"]),
    "web-1": Eni("web-1", "eni-06f0fb23c6f5da2ce", "i-0815d2802827283e0", "10.20.1.10", SUBNETS["web"]),
    "api-1": Eni("api-1", "eni-0c255404e4fb44003", "i-0ad84173581569969", "10.20.1.20", SUBNETS["web"]),
    "bastion-1": Eni("bastion-1", "eni-04d6608697a8d41be", "i-0e58b081006f7e3df", "10.20.1.30", SUBNETS["web"]),
    "app-1": Eni("app-1", "eni-0d440e50454f31af3", "i-0c967a64cb14028d5", "10.20.2.11", SUBNETS["app"]),
    "app-2": Eni("app-2", "eni-0176813e02ea68ef7", "i-012c9791e558e08ba", "10.20.2.12", SUBNETS["app"]),
    "app-win-1": Eni("app-win-1", "eni-086e4d3cea27d2693", "i-0a7196b50ac2f8670", "10.20.2.21", SUBNETS["app"]),
    "db-1": Eni("db-1", "eni-04b484e73cf575dca", "i-02824c1c099724caf", "10.20.3.10", SUBNETS["db"]),
    "batch-1": Eni("batch-1", "eni-0d6ba2b0aee0ca923", "i-04941d4072014b3ce", "10.20.4.15", SUBNETS["batch"]),
    # OpenSearch domain ENI (requester-managed); its subnet has no flow log.
    "search-1": Eni("search-1", "eni-0732881584d8c4fa2", "-", "10.20.5.10", SUBNETS["search"]),
}

# The second flow log: ENI-level, on db-1 only, default format, to CloudWatch Logs.
CW_FLOW_LOG_ID = "fl-028b5b7a767c76fb0"
CW_LOG_GROUP = "/vpc/flowlogs/db-1"
CW_EXPORT_FROM = T0 + 15 * 60                         # --start-time of the exported query
CW_EXPORT_TO = T0 + 35 * 60                           # --end-time

# Internet-side actors (documentation ranges RFC 5737 stand in for public addresses).
OFFICE_HOST = "198.51.100.23"        # ticket 2: pings app-1 over the VPN
ADMIN_HOST = "198.51.100.61"         # SSH to bastion-1 over the internet
NAT_TARGET = "203.0.113.80"          # ticket 4: what batch-1 tries to reach through the NAT gateway
PARTNER = "192.0.2.44"               # ticket 7: partner API called by api-1

S3_FIELDS = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
             "bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type "
             "pkt-srcaddr pkt-dstaddr flow-direction traffic-path").split()
# The S3 flow logs' LogFormat; `version` is 5 because flow-direction and traffic-path are v5 fields.
S3_LOG_FORMAT = " ".join("${%s}" % f for f in S3_FIELDS)
DEFAULT_FIELDS = S3_FIELDS[:14]      # the fixed default format (version 2)

# --------------------------------------------------------------------------------------------
# Packets and observation points
# --------------------------------------------------------------------------------------------

ACCEPT, REJECT = "ACCEPT", "REJECT"
INGRESS, EGRESS = "ingress", "egress"
TCP, ICMP = 6, 1

# tcp-flags as flow logs record them: only FIN 1, SYN 2, RST 4 and SYN-ACK 18 count; a segment
# carrying only ACK/PSH contributes 0, a FIN+ACK contributes 1, a RST+ACK contributes 4.
NONE, FIN, SYN, RST, SYNACK = 0, 1, 2, 4, 18

Pkt = namedtuple("Pkt", "t src dst sport dport proto size flags")
Obs = namedtuple("Obs", "t eni direction srcaddr dstaddr sport dport proto size flags action "
                        "pkt_src pkt_dst path scenario")


def in_vpc(addr: str) -> bool:
    return ip_address(addr) in VPC_CIDR


def traffic_path(eni: Eni, dst: str) -> str:
    """traffic-path of an accepted egress record (RECORDS codes)."""
    if in_vpc(dst):
        return "1"                     # another resource in the same VPC
    if eni.name == "nat-gw":
        return "2"                     # NAT gateway -> internet gateway (not a Nitro instance)
    if ip_address(dst) in OFFICE_CIDR and eni.subnet.name == "app":
        return "3"                     # virtual private gateway (Site-to-Site VPN)
    if eni.subnet.public:
        return "8"                     # internet gateway, Nitro instance
    return "1"                         # private subnet: next hop is the NAT gateway's ENI


class Hop:
    """One observation point (an ENI in one direction) and the filters in force there.

    `policy(pkt)` returns ACCEPT or REJECT: what the security group and the subnet's network ACL
    do to the packet at this point. A REJECTed packet is logged here and goes no further.
    """

    def __init__(self, eni: Eni, direction: str, policy=None):
        self.eni, self.direction, self.policy = eni, direction, policy

    def __call__(self, cap: "Capture", pkt: Pkt, scenario: str):
        action = self.policy(pkt) if self.policy else ACCEPT
        if self.eni.logged:
            # srcaddr/dstaddr always show the ENI's primary private IPv4 on its own side, even
            # when the packet is addressed elsewhere (NAT gateway); pkt-* keep the real header.
            if self.direction == INGRESS:
                srcaddr, dstaddr = pkt.src, self.eni.ip
                path = "-"                       # traffic-path is never set on ingress
            else:
                srcaddr, dstaddr = self.eni.ip, pkt.dst
                # A rejected egress packet took no path; we leave traffic-path unset there
                # (AWS does not document it either way).
                path = traffic_path(self.eni, pkt.dst) if action == ACCEPT else "-"
            cap.observations[self.eni.name].append(Obs(
                pkt.t, self.eni, self.direction, srcaddr, dstaddr, pkt.sport, pkt.dport,
                pkt.proto, pkt.size, pkt.flags, action, pkt.src, pkt.dst, path, scenario))
        return pkt if action == ACCEPT else None


def snat(ip: str, port: int):
    """NAT gateway source translation between its ingress and egress observation points."""
    return lambda cap, pkt, scenario: pkt._replace(src=ip, sport=port)


def to_address(ip: str, port: int):
    """A reply as the internet host sends it: to the NAT gateway's Elastic IP, which the internet
    gateway translates to the NAT gateway's private IP before its ENI sees it."""
    return lambda cap, pkt, scenario: pkt._replace(dst=ip, dport=port)


def unsnat(ip: str, port: int):
    """NAT gateway reverse translation of a reply back to the private instance."""
    return lambda cap, pkt, scenario: pkt._replace(dst=ip, dport=port)


def always(action: str):
    return lambda pkt: action


class Capture:
    """Every packet as each logged ENI saw it: the raw material of flow-log records."""

    def __init__(self):
        self.observations: dict[str, list[Obs]] = defaultdict(list)

    def deliver(self, pkt: Pkt, path, scenario: str) -> bool:
        """Walk the packet through its observation points; False if one of them REJECTed it."""
        for step in path:
            pkt = step(self, pkt, scenario)
            if pkt is None:
                return False
        return True


@dataclass(frozen=True)
class Stack:
    """What a host's TCP/IP stack puts on the wire."""
    name: str
    ephemeral: tuple[int, int]   # client port range
    syn_size: int                # IP length of its SYN (options included)
    timestamps: bool             # TCP timestamps option (adds 12 bytes to every segment)
    syn_retries: tuple           # offsets of SYN (re)transmissions, initial RTO 1 s, doubling


# Amazon Linux: ip_local_port_range 32768-60999, SYN 60 bytes (MSS, SACK, TS, WS).
LINUX = Stack("linux", (32768, 60999), 60, True, (0, 1, 3, 7, 15, 31, 63))
# Windows Server 2022 / Windows 10+: dynamic ports 49152-65535, no timestamps, SYN 52 bytes,
# MaxSynRetransmissions 2.
WINDOWS = Stack("windows", (49152, 65535), 52, False, (0, 1, 3))
# macOS: 49152-65535, SYN 64 bytes, retransmits the SYN every second at first.
MACOS = Stack("macos", (49152, 65535), 64, True, (0, 1, 2, 3, 4, 6, 10, 18))
# Internet scanners (masscan-like): one bare 40-byte SYN, never retransmitted.
SCANNER = Stack("scanner", (1024, 65535), 40, False, (0,))

SYNACK_RETRIES = (0, 1, 3, 7, 15, 31)   # Linux server, tcp_synack_retries = 5


class Conv:
    """One conversation (5-tuple) and the observation points its packets cross each way."""

    def __init__(self, cap: Capture, scenario: str, client: str, server: str, cport: int,
                 sport: int, fwd, rev, *, proto=TCP, cstack=LINUX, sstack=LINUX, owd=0.0003):
        self.cap, self.scenario = cap, scenario
        self.client, self.server, self.cport, self.sport, self.proto = client, server, cport, sport, proto
        self.fwd, self.rev = fwd, rev
        self.cstack, self.sstack, self.owd = cstack, sstack, owd
        ts = cstack.timestamps and sstack.timestamps
        self.hdr = 52 if ts else 40                        # IP + TCP header of a data/ACK segment
        self.mss = 1448 if ts else 1460                    # payload per full segment (MTU 1500)
        self.synack_size = 60 if ts else 52
        self.gap = 0.00002 if owd < 0.001 else 0.0004      # spacing of back-to-back segments
        self.open_until = math.inf                         # for conntrack-dependent policies

    def c2s(self, t: float, size: int, flags: int = NONE) -> bool:
        return self.cap.deliver(Pkt(t, self.client, self.server, self.cport, self.sport,
                                    self.proto, size, flags), self.fwd, self.scenario)

    def s2c(self, t: float, size: int, flags: int = NONE) -> bool:
        return self.cap.deliver(Pkt(t, self.server, self.client, self.sport, self.cport,
                                    self.proto, size, flags), self.rev, self.scenario)


# --------------------------------------------------------------------------------------------
# TCP behaviour
# --------------------------------------------------------------------------------------------

def tcp_connect(conv: Conv, t0: float, syn_offsets=None, listening=True):
    """SYN / SYN-ACK exchange with both sides' retransmission timers, as far as packets get.

    Returns ("established", t), ("refused", t) or ("failed", t). A server that got the SYN
    answers every SYN (first and duplicate) with a SYN-ACK and retransmits the SYN-ACK on its
    own timer until the handshake completes - so a dropped SYN-ACK shows up many times.
    """
    offsets = conv.cstack.syn_retries if syn_offsets is None else syn_offsets
    events = [(t0 + o, 0, "syn") for o in offsets]
    heapq.heapify(events)
    seq, server_seen, last = 1, False, t0
    while events:
        t, _, kind = heapq.heappop(events)
        last = t
        if kind == "syn":
            if not conv.c2s(t, conv.cstack.syn_size, SYN):
                continue
            ta = t + conv.owd
            if not listening:
                # Nothing bound to the port: the host answers RST+ACK, 40 bytes, no options.
                conv.s2c(ta + 0.00003, 40, RST)
                return "refused", ta + conv.owd
            if not server_seen:
                server_seen = True
                for o in SYNACK_RETRIES:
                    heapq.heappush(events, (ta + 0.00003 + o, seq, "synack")); seq += 1
            else:
                heapq.heappush(events, (ta + 0.00003, seq, "synack")); seq += 1
        else:
            if conv.s2c(t, conv.synack_size, SYNACK):
                tc = t + conv.owd
                conv.c2s(tc + 0.00002, conv.hdr, NONE)        # the third packet: pure ACK
                return "established", tc + 0.00002
    return "failed", last


def send(conv: Conv, from_client: bool, t: float, nbytes: int) -> float:
    """nbytes of payload in MSS-sized segments; the receiver ACKs every second segment and the
    last one (delayed ACK). Returns when the last segment has arrived."""
    out = conv.c2s if from_client else conv.s2c
    back = conv.s2c if from_client else conv.c2s
    nseg = max(1, math.ceil(nbytes / conv.mss))
    left = nbytes
    for i in range(nseg):
        payload = min(conv.mss, left)
        left -= payload
        ts = t + i * conv.gap
        out(ts, conv.hdr + payload, NONE)
        if i % 2 == 1 or i == nseg - 1:
            # an odd last segment waits for the 40 ms delayed-ACK timer
            back(ts + conv.owd + (0.0 if i % 2 else 0.04), conv.hdr, NONE)
    return t + (nseg - 1) * conv.gap + conv.owd


def tcp_close(conv: Conv, t: float, by_client=True) -> float:
    """Orderly close: FIN, FIN+ACK from the peer's application, last ACK."""
    first, second = (conv.c2s, conv.s2c) if by_client else (conv.s2c, conv.c2s)
    first(t, conv.hdr, FIN)
    second(t + conv.owd + 0.0002, conv.hdr, FIN)
    first(t + 2 * conv.owd + 0.0002, conv.hdr, NONE)
    return t + 2 * conv.owd + 0.0002


def tcp_session(conv: Conv, t0: float, exchanges, by_client=True, linger=0.0) -> float:
    """Connect, run (think, request, response) exchanges, close. Returns the close time."""
    status, t = tcp_connect(conv, t0, (0,))
    assert status == "established", (conv.scenario, status)
    for think, req, resp in exchanges:
        t = send(conv, True, t + think, req)
        t = send(conv, False, t + 0.0005, resp)
    return tcp_close(conv, t + linger, by_client)


def rto_schedule(start: float, until: float, first=0.2, cap=120.0, count=15):
    """Linux retransmission times: RTO doubling from 200 ms, capped, tcp_retries2 = 15."""
    t, rto = start, first
    for _ in range(count):
        t += rto
        if t >= until:
            return
        yield t
        rto = min(rto * 2, cap)


# --------------------------------------------------------------------------------------------
# Address helpers
# --------------------------------------------------------------------------------------------

def public_pool(rng: random.Random, exclude: set[str], n: int) -> list[str]:
    """n distinct addresses from the three documentation ranges, none of the named actors."""
    nets = ["192.0.2.", "198.51.100.", "203.0.113."]
    out: list[str] = []
    while len(out) < n:
        addr = rng.choice(nets) + str(rng.randint(1, 254))
        if addr not in exclude and addr not in out:
            out.append(addr)
    exclude.update(out)
    return out


def eph(rng: random.Random, stack: Stack) -> int:
    return rng.randint(*stack.ephemeral)


def r(name: str) -> random.Random:
    """One RNG per scenario: editing one scenario does not reshuffle the others."""
    return random.Random(f"{SEED}-{name}")


E = ENIS
USED_PUBLIC = {OFFICE_HOST, ADMIN_HOST, NAT_TARGET, PARTNER}
WEB_CLIENTS = [  # (address, stack): the regular visitors of web-1
    ("198.51.100.14", LINUX), ("198.51.100.37", WINDOWS), ("198.51.100.102", MACOS),
    ("198.51.100.200", WINDOWS), ("203.0.113.9", LINUX), ("203.0.113.45", WINDOWS),
    ("203.0.113.66", MACOS), ("203.0.113.121", LINUX), ("192.0.2.17", LINUX), ("192.0.2.91", MACOS),
]
USED_PUBLIC.update(a for a, _ in WEB_CLIENTS)

# --------------------------------------------------------------------------------------------
# Scenarios (numbers follow fixtures/demo/README.md)
# --------------------------------------------------------------------------------------------


def s01_web_http_baseline(cap: Capture):
    """1a. Internet visitors -> web-1 tcp/80, all fine. Only web-1 is logged (the clients are on
    the internet). Short HTTP/1.1 keep-alive sessions: the server closes after 5 s idle, so the
    client side reads 2|1 = 3 and the server side 18|1 = 19 when a session fits one window."""
    rng = r("s01")
    web = E["web-1"]
    t = T0 + rng.uniform(0, 4)
    while t < T_END - 90:
        client, stack = rng.choice(WEB_CLIENTS)
        conv = Conv(cap, "S01", client, web.ip, eph(rng, stack), 80,
                    [Hop(web, INGRESS)], [Hop(web, EGRESS)],
                    cstack=stack, owd=rng.uniform(0.008, 0.045))
        exchanges = [(0.0, rng.randint(380, 720), rng.randint(3000, 26000))]   # the page
        for _ in range(rng.choice((0, 0, 1, 2, 3))):                            # assets
            exchanges.append((rng.uniform(0.02, 2.5), rng.randint(380, 650), rng.randint(900, 60000)))
        tcp_session(conv, t, exchanges, by_client=False, linger=5.0)
        t += rng.expovariate(1 / 7.0)


def s01_db_baseline(cap: Capture):
    """1b. app-1 -> db-1 tcp/5432 through a pool of three long-lived connections (opened before
    the bundle starts, so their records carry tcp-flags 0), one of which is recycled at 14:17;
    and batch-1's ETL session 14:24-14:31. All four observation points ACCEPT."""
    rng = r("s01db")
    app, db, batch = E["app-1"], E["db-1"], E["batch-1"]

    def pool_conn(port, start, stop, fresh):
        conv = Conv(cap, "S01", app.ip, db.ip, port, 5432,
                    [Hop(app, EGRESS), Hop(db, INGRESS)], [Hop(db, EGRESS), Hop(app, INGRESS)])
        t = start
        if fresh:
            status, t = tcp_connect(conv, t)
            assert status == "established"
            t = send(conv, True, t, 8 + 95)              # StartupMessage
            t = send(conv, False, t + 0.0004, 24 + 93)   # SCRAM challenge
            t = send(conv, True, t, 140)
            t = send(conv, False, t + 0.003, 420)        # auth ok, parameters, ReadyForQuery
        while t < stop:
            t += rng.expovariate(1 / 1.6)
            if t >= stop:
                break
            t = send(conv, True, t, rng.randint(90, 700))
            t = send(conv, False, t + rng.uniform(0.0003, 0.004), rng.randint(120, 6500))
        return conv, t

    pool_conn(41822, T0 + 0.3, T_END - 75, fresh=False)
    pool_conn(41830, T0 + 0.9, T_END - 75, fresh=False)
    # Recycled at 14:17:42 (pool max lifetime): client closes, a new connection replaces it.
    conv, t = pool_conn(52006, T0 + 0.5, T0 + 17 * 60 + 42, fresh=False)
    tcp_close(conv, t + 0.01, by_client=True)
    pool_conn(33914, t + 0.5, T_END - 75, fresh=True)

    # batch-1's ETL job pulls large result sets.
    conv = Conv(cap, "S01", batch.ip, db.ip, 38441, 5432,
                [Hop(batch, EGRESS), Hop(db, INGRESS)], [Hop(db, EGRESS), Hop(batch, INGRESS)])
    status, t = tcp_connect(conv, T0 + 24 * 60 + 5.2)
    assert status == "established"
    t = send(conv, False, send(conv, True, t, 103) + 0.004, 540)
    while t < T0 + 31 * 60 + 40:
        t = send(conv, True, t + rng.uniform(1.5, 6.0), rng.randint(200, 900))
        t = send(conv, False, t + rng.uniform(0.05, 0.8), rng.randint(20000, 400000))
    tcp_close(conv, t + 0.2, by_client=True)


def s02_https_rejected(cap: Capture):
    """2. Ticket 1: nobody gets an answer on 443. Visitors' SYNs reach web-1 and are REJECTed at
    its ingress (ground truth: the SG allows only 80). The SYN is retransmitted on the client's
    own schedule; browsers often open two sockets at once; users press reload."""
    rng = r("s02")
    web = E["web-1"]
    clients = [WEB_CLIENTS[0], WEB_CLIENTS[5], WEB_CLIENTS[2],
               ("198.51.100.150", LINUX), ("203.0.113.200", WINDOWS), ("192.0.2.130", MACOS)]
    USED_PUBLIC.update(a for a, _ in clients)
    t = T0 + 3 * 60 + rng.uniform(0, 30)
    while t < T_END - 120:
        client, stack = rng.choice(clients)
        for attempt in range(rng.choice((1, 1, 2))):               # reload
            start = t + attempt * rng.uniform(18, 30)
            for _ in range(rng.choice((1, 2))):                     # parallel sockets
                conv = Conv(cap, "S02", client, web.ip, eph(rng, stack), 443,
                            [Hop(web, INGRESS, always(REJECT))], [Hop(web, EGRESS)], cstack=stack)
                # The user gives up after ~20 s; only the SYNs sent by then exist.
                tcp_connect(conv, start + rng.uniform(0, 0.01),
                            [o for o in stack.syn_retries if o <= 20])
        t += rng.uniform(60, 140)


def s03_ping_nacl_outbound(cap: Capture):
    """3. Ticket 2: the office pings app-1 over the VPN. Echo requests: ingress ACCEPT. Echo
    replies: egress REJECT (ground truth: the app subnet's NACL has no outbound ICMP rule; the
    SG would have passed them - ICMP is always tracked). ICMP records carry ports 0 0."""
    app = E["app-1"]
    conv = Conv(cap, "S03", OFFICE_HOST, app.ip, 0, 0,
                [Hop(app, INGRESS)], [Hop(app, EGRESS, always(REJECT))], proto=ICMP, owd=0.011)
    # Bursts of `ping` (84-byte packets, 1 per second), like the ticket's "ping never replies".
    for start, count in ((T0 + 6 * 60 + 12.4, 4), (T0 + 6 * 60 + 51.0, 10),
                         (T0 + 19 * 60 + 33.7, 4), (T0 + 31 * 60 + 5.2, 30)):
        for i in range(count):
            t = start + i * 1.0
            if conv.c2s(t, 84):
                conv.s2c(t + conv.owd + 0.00004, 84)


def s04_windows_ephemeral_ports(cap: Capture):
    """4. Ticket 3: app-win-1 (Windows, client ports 49152-65535) -> db-1 tcp/5432. The app
    subnet's NACL inbound allows only 32768-60999: replies to ports above 60999 are REJECTed at
    app-win-1's ingress (db-1's egress ACCEPTs them); the connect fails after 3 SYNs and the app
    retries at once with a new port, so most jobs succeed - slowly."""
    rng = r("s04")
    win, db = E["app-win-1"], E["db-1"]

    def app_subnet_nacl_inbound(pkt):
        return ACCEPT if 32768 <= pkt.dport <= 60999 else REJECT

    t = T0 + 20.0
    while t < T_END - 100:
        for _ in range(4):                                   # connect attempts of one job
            conv = Conv(cap, "S04", win.ip, db.ip, eph(rng, WINDOWS), 5432,
                        [Hop(win, EGRESS), Hop(db, INGRESS)],
                        [Hop(db, EGRESS), Hop(win, INGRESS, app_subnet_nacl_inbound)],
                        cstack=WINDOWS)
            status, tt = tcp_connect(conv, t)
            if status == "established":
                tt = send(conv, True, tt, 8 + 88)                      # StartupMessage
                tt = send(conv, False, tt + 0.0004, 24 + 93)
                tt = send(conv, True, tt + 0.002, 140)
                tt = send(conv, False, tt + 0.003, 430)
                for _ in range(rng.randint(1, 3)):
                    tt = send(conv, True, tt + rng.uniform(0.001, 0.05), rng.randint(150, 900))
                    tt = send(conv, False, tt + rng.uniform(0.001, 0.02), rng.randint(200, 12000))
                tt = send(conv, True, tt + 0.001, 5)                   # Terminate
                tcp_close(conv, tt + 0.0005, by_client=True)
                break
            t += 7.0                                          # 1 + 2 + 4 s of SYN timeouts
        t = tt + rng.uniform(15, 45)


def s05_nat_gateway_reply_rejected(cap: Capture):
    """5. Ticket 4: batch-1 -> 203.0.113.80:443 through the NAT gateway. batch-1 egress ACCEPT;
    NAT ENI ingress ACCEPT (dstaddr = NAT primary IP, pkt-dstaddr = internet host); NAT ENI
    egress ACCEPT with the source port remapped into 1024-65535; the internet host's SYN-ACKs
    are REJECTed at the NAT ENI's ingress (ground truth: the nat subnet's NACL inbound lacks
    1024-65535 from 0.0.0.0/0; NAT gateways have no security group)."""
    rng = r("s05")
    batch, nat = E["batch-1"], E["nat-gw"]
    used_nat_ports: set[int] = set()
    # Two cron runs; curl --connect-timeout 30 --retry 3 --retry-delay 10.
    for run_start in (T0 + 12 * 60 + 0.4, T0 + 27 * 60 + 0.6):
        t = run_start
        for _ in range(4):
            cport = eph(rng, LINUX)
            nport = rng.randint(1024, 65535)
            while nport in used_nat_ports:
                nport = rng.randint(1024, 65535)
            used_nat_ports.add(nport)
            fwd = [Hop(batch, EGRESS), Hop(nat, INGRESS), snat(nat.ip, nport), Hop(nat, EGRESS)]
            rev = [to_address(nat.ip, nport), Hop(nat, INGRESS, always(REJECT)), unsnat(batch.ip, cport),
                   Hop(nat, EGRESS), Hop(batch, INGRESS)]
            conv = Conv(cap, "S05", batch.ip, NAT_TARGET, cport, 443, fwd, rev, owd=0.006)
            tcp_connect(conv, t, [o for o in LINUX.syn_retries if o < 30])
            t += 30 + 10


def s06_same_subnet_sg(cap: Capture):
    """6. Ticket 5: app-1 -> app-2 tcp/8080, both in the app subnet. SYNs leave app-1 (egress
    ACCEPT) and are REJECTed at app-2's ingress (ground truth: app-2's SG admits 8080 only from
    the web tier's SG). The NACL cannot be involved inside one subnet."""
    rng = r("s06")
    a1, a2 = E["app-1"], E["app-2"]
    t = T0 + 8 * 60 + 3.3
    while t < T0 + 20 * 60 + 30:
        conv = Conv(cap, "S06", a1.ip, a2.ip, eph(rng, LINUX), 8080,
                    [Hop(a1, EGRESS), Hop(a2, INGRESS, always(REJECT))],
                    [Hop(a2, EGRESS), Hop(a1, INGRESS)])
        tcp_connect(conv, t, (0, 1, 3, 7))                   # client connect timeout 10 s
        t += rng.uniform(25, 35)


def s07_refused(cap: Capture):
    """7. Ticket 6: app-1 -> db-1 tcp/5433, where nothing listens. The SYN is ACCEPTed at both
    ENIs; db-1 answers one 40-byte RST+ACK (tcp-flags 4), ACCEPTed back to app-1."""
    rng = r("s07")
    app, db = E["app-1"], E["db-1"]
    t = T0 + 18 * 60 + 4.1
    while t < T0 + 31 * 60:
        conv = Conv(cap, "S07", app.ip, db.ip, eph(rng, LINUX), 5433,
                    [Hop(app, EGRESS), Hop(db, INGRESS)], [Hop(db, EGRESS), Hop(app, INGRESS)])
        status, _ = tcp_connect(conv, t, listening=False)
        assert status == "refused"
        t += rng.uniform(15, 25)


def s08_late_packets(cap: Capture):
    """8. Ticket 7: api-1 -> partner 192.0.2.44:443, a burst of short HTTPS calls. Each completes
    (api-1 egress 3, ingress 19 when it fits one window); for about half of them the partner
    sends 1-2 more packets 30-70 s after the close (a retransmitted FIN+ACK, or a RST from its
    load balancer), which api-1's SG REJECTs: the connection is no longer tracked and no inbound
    rule admits the partner. Benign."""
    rng = r("s08")
    api = E["api-1"]
    t = T0 + 9 * 60 + 31.0
    while t < T0 + 16 * 60:
        conv = Conv(cap, "S08", api.ip, PARTNER, eph(rng, LINUX), 443, [Hop(api, EGRESS)], [],
                    owd=0.012)
        conv.rev = [Hop(api, INGRESS, lambda pkt, c=conv: ACCEPT if pkt.t < c.open_until else REJECT)]
        exchanges = [(0.0, 517, 4300),                              # ClientHello / ServerHello..cert
                     (0.001, 126, 51),                              # key exchange / Finished
                     (0.001, rng.randint(600, 1400), rng.randint(800, 9000)),   # POST / response
                     (0.002, 31, 31)]                               # close_notify both ways
        t_close = tcp_session(conv, t, exchanges, by_client=True)
        conv.open_until = t_close + 2.0                             # conntrack entry removed
        if rng.random() < 0.5:
            late = t_close + rng.uniform(30, 70)
            for size, flags in rng.choice(([(52, FIN)], [(52, FIN), (52, FIN)], [(40, RST)],
                                           [(52, NONE), (40, RST)])):
                conv.s2c(late, size, flags)
                late += rng.uniform(0.2, 3.5)
        t = t_close + rng.uniform(4, 16)


def s09_nacl_change_mid_window(cap: Capture):
    """9. Ticket 9: web-1 -> app-2 tcp/8080 (the orders API behind the site). At 14:22:17 a rule
    denying tcp 1024-65535 from 10.20.2.0/24 is added to the web subnet's NACL inbound. From that
    second on, every app-2 -> web-1 packet is REJECTed at web-1's ingress: the keep-alive
    connections' reply tuples show ACCEPT and REJECT in the same window, later windows only
    REJECT (app-2's retransmissions), and new connections' SYN-ACKs are REJECTed too."""
    rng = r("s09")
    web, a2 = E["web-1"], E["app-2"]

    def web_subnet_nacl_inbound(pkt):
        if pkt.t >= NACL_CHANGE and ip_address(pkt.src) in ip_network("10.20.2.0/24") \
                and 1024 <= pkt.dport <= 65535:
            return REJECT
        return ACCEPT

    def conv_for(port):
        return Conv(cap, "S09", web.ip, a2.ip, port, 8080,
                    [Hop(web, EGRESS), Hop(a2, INGRESS)],
                    [Hop(a2, EGRESS), Hop(web, INGRESS, web_subnet_nacl_inbound)])

    def stalled_request(conv, t):
        """A request sent after the change: it arrives, its answer never gets back."""
        req = rng.randint(300, 700)
        conv.c2s(t, conv.hdr + req)
        resp = rng.randint(1500, 9000)
        for i in range(math.ceil(resp / conv.mss)):                 # initial cwnd covers it
            conv.s2c(t + conv.owd + 0.002 + i * conv.gap, conv.hdr + min(conv.mss, resp - i * conv.mss))
        close_at = t + 60.0                                         # nginx proxy_read_timeout
        for rt in rto_schedule(t + conv.owd + 0.002, T_END):        # server retransmits, with FIN
            conv.s2c(rt, conv.hdr + conv.mss, FIN if rt > close_at else NONE)
        for rt in rto_schedule(t, close_at, count=8):               # client retransmits request
            if conv.c2s(rt, conv.hdr + req):
                conv.s2c(rt + conv.owd, conv.hdr)                   # duplicate ACK
        conv.c2s(close_at, conv.hdr, FIN)
        for rt in rto_schedule(close_at, T_END, count=8):           # orphaned FIN retransmits
            if conv.c2s(rt, conv.hdr, FIN):
                conv.s2c(rt + conv.owd, conv.hdr)

    # Before the change: two keep-alive upstream connections (opened before 14:00) and one
    # opened and retired every few minutes.
    keepalive = [conv_for(47210), conv_for(47224)]
    last_before = NACL_CHANGE - 0.05
    for conv in keepalive:
        t = T0 + rng.uniform(0, 2)
        while True:
            nxt = t + rng.uniform(0.5, 4.0)
            if nxt + 0.05 >= last_before:
                break
            t = send(conv, True, nxt, rng.randint(300, 700))
            t = send(conv, False, t + rng.uniform(0.002, 0.03), rng.randint(1500, 9000))
        stalled_request(conv, NACL_CHANGE + rng.uniform(0.3, 4.0))
    t = T0 + 2 * 60 + 10.0
    while t < NACL_CHANGE - 200:
        conv = conv_for(eph(rng, LINUX))
        exchanges = [(rng.uniform(0.3, 3.0) if i else 0.0, rng.randint(300, 700), rng.randint(1500, 9000))
                     for i in range(rng.randint(10, 40))]
        tcp_session(conv, t, exchanges, by_client=False)           # app-2 keepalive_requests
        t += rng.uniform(150, 260)
    # After the change: nginx keeps trying fresh upstream connections (proxy_connect_timeout 60 s).
    t = NACL_CHANGE + 9.5
    while t < T_END - 100:
        tcp_connect(conv_for(eph(rng, LINUX)), t)
        t += rng.uniform(20, 32)


def s10_unlogged_peer(cap: Capture):
    """10. Ticket 10: app-1 -> 10.20.5.10:9200 (OpenSearch ENI in the search subnet, which has no
    flow log). app-1 egress ACCEPTs the SYNs; nothing comes back and nothing is logged at the
    server (ground truth, invisible here: the domain's SG lacks app-1)."""
    rng = r("s10")
    app, search = E["app-1"], E["search-1"]
    t = T0 + 4 * 60 + 12.0
    while t < T0 + 37 * 60:
        conv = Conv(cap, "S10", app.ip, search.ip, eph(rng, LINUX), 9200,
                    [Hop(app, EGRESS), Hop(search, INGRESS, always(REJECT))],
                    [Hop(search, EGRESS), Hop(app, INGRESS)])
        tcp_connect(conv, t, (0, 1, 3, 7, 15))                      # client connect timeout 30 s
        t += rng.uniform(40, 70)


def s11_bastion_ssh(cap: Capture):
    """11a. bastion-1: two interactive SSH sessions from the admin's address, idle in between
    (its NODATA windows are written by `write_s3`)."""
    rng = r("s11")
    bastion = E["bastion-1"]
    for start, stop in ((T0 + 8 * 60 + 40.0, T0 + 15 * 60 + 10.0),
                        (T0 + 33 * 60 + 1.5, T0 + 37 * 60 + 20.0)):
        conv = Conv(cap, "S11", ADMIN_HOST, bastion.ip, eph(rng, MACOS), 22,
                    [Hop(bastion, INGRESS)], [Hop(bastion, EGRESS)], cstack=MACOS, owd=0.019)
        status, t = tcp_connect(conv, start)
        assert status == "established"
        for req, resp in ((41, 41), (1512, 1080), (48, 460), (16, 0), (120, 60), (340, 720)):
            t = send(conv, True, t + 0.01, req)                   # banner, kex, auth
            if resp:
                t = send(conv, False, t + 0.003, resp)
        while t < stop - 5:
            for _ in range(rng.randint(3, 25)):                   # one typed command
                t += rng.uniform(0.08, 0.35)
                conv.c2s(t, conv.hdr + 36)
                conv.s2c(t + conv.owd + 0.0003, conv.hdr + 36)    # echo
                conv.c2s(t + 2 * conv.owd + 0.04, conv.hdr)       # delayed ACK
            t = send(conv, False, t + 0.02, rng.choice((80, 400, 2500, 16000)))
            t += rng.uniform(2, 45)
        tcp_close(conv, t + 0.5, by_client=True)


def s12_scan_noise(cap: Capture):
    """12. Internet background: ~30 scanners, one bare SYN each to web-1 on 22, 3389 or 23,
    REJECTed at web-1's ingress."""
    rng = r("s12")
    web = E["web-1"]
    for src in public_pool(rng, USED_PUBLIC, 30):
        conv = Conv(cap, "S12", src, web.ip, eph(rng, SCANNER), rng.choice((22, 22, 3389, 23)),
                    [Hop(web, INGRESS, always(REJECT))], [Hop(web, EGRESS)], cstack=SCANNER)
        tcp_connect(conv, rng.uniform(T0 + 30, T_END - 90))


SCENARIOS = [s01_web_http_baseline, s01_db_baseline, s02_https_rejected, s03_ping_nacl_outbound,
             s04_windows_ephemeral_ports, s05_nat_gateway_reply_rejected, s06_same_subnet_sg,
             s07_refused, s08_late_packets, s09_nacl_change_mid_window, s10_unlogged_peer,
             s11_bastion_ssh, s12_scan_noise]
# 13. Traffic AWS never logs (instance metadata 169.254.169.254, Amazon DNS 10.20.0.2, Time Sync
# 169.254.169.123, DHCP) is deliberately absent - `check_never_logged` enforces it.

# --------------------------------------------------------------------------------------------
# Aggregation into flow-log records
# --------------------------------------------------------------------------------------------


class WindowGrid:
    """Capture windows of one ENI for one flow log: back to back, at most 60 s (Nitro)."""

    def __init__(self, rng: random.Random):
        t = T0 - rng.randint(1, 59)
        self.bounds = []
        while t < T_END + 600:
            self.bounds.append(t)
            t += rng.choice((57, 58, 59, 60, 60, 60))

    def index(self, t: float) -> int:
        return bisect.bisect_right(self.bounds, t) - 1

    def window(self, i: int) -> tuple[int, int]:
        return self.bounds[i], self.bounds[i + 1]


def aggregate(obs: list[Obs], grid: WindowGrid) -> list[dict]:
    """Flow-log records of one ENI: one per window, 5-tuple (as the ENI sees it) and action.

    packets and bytes are summed, tcp-flags OR-ed; start is the first packet's second, end the
    window's close (AWS: "can be up to 60 s after" the packets; the documented examples show
    records of one window sharing their end time)."""
    groups: dict[tuple, dict] = {}
    for o in sorted(obs, key=lambda o: o.t):
        w = grid.index(o.t)
        key = (w, o.direction, o.srcaddr, o.dstaddr, o.sport, o.dport, o.proto, o.action,
               o.pkt_src, o.pkt_dst)
        g = groups.get(key)
        if g is None:
            g = groups[key] = {"w": w, "obs": o, "packets": 0, "bytes": 0, "flags": 0,
                               "first": o.t, "scenarios": set(), "path": o.path}
        g["packets"] += 1
        g["bytes"] += o.size
        g["flags"] |= o.flags
        g["scenarios"].add(o.scenario)
    records = []
    for g in groups.values():
        o = g["obs"]
        assert len(g["scenarios"]) == 1, g["scenarios"]
        ws, we = grid.window(g["w"])
        records.append({
            "version": "5", "account-id": ACCOUNT, "interface-id": o.eni.eni_id,
            "srcaddr": o.srcaddr, "dstaddr": o.dstaddr, "srcport": str(o.sport),
            "dstport": str(o.dport), "protocol": str(o.proto), "packets": str(g["packets"]),
            "bytes": str(g["bytes"]), "start": str(int(g["first"])), "end": str(we),
            "action": o.action, "log-status": "OK", "vpc-id": VPC_ID,
            "subnet-id": o.eni.subnet.subnet_id, "instance-id": o.eni.instance_id,
            "tcp-flags": str(g["flags"]) if o.proto == TCP else "0", "type": "IPv4",
            "pkt-srcaddr": o.pkt_src, "pkt-dstaddr": o.pkt_dst, "flow-direction": o.direction,
            "traffic-path": g["path"],
            "_scenario": o.scenario, "_eni": o.eni.name, "_w": g["w"], "_wstart": ws,
        })
    return records


def status_record(eni: Eni, ws: int, we: int, status: str) -> dict:
    """NODATA / SKIPDATA in the custom format: every per-flow field '-' (AWS documents the shape
    only for the default format; vpc-id etc. are not relied on, so '-' as well)."""
    rec = {f: "-" for f in S3_FIELDS}
    rec.update({"version": "5", "account-id": ACCOUNT, "interface-id": eni.eni_id,
                "start": str(ws), "end": str(we), "log-status": status,
                "_scenario": "S11", "_eni": eni.name})
    return rec


def line(rec: dict, fields) -> str:
    return " ".join(rec[f] for f in fields)


def ordered(records: list[dict]) -> list[dict]:
    """Order inside an object: by window close, then ENI (AWS flushes per ENI and window)."""
    return sorted(records, key=lambda x: (int(x["end"]), x["interface-id"], int(x["start"]),
                                          x["flow-direction"], x["srcaddr"], x["dstaddr"],
                                          x["srcport"], x["dstport"], x["action"]))


def stamp(t: int) -> str:
    y, mo, d, h, mi = time.gmtime(t)[:5]
    return f"{y:04d}{mo:02d}{d:02d}T{h:02d}{mi:02d}Z"


def write_s3(cap: Capture, out: str) -> dict:
    """One object per flow log per 5 minutes; returns counts for the summary."""
    rng = r("s3")
    by_flow_log: dict[str, list[dict]] = defaultdict(list)
    grids = {}
    for name, eni in ENIS.items():
        if not eni.logged:
            continue
        grids[name] = grid = WindowGrid(r(f"grid-s3-{name}"))
        recs = aggregate(cap.observations.get(name, []), grid)

        if name == "db-1":
            # 11b. SKIPDATA: one window of db-1 (the one holding 14:27:30) exceeded capacity;
            # its records are lost and a single SKIPDATA record stands for them.
            w = grid.index(T0 + 27 * 60 + 30)
            recs = [x for x in recs if x["_w"] != w]
            recs.append(status_record(eni, *grid.window(w), "SKIPDATA"))
        if name == "bastion-1":
            # 11c. NODATA: bastion-1 idle between its SSH sessions; three windows carry NODATA.
            busy = {x["_w"] for x in recs}
            for t in (T0 + 18 * 60 + 30, T0 + 19 * 60 + 30, T0 + 27 * 60 + 30):
                w = grid.index(t)
                assert w not in busy
                recs.append(status_record(eni, *grid.window(w), "NODATA"))
        by_flow_log[eni.subnet.flow_log_id].extend(recs)

    root = os.path.join(out, "AWSLogs", ACCOUNT, "vpcflowlogs", REGION, "2026", "11", "17")
    os.makedirs(root, exist_ok=True)
    summary = {"files": [], "records": []}
    for subnet in SUBNETS.values():
        fl = subnet.flow_log_id
        if fl is None:
            continue
        recs = [x for x in by_flow_log[fl] if int(x["end"]) < T_END]
        for k in range((T_END - T0) // S3_OBJECT_SPAN):
            lo = T0 + k * S3_OBJECT_SPAN
            chunk = ordered([x for x in recs if lo <= int(x["end"]) < lo + S3_OBJECT_SPAN])
            if not chunk:
                continue
            name = f"{ACCOUNT}_vpcflowlogs_{REGION}_{fl}_{stamp(lo)}_{rng.getrandbits(32):08x}.log.gz"
            text = " ".join(S3_FIELDS) + "\n" + "".join(line(x, S3_FIELDS) + "\n" for x in chunk)
            buf = io.BytesIO()
            # mtime = upload time (~10 min after the window), filename empty: like AWS's objects.
            with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9,
                               mtime=lo + S3_OBJECT_SPAN + 600) as gz:
                gz.write(text.encode())
            with open(os.path.join(root, name), "wb") as f:
                f.write(buf.getvalue())
            summary["files"].append(name)
            summary["records"].extend(chunk)
    check_expectations(summary["records"], grids["web-1"])
    return summary


def check_expectations(recs: list[dict], grid_web: WindowGrid):
    """The claims fixtures/demo/README.md makes about the records; fail loudly if an edit breaks one."""
    by = defaultdict(list)
    for x in recs:
        by[x["_scenario"]].append(x)
    # Ticket 1 and scan noise: REJECTs at web-1's ingress only, nothing else for those tuples.
    for sc in ("S02", "S12"):
        assert {(x["_eni"], x["flow-direction"], x["action"]) for x in by[sc]} == {("web-1", INGRESS, REJECT)}
    # Ticket 3: app-win-1 REJECTs replies exactly for client ports above 60999.
    for x in by["S04"]:
        if x["_eni"] == "app-win-1" and x["flow-direction"] == INGRESS:
            assert (int(x["dstport"]) > 60999) == (x["action"] == REJECT), x
    # Ticket 4: the NAT ENI's rejected replies are addressed to the NAT's own private IP.
    for x in by["S05"]:
        if x["action"] == REJECT:
            assert x["_eni"] == "nat-gw" and x["pkt-dstaddr"] == x["dstaddr"] == ENIS["nat-gw"].ip
    # Ticket 9: in the window of the change one reply tuple is both ACCEPTed and REJECTed ...
    w = grid_web.index(NACL_CHANGE)
    actions = defaultdict(set)
    for x in by["S09"]:
        if x["_eni"] == "web-1" and x["flow-direction"] == INGRESS:
            if x["_w"] == w:
                actions[(x["srcport"], x["dstport"])].add(x["action"])
            elif x["_w"] > w:                          # ... and later windows only REJECT
                assert x["action"] == REJECT, x
    assert any(a == {ACCEPT, REJECT} for a in actions.values()), actions
    # Ticket 10: nothing ever comes back from 10.20.5.10.
    assert all(x["srcaddr"] != ENIS["search-1"].ip for x in recs)


def write_cloudwatch(cap: Capture, out: str) -> list[dict]:
    """`aws logs filter-log-events --log-group-name /vpc/flowlogs/db-1 --log-stream-names
    eni-…-all --start-time … --end-time …` for db-1's ENI-level default-format flow log.

    Its own capture windows (the two flow logs of db-1 need not align), no header, the
    message is the v2 record; timestamp = start in ms, ingestionTime a few minutes later."""
    rng = r("cloudwatch")
    db = ENIS["db-1"]
    recs = aggregate(cap.observations["db-1"], WindowGrid(r("grid-cw-db-1")))
    recs = [x for x in recs if CW_EXPORT_FROM <= int(x["start"]) < CW_EXPORT_TO]
    for x in recs:
        x["version"] = "2"
    recs.sort(key=lambda x: (int(x["start"]), int(x["end"]), x["srcaddr"], x["srcport"]))
    events, delivered = [], {}
    for x in recs:
        ts = int(x["start"]) * 1000
        end = int(x["end"])
        if end not in delivered:                 # a window's records arrive in one batch
            delivered[end] = end * 1000 + rng.randint(60_000, 300_000)
        events.append({
            "logStreamName": f"{db.eni_id}-all",
            "timestamp": ts,
            "message": line(x, DEFAULT_FIELDS),
            "ingestionTime": delivered[end] + rng.randint(0, 40),
            "eventId": str(ts) + "".join(rng.choice("0123456789") for _ in range(43)),
        })
    os.makedirs(os.path.join(out, "cloudwatch"), exist_ok=True)
    with open(os.path.join(out, "cloudwatch", "filter-log-events-db.json"), "w") as f:
        json.dump({"events": events, "searchedLogStreams": []}, f, indent=4)
        f.write("\n")
    return recs


def check_never_logged(cap: Capture):
    """13. AWS never logs IMDS, Time Sync, Amazon DNS (VPC base + 2), DHCP; neither do we."""
    forbidden = {"169.254.169.254", "169.254.169.123", "10.20.0.2"}
    for obs in cap.observations.values():
        for o in obs:
            assert not ({o.srcaddr, o.dstaddr, o.pkt_src, o.pkt_dst} & forbidden), o
            assert o.proto != 17 or {o.sport, o.dport}.isdisjoint({67, 68}), o


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "fixtures", "demo"))
    args = ap.parse_args()
    out = os.path.normpath(args.out)
    for sub in ("AWSLogs", "cloudwatch"):                       # README.md is hand-written
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)

    cap = Capture()
    for scenario in SCENARIOS:
        scenario(cap)
    check_never_logged(cap)
    s3 = write_s3(cap, out)
    cw = write_cloudwatch(cap, out)

    recs = s3["records"]
    print(f"S3: {len(s3['files'])} objects, {len(recs)} records; CloudWatch: {len(cw)} events")
    print("by action:", dict(Counter(x["action"] for x in recs)),
          "CloudWatch:", dict(Counter(x["action"] for x in cw)))
    print("by log-status:", dict(Counter(x["log-status"] for x in recs)))
    per = defaultdict(Counter)
    for x in recs:
        per[x["_scenario"]][x["action"]] += 1
    for sc in sorted(per):
        print(f"  {sc}: {dict(per[sc])}")
    ends = [int(x["end"]) for x in recs]
    starts = [int(x["start"]) for x in recs]
    print("time range:", min(starts), max(ends))
    return 0


if __name__ == "__main__":
    sys.exit(main())
