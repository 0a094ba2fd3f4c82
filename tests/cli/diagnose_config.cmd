# --config names the exact NACL entry or missing security-group allow, with the command that fixes it,
# and reports drift (ticket 9's early connections worked before the ACL change)
exit 0
diagnose
--no-color
--config
fixtures/config/broken-vpc
--suppress
fixtures/suppress/scanners.yaml
fixtures/demo/AWSLogs
fixtures/demo/cloudwatch
