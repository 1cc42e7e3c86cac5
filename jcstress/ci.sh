#!/usr/bin/env bash
# The quick jcstress pass run by scripts/test.sh (after the library was installed):
#  1. builds jcstress/target/jcstress.jar;
#  2. the gate: every io.shadowvars.jcstress test in "sanity" mode; jcstress exits non-zero on a
#     FORBIDDEN outcome, and so does this script;
#  3. the negative control (io.shadowvars.jcstress.control): it MUST show its FORBIDDEN outcome,
#     or the harness would be blind, and this script fails.
# The full run is scripts/jcstress-full.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source jcstress/flags.sh

mvn -B -q -ntp -f jcstress/pom.xml package
mkdir -p jcstress/target/run
cd jcstress/target/run

echo "jcstress gate (sanity mode)..."
java -jar ../jcstress.jar -jvmArgsPrepend "$JCSTRESS_JVM_FLAGS" -m sanity \
  -t 'io\.shadowvars\.jcstress\.[A-Z]' -r gate > gate.log 2>&1 || {
  grep -E "Observed forbidden|FAILED|ERROR" gate.log | head -20
  echo "jcstress gate FAILED (full log: jcstress/target/run/gate.log)"
  exit 1
}
grep -A8 "RUN RESULTS" gate.log

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
