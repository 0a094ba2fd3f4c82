# a suppression file leaves out known-benign flows and says how many
exit 0
diagnose
--no-color
--suppress
fixtures/suppress/scanners.yaml
fixtures/demo/AWSLogs
fixtures/demo/cloudwatch
