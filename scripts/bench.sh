#!/usr/bin/env bash
# The benchmark comparison (README "Performance"): builds the library and jmh/target/benchmarks.jar,
# runs every JMH benchmark (shadowvars beside each peer, one fork each, -prof gc for B/op), measures
# bytes per variable at 1M (io.shadowvars.jmh.Footprint), and writes docs/benchmarks.md and
# docs/benchmarks.png with the report tool.
#   bash scripts/bench.sh            # the whole comparison (every benchmark, WeakParentsBenchmark
#                                    # included), about 12.5 minutes on 2 cores before it was added
#   bash scripts/bench.sh --quick    # the targets' rows and the weak-parent rows at 1M, shorter
#                                    # iterations; about 150 s with builds and the footprint (2026-12-03)
# Both measure the footprint, object parents (strong and weak stores) included.
# JSON results stay in jmh/target/results/. Run nothing else meanwhile: this machine has 2 cores,
# and two JMH runs at once clash on JMH's lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
flag=""
if [ "${1:-}" = "--quick" ]; then quick=1; flag=" --quick"; shift; fi

mvn -B -q -ntp install -DskipTests
mvn -B -q -ntp -f jmh/pom.xml package -DskipTests
out=jmh/target/results
rm -rf "$out"; mkdir -p "$out"
jar=jmh/target/benchmarks.jar
source jmh/flags.sh

# The writer benchmarks' peers allocate on every operation. On a virtual machine the first touch
# of each heap page can cost microseconds (seen here: ConcurrentHashMap churn at 1.7 ops/us until
# the heap had been touched once, 16-18 after), so their forks pre-touch the heap (10-20 s each).
writers='ChurnThreadsBenchmark|PipeBenchmark'
writer_flags=(-jvmArgsPrepend -XX:+AlwaysPreTouch)
# Their iterations are also labelled with the machine's cross-core round trip, which on a VM can
# flip between two states that halve every cross-thread figure (docs/PERFORMANCE.md, "Measuring in
# the machine's two states"): python3 scripts/modes.py jmh/target/results/writers.json compares
# the implementations inside each state.
writer_flags+=(-prof io.shadowvars.jmh.CrossCoreProbe)

start=$(date +%s)
if [ "$quick" = "1" ]; then
  iters=(-wi 1 -w 500ms -i 3 -r 500ms)
  run_with() { local name=$1; shift; java -jar "$jar" -foe true -prof gc -rf json -rff "$out/$name.json" "$@"; }
  run() { local name=$1; shift; run_with "$name" "${iters[@]}" "$@"; }
  # The writers warm up longer: the pipe's first seconds can run JMH's loop as profiled C1 code
  # (see PipeBenchmark), which one 0.5 s warm-up would measure instead of the store.
  writer_iters=(-wi 5 -w 500ms -i 3 -r 500ms)
  run get-long   'GetHitLongBenchmark'   -p impl=shadowvars,agrona,floor
  run get-object 'GetHitObjectBenchmark' -p impl=shadowvars,weak,field
  run churn      '\.ChurnBenchmark\.'  -p impl=shadowvars,agrona
  run lookups    'GetMissBenchmark|GetOrAllocHitBenchmark' -p impl=shadowvars,agrona
  run readers    'ReadersUnderChurnBenchmark' -p impl=shadowvars
  run_with writers "${writer_iters[@]}" 'ChurnThreadsBenchmark|PipeBenchmark' -p impl=shadowvars,chm,nbhml "${writer_flags[@]}"
  run weak       'WeakParentsBenchmark' -p impl=shadowvars,shadowvars-strong,weak -p size=1000000
  mode="quick (1 x 0.5 s warm-up, 5 for the writers, 3 x 0.5 s measurement, the targets' peers and the weak-parent rows at 1M)"
else
  java -jar "$jar" -foe true -prof gc -rf json -rff "$out/all.json" -e "$writers" "$@"
  java -jar "$jar" -foe true -prof gc -rf json -rff "$out/writers.json" "${writer_flags[@]}" "$writers" "$@"
  mode="full (3 x 1 s warm-up, 5 x 1 s measurement; freeAll: 4 + 8 single shots)"
fi
# Footprint: its own JVM, 1M variables per implementation.
# shellcheck disable=SC2086
java $JMH_JVM_FLAGS -Xmx4g -cp "$jar" io.shadowvars.jmh.Footprint 1000000 "$out/footprint.json" > /dev/null
took=$(( $(date +%s) - start ))

cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
env="$(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB; JMH 1.37, 1 fork per row; mode: $mode; took ${took} s; command: bash scripts/bench.sh${flag}"
results=()
for f in "$out"/*.json; do [ "$(basename "$f")" = footprint.json ] || results+=("$f"); done
java -Djava.awt.headless=true -cp "$jar" io.shadowvars.jmh.report.Report \
  --footprint "$out/footprint.json" --env "$env" \
  --out-md docs/benchmarks.md --out-png docs/benchmarks.png "${results[@]}"
echo "took ${took} s; wrote docs/benchmarks.md and docs/benchmarks.png"
