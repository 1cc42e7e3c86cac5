#!/usr/bin/env bash
# The benchmark module's check, run by scripts/test.sh after the library was installed: builds
# jmh/target/benchmarks.jar, runs the report tool's tests, then a smoke pass that runs every
# benchmark once for the library (1K variables, one 100 ms iteration; -foe true, so a benchmark
# that throws fails CI), a small footprint run, and the report tool on their output. JMH ignores
# -p for a parameter a benchmark does not declare, so the writer benchmarks (ChurnThreadsBenchmark,
# PipeBenchmark: no size parameter) run at their own sizes; the pass checks that they ran. Figures
# from this pass mean nothing; the comparison is scripts/bench.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source jmh/flags.sh

mvn -B -ntp -f jmh/pom.xml verify
out=jmh/target/smoke
rm -rf "$out"; mkdir -p "$out"
java -jar jmh/target/benchmarks.jar -foe true -wi 0 -i 1 -r 100ms -p size=1000 -p impl=shadowvars \
  -rf json -rff "$out/smoke.json" > "$out/jmh.log" 2>&1 || { tail -40 "$out/jmh.log"; exit 1; }
# shellcheck disable=SC2086
java $JMH_JVM_FLAGS -cp jmh/target/benchmarks.jar io.shadowvars.jmh.Footprint 10000 "$out/footprint.json" > /dev/null
java -Djava.awt.headless=true -cp jmh/target/benchmarks.jar io.shadowvars.jmh.report.Report \
  --footprint "$out/footprint.json" --env "CI smoke pass" \
  --out-md "$out/benchmarks.md" --out-png "$out/benchmarks.png" "$out/smoke.json"
for b in ChurnThreadsBenchmark.churn1 ChurnThreadsBenchmark.churn2 PipeBenchmark.pipe; do
  grep -q "\"io.shadowvars.jmh.$b\"" "$out/smoke.json" || { echo "jmh smoke: $b did not run" >&2; exit 1; }
done
for impl in shadowvars-objects shadowvars-weak; do
  grep -q "\"impl\": \"$impl\"" "$out/footprint.json" || { echo "jmh smoke: no $impl footprint row" >&2; exit 1; }
done
rows=$(grep -c '"benchmark"' "$out/smoke.json")
echo "jmh smoke: $rows benchmark rows ran; report written to $out/benchmarks.md"
