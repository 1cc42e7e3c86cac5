#!/usr/bin/env bash
# The full jcstress run: every test in "default" mode (iterations and time per test as jcstress's
# default preset), then a summary. Extra arguments go to jcstress (e.g. -m tough, -t ReclamationTest).
#   bash scripts/jcstress-full.sh
# By default the forked VMs use one JVM configuration (the library's flags, the JVM's defaults):
# jcstress's auto-detected set is 68 configurations per test here (C1/C2, stress randomizers,
# biased locking), which takes hours on 2 cores. ALL_CONFIGS=1 runs that whole set.
set -euo pipefail
cd "$(dirname "$0")/.."
source jcstress/flags.sh
mvn -B -q -ntp install -DskipTests
mvn -B -q -ntp -f jcstress/pom.xml package
mkdir -p jcstress/target/full
cd jcstress/target/full
if [ "${ALL_CONFIGS:-0}" = "1" ]; then jvm=(-jvmArgsPrepend "$JCSTRESS_JVM_FLAGS"); else jvm=(-jvmArgs "$JCSTRESS_JVM_FLAGS"); fi
start=$(date +%s)
rc=0
java -jar ../jcstress.jar "${jvm[@]}" -m default -t 'io\.shadowvars\.jcstress\.[A-Z]' -r gate "$@" \
  > gate.log 2>&1 || rc=$?
grep -E "Observed forbidden" gate.log | head -20 || true
grep -A8 "RUN RESULTS" gate.log || true
echo "took $(( $(date +%s) - start )) s; exit code $rc; report: jcstress/target/full/gate/index.html"
exit $rc
