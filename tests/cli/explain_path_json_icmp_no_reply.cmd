# JSON for an ICMP type without reply (destination unreachable) inside one subnet: the response leg is not
# evaluated, the NACLs are not applied, and the fix references the sender's group
exit 1
explain-path
--config
fixtures/config/broken-vpc.yaml
--from
10.20.2.11
--to
10.20.2.12/icmp
--icmp-type
3
--icmp-code
4
--output
json
