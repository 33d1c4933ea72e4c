"""``make bench``: where one whole-course submission's CPU time goes, probe
by probe, and how much of it is building TensorFlow graphs.

Every probe of every check (hidden ones included) runs once, on the
reference solution, in this process (no worker: the reference is the
course's own code), in check order, as a worker runs them. For each probe
the table gives its CPU time, the part spent tracing ``tf.function``s
(building the graph in Python), the part spent in each function's first
call (TensorFlow instantiates and optimizes the graph, then runs it once),
and how many functions it traced.

A traced function costs about the same whatever it computes afterwards, so
the number of graphs a submission builds bounds what grading it can cost
from below: this is the figure to watch when a change adds a check that
trains, or merges two.

Reads TensorFlow's private tracing entry points; on a TensorFlow that moved
them it stops and says so.
"""

import collections
import contextlib
import json
import os
import sys
import time


@contextlib.contextmanager
def _instrumented(stats):
    """Counts and times, into `stats`, every trace and every traced
    function's first call while the block runs."""
    try:
        from tensorflow.python.eager.polymorphic_function import (
            atomic_function,
            tracing_compilation,
        )
    except ImportError as exc:
        raise SystemExit(f"this TensorFlow has no tracing entry points to time ({exc}); "
                         "trace_cost needs TensorFlow 2.15 or newer") from exc
    trace = tracing_compilation._create_concrete_function
    call = atomic_function.AtomicFunction.call_flat
    called = set()

    def timed_trace(*args, **kwargs):
        start = time.process_time()
        try:
            return trace(*args, **kwargs)
        finally:
            stats["trace"] += time.process_time() - start
            stats["traces"] += 1

    def timed_call(self, *args, **kwargs):
        if id(self) in called:
            return call(self, *args, **kwargs)
        called.add(id(self))
        start = time.process_time()
        try:
            return call(self, *args, **kwargs)
        finally:
            stats["first_call"] += time.process_time() - start

    tracing_compilation._create_concrete_function = timed_trace
    atomic_function.AtomicFunction.call_flat = timed_call
    try:
        yield
    finally:
        tracing_compilation._create_concrete_function = trace
        atomic_function.AtomicFunction.call_flat = call


def measure(checks, run):
    """``{probe: [calls, cpu, trace, first_call, traces]}`` for one run of
    every distinct ``(probe, args)`` of `checks`, through ``run(probe, args)``."""
    stats = collections.Counter()
    rows = collections.defaultdict(lambda: [0, 0.0, 0.0, 0.0, 0])
    seen = set()
    with _instrumented(stats):
        for check in checks:
            key = check.probe + json.dumps(check.args, sort_keys=True)
            if key in seen or check.probe.startswith("grader."):  # no student code runs there
                continue
            seen.add(key)
            before, start = dict(stats), time.process_time()
            run(check.probe, check.args)
            row = rows[check.probe]
            row[0] += 1
            row[1] += time.process_time() - start
            row[2] += stats["trace"] - before.get("trace", 0.0)
            row[3] += stats["first_call"] - before.get("first_call", 0.0)
            row[4] += stats["traces"] - before.get("traces", 0)
    return dict(rows)


def main():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from autograder import REPO
    from autograder.core.catalog import load_checks

    sys.path.insert(0, str(REPO / "src"))  # the reference solution
    import tensorflow as tf

    # As a grading worker runs (autograder/worker/main.py): one thread, determinism.
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    from autograder.worker import probes

    rows = measure(load_checks(include_hidden=True), probes.run)
    print("the reference solution, every check's probe once, in one process "
          f"({os.cpu_count()} cores; core-s)")
    print(f"{'probe':36} {'calls':>5} {'total':>7} {'tracing':>7} {'1st call':>8} {'graphs':>6}")
    for probe, (calls, cpu, trace, first, traces) in sorted(rows.items(),
                                                           key=lambda kv: -kv[1][1]):
        print(f"{probe:36} {calls:5} {cpu:7.2f} {trace:7.2f} {first:8.2f} {traces:6}")
    total = [sum(row[i] for row in rows.values()) for i in range(5)]
    print(f"{'whole course':36} {total[0]:5} {total[1]:7.2f} {total[2]:7.2f} {total[3]:8.2f} "
          f"{total[4]:6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
