#!/usr/bin/env python3
"""Group JMH iterations by the machine's cross-core state and compare implementations in each.

Reads the JSON of a JMH run made with -prof io.shadowvars.jmh.CrossCoreProbe (which labels every
iteration with the cross-core round trip measured before and after it) and prints, per benchmark
and per state, each implementation's median score over the iterations in that state, and its ratio
to the other implementations' medians in the same state.

    java -jar jmh/target/benchmarks.jar -foe true PipeBenchmark -p impl=shadowvars,chm,nbhml \
        -prof io.shadowvars.jmh.CrossCoreProbe -f 4 -rf json -rff pipe.json
    python3 scripts/modes.py pipe.json [--threshold 150]

An iteration is "fast" when both probes were below the threshold (ns), "slow" when both were above,
and "mixed" (not compared) otherwise: the state flipped during the iteration.
"""
import json
import statistics
import sys
from collections import defaultdict


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    path = argv[0]
    threshold = 150.0
    if len(argv) >= 3 and argv[1] == "--threshold":
        threshold = float(argv[2])
    with open(path) as f:
        runs = json.load(f)

    # (benchmark, other params) -> impl -> state -> [scores]
    table = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    unit = {}
    for run in runs:
        params = dict(run.get("params") or {})
        impl = params.pop("impl", "-")
        key = (run["benchmark"], tuple(sorted(params.items())))
        unit[key] = run["primaryMetric"]["scoreUnit"]
        secondary = run.get("secondaryMetrics", {})
        if "xcore.before" not in secondary:
            print("%s: no xcore.before/after results: run with -prof io.shadowvars.jmh.CrossCoreProbe" % run["benchmark"])
            return 1
        scores = run["primaryMetric"]["rawData"]
        before = secondary["xcore.before"]["rawData"]
        after = secondary["xcore.after"]["rawData"]
        for fork, fork_scores in enumerate(scores):
            for i, score in enumerate(fork_scores):
                b, a = before[fork][i], after[fork][i]
                if b < threshold and a < threshold:
                    state = "fast"
                elif b >= threshold and a >= threshold:
                    state = "slow"
                else:
                    state = "mixed"
                table[key][impl][state].append(score)

    for key in sorted(table):
        name, params = key
        label = name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1]
        if params:
            label += " " + " ".join("%s=%s" % p for p in params)
        print("== %s (%s; cross-core threshold %.0f ns)" % (label, unit[key], threshold))
        impls = sorted(table[key])
        for state in ("fast", "slow", "mixed"):
            medians = {}
            for impl in impls:
                scores = table[key][impl][state]
                if scores:
                    medians[impl] = statistics.median(scores)
            if not medians:
                continue
            print("  %-5s" % state)
            for impl in impls:
                scores = table[key][impl][state]
                if not scores:
                    print("    %-22s no iterations" % impl)
                    continue
                ratios = ", ".join("%.2fx %s" % (medians[impl] / medians[o], o)
                                   for o in impls if o != impl and o in medians and medians[o] > 0)
                if state == "mixed":
                    ratios = "not compared"
                print("    %-22s n=%-3d median %10.3f  (min %.3f, max %.3f)  %s" % (
                    impl, len(scores), medians[impl], min(scores), max(scores), ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
