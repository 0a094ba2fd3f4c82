exit 0
inspect
--output
json
--quiet
../shared/data/public-samples/aws-vpc-user-guide/accepted-rejected.log
../shared/data/public-samples/aws-vpc-user-guide/nodata-skipdata.log
../shared/data/public-samples/flowlogs-reader/v5_file.log
