#!/usr/bin/env bash
# `make demo`: the main job on the bundled example — 40 minutes of one VPC's flow logs (S3 objects of
# five subnet-level flow logs plus a CloudWatch Logs export of one ENI), holding the tickets described
# in fixtures/demo/README.md.
set -euo pipefail
bin=${1:-build/flowsleuth}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
echo "\$ flowsleuth diagnose fixtures/demo/AWSLogs fixtures/demo/cloudwatch"
echo
"$bin" diagnose fixtures/demo/AWSLogs fixtures/demo/cloudwatch

# With the VPC's configuration (describe-* output), the same logs name the exact rule and the fix.
echo
echo "\$ flowsleuth diagnose --config fixtures/config/broken-vpc --client 10.20.2.21 fixtures/demo/AWSLogs fixtures/demo/cloudwatch"
echo
"$bin" diagnose --config fixtures/config/broken-vpc --client 10.20.2.21 fixtures/demo/AWSLogs fixtures/demo/cloudwatch
echo
echo "\$ flowsleuth explain-path --config fixtures/config/broken-vpc --from 10.20.2.21 --to 10.20.3.10:5432/tcp"
echo
# Exit code 1 means "a check denies it" — the point of this ticket — so only 2 (an error) stops the demo.
rc=0
"$bin" explain-path --config fixtures/config/broken-vpc --from 10.20.2.21 --to 10.20.3.10:5432/tcp || rc=$?
if ((rc > 1)); then exit "$rc"; fi
