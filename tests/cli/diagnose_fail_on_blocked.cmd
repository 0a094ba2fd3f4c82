# --fail-on blocked makes blocked flows an exit code for scripts
exit 1
diagnose
--no-color
--fail-on
blocked
fixtures/diagnose/c02-rejected-rdp.log
