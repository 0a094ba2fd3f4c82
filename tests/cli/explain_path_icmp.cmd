# ticket 2: the office pings app-1; the echo reply meets the app ACL's default egress deny
exit 1
explain-path
--config
fixtures/config/broken-vpc.yaml
--from
198.51.100.23
--to
10.20.2.11/icmp
