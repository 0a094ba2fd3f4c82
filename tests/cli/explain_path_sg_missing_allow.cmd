# ticket 1: web-1's group admits only 80, so https from the internet finds no allow (YAML topology)
exit 1
explain-path
--config
fixtures/config/broken-vpc.yaml
--from
198.51.100.14
--to
10.20.1.10:443
