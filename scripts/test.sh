#!/usr/bin/env bash
# The project's test command (README: "Run the tests"). Builds and tests the library (unit, contract,
# randomized and Lincheck tests), installs it into the local Maven repository, then runs each
# companion module's own check (<module>/ci.sh: the module-path consumer, the demo's smoke test, the
# quick jcstress pass, the benchmark build).
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -ntp install "$@"

for module in consumer demo jcstress jmh; do
  if [ -f "$module/ci.sh" ]; then
    echo "=== $module"
    bash "$module/ci.sh"
  fi
done
