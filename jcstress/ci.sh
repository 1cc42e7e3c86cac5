#!/usr/bin/env bash
# The quick jcstress pass run by scripts/test.sh (after the library was installed):
#  1. builds jcstress/target/jcstress.jar;
#  2. the gate: every io.shadowvars.jcstress test in "sanity" mode; jcstress exits non-zero on a
#     FORBIDDEN outcome, and so does this script. The tests of writers on segments (SEGMENT_TESTS)
#     run in one JVM configuration without split compilation (2 forks each instead of 28), which
#     keeps their share of the gate to about 15 s on a quiet machine; the full run
#     (scripts/jcstress-full.sh) gives them every compilation mode;
#  3. the negative control (io.shadowvars.jcstress.control): it MUST show its FORBIDDEN outcome,
#     or the harness would be blind, and this script fails.
# The full run is scripts/jcstress-full.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source jcstress/flags.sh

mvn -B -q -ntp -f jcstress/pom.xml package
mkdir -p jcstress/target/run
cd jcstress/target/run

SEGMENT_TESTS='ParallelWritersTest|FreeAllAtomicityTest|CrossThreadFree|CallbackVsFreeAllTest'
echo "jcstress gate (sanity mode)..."
java -jar ../jcstress.jar -jvmArgsPrepend "$JCSTRESS_JVM_FLAGS" -m sanity \
  -t "io\\.shadowvars\\.jcstress\\.(?!$SEGMENT_TESTS)[A-Z]" -r gate > gate.log 2>&1 || {
  grep -E "Observed forbidden|FAILED|ERROR" gate.log | head -20
  echo "jcstress gate FAILED (full log: jcstress/target/run/gate.log)"
  exit 1
}
grep -A8 "RUN RESULTS" gate.log

echo "jcstress gate, segment tests (sanity mode, one JVM configuration)..."
java -jar ../jcstress.jar -jvmArgs "$JCSTRESS_JVM_FLAGS" -sc false -m sanity \
  -t "io\\.shadowvars\\.jcstress\\.($SEGMENT_TESTS)" -r gate-segments > gate-segments.log 2>&1 || {
  grep -E "Observed forbidden|FAILED|ERROR" gate-segments.log | head -20
  echo "jcstress gate FAILED (full log: jcstress/target/run/gate-segments.log)"
  exit 1
}
grep -A8 "RUN RESULTS" gate-segments.log

echo "jcstress negative control (must show its FORBIDDEN outcome)..."
if java -jar ../jcstress.jar -jvmArgsPrepend "$JCSTRESS_JVM_FLAGS" -m sanity \
  -t 'io\.shadowvars\.jcstress\.control\.' -r control > control.log 2>&1; then
  echo "negative control did NOT show its forbidden outcome: the harness cannot see a broken store"
  exit 1
fi
if ! grep -q "Observed forbidden state" control.log; then
  echo "negative control failed without showing its forbidden outcome (see jcstress/target/run/control.log)"
  exit 1
fi
grep -m1 -o "Observed forbidden state: [^(]*([^)]*)" control.log
echo "jcstress: gate passed, negative control saw the broken store"
