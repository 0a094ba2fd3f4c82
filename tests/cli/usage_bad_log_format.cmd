# a bad --log-format names the column
exit 2
inspect
--log-format
${version} ${srcaddr
../shared/data/public-samples/aws-vpc-user-guide/ipv6.log
