# tcp without a port is a usage error: exit 2, nothing on stdout
exit 2
explain-path
--config
fixtures/config/broken-vpc
--from
10.20.1.10
--to
10.20.2.12/tcp
