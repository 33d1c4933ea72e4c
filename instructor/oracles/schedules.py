"""Oracles of the schedules lab: the Keras built-in schedules where the
formulas coincide, Smith's cyclical-rate formula in NumPy, and the
lecture's InverseTimeDecay table."""

import math

import numpy as np

from instructor.oracles import OracleMismatch, close

SOURCES = ["src/dlkit/callbacks.py"]

VERIFIED_AGAINST = ("Keras built-in schedules (ExponentialDecay staircase, InverseTimeDecay, "
                    "ExponentialDecay), Smith 2017 in NumPy, the lecture's InverseTimeDecay table")

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


def verify(checks, outputs):
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
            close(check.id, oracle, out["batch_rates"], 1e-6)
            last = [oracle[(e + 1) * args["batches_per_epoch"] - 1] for e in range(args["epochs"])]
            close(check.id + " logs", last, out["epoch_logs"], 1e-6)
        elif check.probe == "schedules.fit_rates":
            per_epoch = -(-args["n_samples"] // args["batch_size"])
            per_batch = args["kwargs"].get("per") == "batch" or args["cls"] == "CyclicLR"
            steps = args["epochs"] * per_epoch
            if per_batch:
                oracle = oracle_rates(args["cls"], args["kwargs"], steps)
            else:
                oracle = [r for r in oracle_rates(args["cls"], args["kwargs"], args["epochs"])
                          for _ in range(per_epoch)]
            close(check.id, oracle, out["applied_rates"], 1e-6)
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


def verify_lecture_examples(src):
    """The lecture's table, checked on the reference solution itself."""
    import sys

    sys.path.insert(0, str(src))
    from dlkit.callbacks import InverseTimeDecay

    table = [round(InverseTimeDecay(0.2, 1.0).schedule(e), 4) for e in range(5)]
    if table != [0.2, 0.1, 0.0667, 0.05, 0.04]:
        raise OracleMismatch(f"lecture table: {table}")
    return 1
