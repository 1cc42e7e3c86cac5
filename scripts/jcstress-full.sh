#!/usr/bin/env bash
# The full jcstress run: every test in "default" mode (about 10 minutes on 2 cores), then the
# negative control. Extra arguments go to jcstress (e.g. -m tough, -t ReclamationTest).
#   bash scripts/jcstress-full.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source jcstress/flags.sh
mvn -B -q -ntp install -DskipTests
mvn -B -q -ntp -f jcstress/pom.xml package
mkdir -p jcstress/target/full
cd jcstress/target/full
start=$(date +%s)
rc=0
java -jar ../jcstress.jar -jvmArgsPrepend "$JCSTRESS_JVM_FLAGS" -m default \
  -t 'io\.shadowvars\.jcstress\.[A-Z]' -r gate "$@" > gate.log 2>&1 || rc=$?
grep -E "Observed forbidden" gate.log | head -20 || true
grep -A8 "RUN RESULTS" gate.log || true
echo "took $(( $(date +%s) - start )) s; exit code $rc; report: jcstress/target/full/gate/index.html"
exit $rc
