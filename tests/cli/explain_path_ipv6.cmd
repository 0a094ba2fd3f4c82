# IPv6 https to web-1 in brackets: the web ACL admits ::/0 on 443, the group does not (an Ipv6Ranges fix)
exit 1
explain-path
--config
fixtures/config/broken-vpc
--from
2001:db8::5
--to
[2a05:d018:9a4:ee01::10]:443/tcp
