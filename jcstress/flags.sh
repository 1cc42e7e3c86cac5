# JVM flags for the VMs jcstress forks (the library's --add-exports/--add-opens, see the README).
JCSTRESS_JVM_FLAGS="--add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.lang.reflect=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED"
# JDK 23+ warns about sun.misc.Unsafe memory access (Chronicle Core); the flag is unknown to JDK 17.
if java --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  JCSTRESS_JVM_FLAGS="$JCSTRESS_JVM_FLAGS --sun-misc-unsafe-memory-access=allow"
fi
export JCSTRESS_JVM_FLAGS
