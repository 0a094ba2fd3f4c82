# ticket 3 as JSON: Windows client ports, of which the app ACL admits only 49152-60999
exit 1
explain-path
--config
fixtures/config/broken-vpc
--from
10.20.2.21
--to
10.20.3.10:5432
--ephemeral
windows
--output
json
