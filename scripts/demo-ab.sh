#!/usr/bin/env bash
# Compare demo runs the way this noisy 2-core machine allows: many short rounds, the variants in
# a rotating order within each round (so that none always runs first), the store's ratio to the
# others taken within each round, and each run bracketed by the cross-core probe (docs/
# PERFORMANCE.md, "Measuring in the machine's two states").
#
#   bash scripts/demo-ab.sh <rounds> [<commit>] [-- <demo options>]
#
# Variants: "store" (the working tree's build), "map" (the same pipeline with --peer chm) and,
# when a commit is given, "base" (the library built at that commit, its classes ahead of the
# working tree's demo jar). Default demo options: --seconds 10. Writes demo-ab-<variant>-<round>.json
# (the demo's own summary), its log, and demo-ab.tsv into the current directory, then prints each
# variant's median packets/s and p50/p99 per operation, the store's per-round ratios to the others
# (median, and in how many rounds it was ahead), and the same medians grouped by the probe's state
# around each run. The probe sees the machine between runs, not inside one: a run can change state
# halfway (PERFORMANCE.md), which is why the paired ratios come first.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: bash scripts/demo-ab.sh <rounds> [<commit>] [-- <demo options>]" >&2
  exit 2
fi
rounds=$1
shift
case "$rounds" in
  ''|*[!0-9]*|0) echo "rounds must be a positive number: $rounds" >&2; exit 2;;
esac
base=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
  base=$1
  shift
fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then
  shift
fi
demo_args=("$@")
if [ ${#demo_args[@]} -eq 0 ]; then
  demo_args=(--seconds 10)
fi

root=$(cd "$(dirname "$0")/.." && pwd)
demo_jar="$root/demo/target/shadowvars-demo.jar"
bench_jar="$root/jmh/target/benchmarks.jar"
# Rebuild when a jar is missing or a source or pom is newer than it (as scripts/demo.sh does), so
# that "store" is always the working tree's code.
stale() {
  [ ! -f "$demo_jar" ] || [ ! -f "$bench_jar" ] && return 0
  [ -n "$(find "$root/pom.xml" "$root/src" "$root/demo/pom.xml" "$root/demo/src" -newer "$demo_jar" -type f -print -quit)" ] ||
    [ -n "$(find "$root/pom.xml" "$root/src" "$root/jmh/pom.xml" "$root/jmh/src" -newer "$bench_jar" -type f -print -quit)" ]
}
if stale; then
  echo "building the library, the demo and the benchmarks (for the probe)..." >&2
  mvn -B -q -ntp -f "$root/pom.xml" install -DskipTests >&2
  mvn -B -q -ntp -f "$root/demo/pom.xml" package -DskipTests >&2
  mvn -B -q -ntp -f "$root/jmh/pom.xml" package -DskipTests >&2
fi
source "$root/jmh/flags.sh"

variants=(store map)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
if [ -n "$base" ]; then
  git -C "$root" worktree add -q --detach "$work/base" "$base"
  echo "building the library at $(git -C "$root" rev-parse --short "$base") (base)..." >&2
  mvn -B -q -ntp -f "$work/base/pom.xml" compile > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  variants+=(base)
fi

probe() {
  # The median of five cross-core round trips, in ns.
  java -cp "$bench_jar" io.shadowvars.jmh.CrossCoreProbe 5 |
    tr ' ' '\n' | grep -E '^[0-9]+$' | sort -n | sed -n 3p
}

printf 'round\tvariant\tprobe_before\tprobe_after\tjson\n' > demo-ab.tsv
count=${#variants[@]}
for r in $(seq 1 "$rounds"); do
  for k in $(seq 0 $((count - 1))); do
    v=${variants[$(((r - 1 + k) % count))]}
    json="demo-ab-$v-$r.json"
    case "$v" in
      store) cmd=(java $JMH_JVM_FLAGS -cp "$demo_jar" io.shadowvars.demo.Main);;
      map)   cmd=(java $JMH_JVM_FLAGS -cp "$demo_jar" io.shadowvars.demo.Main --peer chm);;
      base)  cmd=(java $JMH_JVM_FLAGS -cp "$work/base/target/classes:$demo_jar" io.shadowvars.demo.Main);;
    esac
    before=$(probe)
    "${cmd[@]}" "${demo_args[@]}" --json "$json" > "demo-ab-$v-$r.log" 2>&1 ||
      { echo "run failed: demo-ab-$v-$r.log" >&2; exit 1; }
    after=$(probe)
    printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$v" "$before" "$after" "$json" >> demo-ab.tsv
    echo "round $r, $v: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packetsPerSecond"])' "$json") packets/s, probe ${before}/${after} ns" >&2
  done
done

python3 - <<'PY'
import csv, json, statistics

THRESHOLD = 150  # ns: the probe's two states (docs/PERFORMANCE.md)
rows = list(csv.DictReader(open("demo-ab.tsv"), delimiter="\t"))
runs = {}
for row in rows:
    before, after = int(row["probe_before"]), int(row["probe_after"])
    row["state"] = "fast" if max(before, after) < THRESHOLD else "slow" if min(before, after) >= THRESHOLD else "mixed"
    row["result"] = json.load(open(row["json"]))
    runs.setdefault(row["variant"], []).append(row)

ops = ("getOrAlloc", "alloc", "get", "free")

def summary(label, selected):
    pps = statistics.median(r["result"]["packetsPerSecond"] for r in selected)
    lat = "  ".join(
        f"{op} {statistics.median(r['result']['latencyNanos'][op]['p50'] for r in selected):.0f}/"
        f"{statistics.median(r['result']['latencyNanos'][op]['p99'] for r in selected):.0f}"
        for op in ops)
    print(f"  {label:12s} n={len(selected):<3d} median {pps / 1e6:6.3f} M packets/s   p50/p99 ns: {lat}")

print("== every run")
for variant in sorted(runs):
    summary(variant, runs[variant])

print("== paired by round (same round, rotating order)")
by_round = {}
for row in rows:
    by_round.setdefault(row["round"], {})[row["variant"]] = row["result"]["packetsPerSecond"]
for other in ("map", "base"):
    ratios = [v["store"] / v[other] for v in by_round.values() if "store" in v and other in v]
    if ratios:
        wins = sum(1 for x in ratios if x > 1)
        print(f"  store / {other}: median {statistics.median(ratios):.2f}x over {len(ratios)} rounds "
              f"(store ahead in {wins}), per round: " + " ".join(f"{x:.2f}" for x in ratios))

print("== by the probe's state around each run (it sees the machine between runs, not inside one)")
for state in ("fast", "slow", "mixed"):
    for variant in sorted(runs):
        selected = [r for r in runs[variant] if r["state"] == state]
        if selected:
            summary(f"{state} {variant}", selected)
PY
