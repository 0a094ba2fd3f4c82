# a broken suppression file is a usage error naming file:line:column
exit 2
diagnose
--suppress
fixtures/suppress/broken.yaml
fixtures/diagnose/healthy.log
