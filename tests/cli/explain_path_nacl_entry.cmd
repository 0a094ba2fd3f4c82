# ticket 9: web-1 → app-2 8080; the replies meet web ACL entry 90, a DENY before the allows
exit 1
explain-path
--config
fixtures/config/broken-vpc
--from
10.20.1.10
--to
10.20.2.12:8080/tcp
