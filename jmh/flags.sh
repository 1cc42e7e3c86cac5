# JVM flags for running classes from jmh/target/benchmarks.jar with plain `java -cp` (the
# benchmarks' forks get the same list from @Fork(jvmArgsAppend) in BenchmarkBase): the library's
# flags (see the README) plus what Chronicle Map's code generation needs.
JMH_JVM_FLAGS="--add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED --add-opens java.base/java.lang.reflect=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED"
export JMH_JVM_FLAGS
