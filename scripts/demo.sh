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
