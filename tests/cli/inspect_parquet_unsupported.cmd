# Parquet is not supported yet: exit code 2
exit 2
inspect
--quiet
--output
json
../shared/data/public-samples/flowlogs-reader/flows.parquet
