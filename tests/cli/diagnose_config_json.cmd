# JSON: blocking.rule names the entry, `config` holds the status and the fix, `drift` lists contradictions
exit 0
diagnose
--output
json
--config
fixtures/config/broken-vpc.yaml
--client
10.20.2.21
fixtures/demo/AWSLogs
fixtures/demo/cloudwatch
