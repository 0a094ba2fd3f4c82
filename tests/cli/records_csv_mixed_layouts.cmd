exit 0
records
--output
csv
../shared/data/public-samples/flowlogs-reader/v3_file.log
../shared/data/public-samples/aws-vpc-user-guide/ipv6.log
