"""``make bench``'s trace-cost table counts what it says: one graph per
traced function, its first call apart from the later ones, each distinct
probe call once."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from types import SimpleNamespace  # noqa: E402

import tensorflow as tf  # noqa: E402

from instructor.measure.trace_cost import measure  # noqa: E402


def _check(probe, **args):
    return SimpleNamespace(probe=probe, args=args)


def test_counts_graphs_and_distinct_calls_only():
    calls = []

    def run(probe, args):
        calls.append((probe, args))
        if probe == "lab.traces":
            square = tf.function(lambda x: x * x)
            for value in range(args["calls"]):  # one graph: the same signature every call
                square(tf.constant(float(value)))
            tf.function(lambda x: x + 1.0)(tf.constant(1.0))

    checks = [_check("lab.traces", calls=3), _check("lab.traces", calls=3),  # one probe call
              _check("lab.eager"), _check("grader.given_code")]  # grader probes: not student code
    rows = measure(checks, run)

    assert calls == [("lab.traces", {"calls": 3}), ("lab.eager", {})]
    calls_made, cpu, tracing, first_call, graphs = rows["lab.traces"]
    assert (calls_made, graphs) == (1, 2)
    assert 0 < tracing <= cpu and 0 < first_call <= cpu
    assert rows["lab.eager"][4] == 0 and rows["lab.eager"][2] == 0


def test_leaves_tensorflow_as_it_found_it():
    from tensorflow.python.eager.polymorphic_function import tracing_compilation

    before = tracing_compilation._create_concrete_function
    measure([_check("lab.eager")], lambda probe, args: None)
    assert tracing_compilation._create_concrete_function is before
