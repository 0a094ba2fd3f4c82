exit 0
inspect
--no-color
../shared/data/public-samples/aws-vpc-user-guide/sg-nacl-icmp-ping.log
../shared/data/public-samples/flowlogs-reader/v2_records.log
