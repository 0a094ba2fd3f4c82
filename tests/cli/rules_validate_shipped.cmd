# the shipped rule pack validates without a problem
exit 0
rules
validate
--no-color
rules
