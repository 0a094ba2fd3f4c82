# CloudWatch events carry no header: with --config, the LogFormat describe-flow-logs gives for the
# CloudWatch flow log reads them (without it every line would be skipped as not fitting the v2 default)
exit 0
diagnose
--no-color
--config
fixtures/config/cloudwatch-custom-format/describe-flow-logs.json
fixtures/config/cloudwatch-custom-format/filter-log-events-api.json
