# docs/verdicts.md's eni-sides-unknown example: ENIs whose side nothing tells, their records kept as evidence (JSON: unplaced)
exit 0
diagnose
--output
json
fixtures/diagnose/eni-sides-unknown.log
