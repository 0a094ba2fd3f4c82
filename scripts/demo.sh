#!/usr/bin/env bash
# `make demo`: run flowsleuth on the bundled example (fixtures/demo/: an S3 flow-log bucket layout
# with gzip'd 5-minute objects, plus a CloudWatch Logs export of one ENI).
set -euo pipefail
bin=${1:-build/flowsleuth}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
echo "\$ flowsleuth inspect fixtures/demo/AWSLogs fixtures/demo/cloudwatch"
echo
"$bin" inspect fixtures/demo/AWSLogs fixtures/demo/cloudwatch
