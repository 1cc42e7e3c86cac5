#!/usr/bin/env bash
# The module-path check, run by scripts/test.sh after it has installed the library into the local
# Maven repository: builds the consumer module (module-info: requires io.shadowvars) against the
# installed jar, copies its runtime dependencies into consumer/target/modules, and runs it as a
# named module with `java --module-path ... -m ...`. It exits non-zero when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -ntp -f consumer/pom.xml package "$@"

# The JVM flags the library needs on the module path (README, "JVM flags", says why each is there).
flags=(
  --add-modules org.slf4j,jdk.unsupported
  --add-exports java.base/jdk.internal.misc=org.agrona
  --add-exports java.base/jdk.internal.ref=chronicle.core
  --add-exports java.base/sun.nio.ch=chronicle.core
  --add-opens java.base/java.lang.reflect=chronicle.core
)
# JDK 23+: Chronicle allocates through sun.misc.Unsafe, and (JDK 24+) jffi loads a JNI stub; both warn
# unless allowed. JDK 17 does not know the first flag.
if java --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  flags+=(--sun-misc-unsafe-memory-access=allow --enable-native-access=org.jnrproject.jffi)
fi

# stderr is checked too: a run that passes but prints a warning (the JVM's, or Chronicle's through
# SLF4J) means a flag is missing.
err=consumer/target/stderr.txt
java "${flags[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn --module-path consumer/target/modules:consumer/target/shadowvars-consumer.jar \
  -m io.shadowvars.consumer/io.shadowvars.consumer.Main 2> "$err" || { cat "$err" >&2; exit 1; }
if [ -s "$err" ]; then
  echo "consumer: the run printed to stderr:" >&2
  cat "$err" >&2
  exit 1
fi
