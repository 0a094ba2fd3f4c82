# --strict turns a malformed line into exit code 2
exit 2
inspect
--strict
--quiet
--output
json
../shared/data/public-samples/otel-collector-contrib-awslogsencoding/vpc_flow_log_too_few_fields.log
