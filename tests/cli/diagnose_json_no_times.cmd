# a layout without start/end: no time is known, so every time_range is null (not sentinels)
exit 0
diagnose
--output
json
--all
fixtures/diagnose/c08-transit-gateway-hop.log
