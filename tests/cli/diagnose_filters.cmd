# --server/--port filters: only the refused flow remains
exit 0
diagnose
--no-color
--server
10.0.2.0/24
--port
5433
fixtures/diagnose/refused.log
fixtures/diagnose/healthy.log
fixtures/diagnose/c02-rejected-rdp.log
