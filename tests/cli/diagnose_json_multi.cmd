# the flowsleuth/report/v1 JSON contract, with --all
exit 0
diagnose
--output
json
--all
fixtures/diagnose/late-packets.log
fixtures/diagnose/c05-ping-nacl-drops-reply.log
fixtures/diagnose/refused.log
fixtures/diagnose/sg-same-subnet-reject.log
fixtures/diagnose/healthy.log
