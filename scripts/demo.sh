#!/usr/bin/env bash
# The main job: build the library and the demo when needed, then run the pooled-buffer pipeline.
#   bash scripts/demo.sh                 # 20 s, EPOCH reclamation, 1 producer + 2 consumers
#   bash scripts/demo.sh --peer chm      # the same pipeline over a ConcurrentHashMap<Long, long[]>
#   bash scripts/demo.sh --help          # every option
# Arguments go to the demo unchanged. Set JAVA_HOME to choose the JDK (17 or later).
set -euo pipefail
cd "$(dirname "$0")/.."

java_bin="java"
if [ -n "${JAVA_HOME:-}" ]; then
  java_bin="$JAVA_HOME/bin/java"
fi

jar="demo/target/shadowvars-demo.jar"

# Rebuild when there is no jar yet or a source or pom is newer than it.
stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find pom.xml src demo/pom.xml demo/src -newer "$jar" -type f -print -quit)" ]
}

if stale; then
  echo "Building the library and the demo..." >&2
  mvn -B -q -ntp install -DskipTests >&2
  mvn -B -q -ntp -f demo/pom.xml package -DskipTests >&2
fi

# JDK 23 and later warn when sun.misc.Unsafe memory access is used (Agrona and Chronicle do);
# allow it explicitly when the JVM knows the option (older ones reject it).
flags=()
if "$java_bin" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  flags+=(--sun-misc-unsafe-memory-access=allow)
fi

exec "$java_bin" "${flags[@]}" -jar "$jar" "$@"
