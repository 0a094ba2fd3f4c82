# the markdown reporter on the multi-flow fixture
exit 0
diagnose
--output
markdown
fixtures/diagnose/late-packets.log
fixtures/diagnose/c05-ping-nacl-drops-reply.log
fixtures/diagnose/refused.log
fixtures/diagnose/sg-same-subnet-reject.log
fixtures/diagnose/healthy.log
