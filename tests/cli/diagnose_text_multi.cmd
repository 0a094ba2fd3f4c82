# text report on a multi-flow fixture: late packets, a NACL dropping replies, refused, same-subnet SG
exit 0
diagnose
--no-color
fixtures/diagnose/late-packets.log
fixtures/diagnose/c05-ping-nacl-drops-reply.log
fixtures/diagnose/refused.log
fixtures/diagnose/sg-same-subnet-reject.log
fixtures/diagnose/healthy.log
