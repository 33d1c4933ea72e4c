"""``make references``: regenerates the reference outputs from the reference
solution (this repository's ``src/``) and verifies them against independent
oracles: the Keras built-in schedules where the formulas coincide, Smith's
cyclical-rate formula in NumPy, and the lecture's worked examples.

The outputs are the probes' raw outputs on the reference solution, produced
by the same worker that grades students.
"""

import hashlib
import json
import math

import numpy as np

from autograder import REPO
from autograder.checks import LABS, load_checks, references_path
from autograder.runner import WorkerSession

SOURCES = {"schedules": ["src/dlkit/callbacks.py"]}


class OracleMismatch(AssertionError):
    pass


def generate(labs=LABS, include_hidden=True, src=REPO / "src"):
    """Runs every check's probe on `src`; returns {(lab, hidden): {id: output}}."""
    checks = load_checks(labs, include_hidden)
    session = WorkerSession(src)
    outputs, cache = {}, {}
    try:
        for check in checks:
            if check.probe_key not in cache:
                outcome = session.call(check.probe, check.args, check.timeout)
                if outcome.status != "ok":
                    raise RuntimeError(
                        f"The reference solution fails probe {check.probe} for {check.id}: "
                        f"{outcome.status} {outcome.error}")
                cache[check.probe_key] = outcome.result
            outputs.setdefault((check.lab, check.hidden), {})[check.id] = cache[check.probe_key]
    finally:
        session.close()
    return checks, outputs


# -- oracles -----------------------------------------------------------------
def keras_schedule(cls, kwargs):
    """The Keras built-in schedule with the same curve, or None (CyclicLR)."""
    import keras

    schedules = keras.optimizers.schedules
    if cls == "StepDecay":
        return schedules.ExponentialDecay(
            kwargs["initial_learning_rate"], decay_steps=kwargs.get("epochs_per_drop", 10),
            decay_rate=kwargs.get("drop", 0.5), staircase=True)
    if cls == "InverseTimeDecay":
        return schedules.InverseTimeDecay(
            kwargs["initial_learning_rate"], decay_steps=1, decay_rate=kwargs["decay_rate"])
    if cls == "ExponentialDecay":
        return schedules.ExponentialDecay(
            kwargs["initial_learning_rate"], decay_steps=1,
            decay_rate=math.exp(-kwargs["decay_rate"]))
    return None


def smith_cyclic(kwargs, steps):
    """Smith (2017) cyclical learning rate, written from the paper in NumPy."""
    i = np.arange(steps, dtype=np.float64)
    step_size = kwargs["step_size"]
    cycle = np.floor(1 + i / (2 * step_size))
    x = np.abs(i / step_size - 2 * cycle + 1)
    mode = kwargs.get("mode", "triangular")
    scale = {"triangular": np.ones_like(i), "triangular2": 1 / 2.0 ** (cycle - 1),
             "exp_range": kwargs.get("gamma", 1.0) ** i}[mode]
    return kwargs["base_lr"] + (kwargs["max_lr"] - kwargs["base_lr"]) * np.maximum(0, 1 - x) * scale


def oracle_rates(cls, kwargs, steps):
    """Float32 rates of steps 0..steps-1 from the oracle."""
    schedule = keras_schedule(cls, kwargs)
    if schedule is None:
        return np.float32(smith_cyclic(kwargs, steps)).tolist()
    return [float(np.float32(schedule(t))) for t in range(steps)]


def _close(name, expected, got, rtol):
    expected, got = np.asarray(expected, dtype=np.float64), np.asarray(got, dtype=np.float64)
    if expected.shape != got.shape or not np.allclose(got, expected, rtol=rtol, atol=0):
        raise OracleMismatch(f"{name}: reference {got.tolist()} != oracle {expected.tolist()}")


def verify_schedules(checks, outputs):
    """Checks every schedules reference output against the oracles."""
    verified = 0
    for check in checks:
        if check.lab != "schedules":
            continue
        out = outputs[(check.lab, check.hidden)][check.id]
        args = check.args
        if check.probe == "schedules.scripted_hooks":
            per_batch = args["batches_per_epoch"] > 1
            n = args["epochs"] * args["batches_per_epoch"]
            oracle = oracle_rates(args["cls"], args["kwargs"], n if per_batch else args["epochs"])
            if not per_batch:
                oracle = [r for r in oracle for _ in range(args["batches_per_epoch"])]
            _close(check.id, oracle, out["batch_rates"], 1e-6)
            last = [oracle[(e + 1) * args["batches_per_epoch"] - 1] for e in range(args["epochs"])]
            _close(check.id + " logs", last, out["epoch_logs"], 1e-6)
        elif check.probe == "schedules.fit_rates":
            per_epoch = -(-args["n_samples"] // args["batch_size"])
            per_batch = args["kwargs"].get("per") == "batch" or args["cls"] == "CyclicLR"
            steps = args["epochs"] * per_epoch
            if per_batch:
                oracle = oracle_rates(args["cls"], args["kwargs"], steps)
            else:
                oracle = [r for r in oracle_rates(args["cls"], args["kwargs"], args["epochs"])
                          for _ in range(per_epoch)]
            _close(check.id, oracle, out["applied_rates"], 1e-6)
        elif check.probe == "schedules.config_roundtrip":
            if out["config"] != {**out["config"], **args["kwargs"]}:
                raise OracleMismatch(f"{check.id}: config {out['config']} lacks {args['kwargs']}")
            if out["registered_name"] != f"dlkit>{args['cls']}":
                raise OracleMismatch(f"{check.id}: registered as {out['registered_name']}")
        elif check.probe == "schedules.bad_arguments":
            if any(r["raised"] != "ValueError" for r in out):
                raise OracleMismatch(f"{check.id}: {out}")
        verified += 1
    return verified


def verify_lecture_examples():
    """The lecture's worked examples, checked on the reference solution itself."""
    import sys

    sys.path.insert(0, str(REPO / "src"))
    from dlkit.callbacks import InverseTimeDecay
    from dlkit.data import iterations_per_epoch

    table = [round(InverseTimeDecay(0.2, 1.0).schedule(e), 4) for e in range(5)]
    if table != [0.2, 0.1, 0.0667, 0.05, 0.04]:
        raise OracleMismatch(f"lecture table: {table}")
    if iterations_per_epoch(200, 5) != 40 or 1000 * iterations_per_epoch(200, 5) != 40_000:
        raise OracleMismatch("200 samples, batch 5 must give 40 iterations per epoch")
    return 2


def provenance(lab):
    import keras
    import tensorflow as tf

    return {
        "generated_by": "make references (python -m autograder references)",
        "reference_solution": {
            path: hashlib.sha256((REPO / path).read_bytes()).hexdigest()
            for path in SOURCES[lab]
        },
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "verified_against": "Keras built-in schedules (ExponentialDecay staircase, "
                            "InverseTimeDecay, ExponentialDecay), Smith 2017 in NumPy, "
                            "the lecture's InverseTimeDecay table",
    }


def write(outputs):
    for (lab, hidden), values in sorted(outputs.items()):
        path = references_path(lab, hidden)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"provenance": provenance(lab), "outputs": dict(sorted(values.items()))}
        path.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n")
        print(f"wrote {path.relative_to(REPO)} ({len(values)} outputs)")


def main(check_only=False):
    checks, outputs = generate()
    n = verify_schedules(checks, outputs) + verify_lecture_examples()
    print(f"verified {n} reference outputs and worked examples against the oracles")
    if check_only:
        return checks, outputs
    write(outputs)
    return checks, outputs
