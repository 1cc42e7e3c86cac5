#!/usr/bin/env bash
# The soak: T threads run a random mix of every public ShadowStore operation against a per-thread
# model, in rounds (each builds fresh stores, frees everything, checks the counters and that native
# memory is back where it started), and the whole run checks that the heap stays flat.
#   bash scripts/soak.sh                          # 1 minute, 2 threads, unchecked and checked rounds
#   bash scripts/soak.sh --minutes 10 --threads 3
#   bash scripts/soak.sh --checked                # checked stores only (poison, reader misuse checks)
#   bash scripts/soak.sh --help                   # every option
# Exit code 0 when every check passed, 1 when one failed, 2 for bad options. The soak lives in the
# test sources (io.shadowvars.soak.Soak); `mvn install` compiles it, and this script recompiles it
# when a source is newer. Set JAVA_HOME to choose the JDK (17 or later).
set -euo pipefail
cd "$(dirname "$0")/.."

java_bin="java"
if [ -n "${JAVA_HOME:-}" ]; then
  java_bin="$JAVA_HOME/bin/java"
fi

marker="target/test-classes/io/shadowvars/soak/Soak.class"
classpath_file="target/soak.classpath"

# Recompile when the soak was never built or a source or the pom is newer than it.
if [ ! -f "$marker" ] || [ -n "$(find pom.xml src -newer "$marker" -type f -print -quit)" ]; then
  echo "Compiling the library and its tests..." >&2
  mvn -B -q -ntp test-compile >&2
fi
if [ ! -f "$classpath_file" ] || [ pom.xml -nt "$classpath_file" ]; then
  mvn -B -q -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file" >&2
fi

# The JVM flags the library needs, from the one place the build keeps them.
read -r -a flags <<< "$(sed -n 's:.*<shadowvars.jvm.flags>\(.*\)</shadowvars.jvm.flags>.*:\1:p' pom.xml)"
if [ "${#flags[@]}" -eq 0 ]; then
  echo "soak.sh: no <shadowvars.jvm.flags> in pom.xml" >&2
  exit 1
fi
# JDK 23 and later warn when sun.misc.Unsafe memory access is used (Agrona and Chronicle do), and
# when Chronicle's jffi loads its native library; allow both explicitly when the JVM knows the
# option (older ones reject it).
if "$java_bin" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  flags+=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
fi

exec "$java_bin" "${flags[@]}" -Xmx1g \
  -cp "target/classes:target/test-classes:$(cat "$classpath_file")" \
  io.shadowvars.soak.Soak "$@"
