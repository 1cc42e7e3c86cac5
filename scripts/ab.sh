#!/usr/bin/env bash
# Compare the library at an earlier commit (A) with the working tree's build (B) in JMH runs that
# alternate A, B, A, B, ... so that both meet the machine in the same states. The JMH harness is
# the working tree's (jmh/target/benchmarks.jar, built beforehand); A's library classes are put
# in front of it on the class path. Every run adds the cross-core probe, and the results are
# merged with the implementation renamed "<impl>-A" / "<impl>-B", then grouped by machine state
# with scripts/modes.py (docs/PERFORMANCE.md, "Measuring in the machine's two states").
#
#   bash scripts/ab.sh <commit> <rounds> <jmh arguments...>
#   e.g. bash scripts/ab.sh HEAD~1 2 'ChurnThreadsBenchmark' -p impl=shadowvars -wi 3 -i 5 -f 1
#
# Writes ab-result.json (merged) and ab-<A|B>-<round>.json/.log in the current directory.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: bash scripts/ab.sh <commit> <rounds> <jmh arguments...>" >&2
  exit 2
fi
base=$1
rounds=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
jar="$root/jmh/target/benchmarks.jar"
[ -f "$jar" ] || { echo "build the harness first: mvn -B -q -f jmh/pom.xml package -DskipTests" >&2; exit 1; }
case "$rounds" in
  ''|*[!0-9]*) echo "rounds must be a positive number: $rounds" >&2; exit 2;;
esac

work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/a" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add -q --detach "$work/a" "$base"
echo "building the library at $(git -C "$root" rev-parse --short "$base") (A)..."
mvn -B -q -ntp -f "$work/a/pom.xml" compile > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
classes="$work/a/target/classes"

for r in $(seq 1 "$rounds"); do
  for v in A B; do
    if [ "$v" = A ]; then cp="$classes:$jar"; else cp="$jar"; fi
    echo "round $r, $v..."
    java -cp "$cp" org.openjdk.jmh.Main -foe true "$@" -prof io.shadowvars.jmh.CrossCoreProbe \
      -rf json -rff "ab-$v-$r.json" > "ab-$v-$r.log" 2>&1 || { echo "run failed: ab-$v-$r.log" >&2; exit 1; }
  done
done

python3 - "$rounds" <<'PY'
import json, sys
merged = []
for r in range(1, int(sys.argv[1]) + 1):
    for v in ("A", "B"):
        for result in json.load(open(f"ab-{v}-{r}.json")):
            params = result.setdefault("params", {})
            params["impl"] = params.get("impl", "run") + "-" + v
            merged.append(result)
json.dump(merged, open("ab-result.json", "w"))
PY
python3 "$root/scripts/modes.py" ab-result.json
