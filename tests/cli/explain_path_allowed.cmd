# app-1 → db-1 with Linux client ports: every check passes, exit 0
exit 0
explain-path
--config
fixtures/config/broken-vpc
--from
10.20.2.11
--to
10.20.3.10:5432/tcp
--ephemeral
linux
