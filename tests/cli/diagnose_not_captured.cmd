# a question about traffic AWS never logs is answered not-captured, not silence
exit 0
diagnose
--output
json
--server
169.254.169.254
--client
10.0.2.20
fixtures/diagnose/healthy.log
