#!/usr/bin/env bash
# The demo's check, run by scripts/test.sh after it has installed the library into the local Maven
# repository: builds the demo and its shaded jar, and runs its tests (a few seconds of the pipeline
# in EPOCH, QSBR and NONE modes, checking the verdict and the JSON; the bad-option exit codes).
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -ntp -f demo/pom.xml verify "$@"
