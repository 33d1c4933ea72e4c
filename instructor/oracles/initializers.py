"""Oracles of the initializers lab: the Keras initializers of the same name.

- The distribution every statistical check expects is rebuilt here from the
  Keras object itself (``keras.initializers.<Name>(...)``: its ``mean`` /
  ``stddev``, ``minval`` / ``maxval``, or ``scale``, ``mode`` and
  ``distribution``, with fans from ``keras.src`` ``compute_fans``) and must
  equal the one the check uses (the formulas in ``autograder/checks``).
- The reference sample must pass that distribution's tests, and so must a
  sample of the same size drawn by the Keras initializer; the two samples'
  means and standard deviations must agree within ``Z * sqrt(2)`` standard
  errors.
- Fans equal Keras's ``compute_fans``; Zeros and Constant equal Keras's
  values and dtypes; distinct-unit counts equal the counts the synthetic
  layers were built with; seeds, configs, saving and errors behave as the
  contract says.
"""

import math

import numpy as np

from autograder.checks.initializers import (
    TRUNCATION_STDDEV,
    Distribution,
    Z,
    check_sample,
)
from instructor.oracles import OracleMismatch

SOURCES = ["src/dlkit/initializers.py"]

VERIFIED_AGAINST = ("Keras initializers of the same name (their parameters, compute_fans and "
                    "same-size samples), the variance-scaling formulas, Zeros/Constant values")


def _keras_initializer(cls, kwargs):
    import keras

    return getattr(keras.initializers, cls)(**kwargs)


def keras_distribution(cls, kwargs, shape):
    """The distribution of ``keras.initializers.<cls>(**kwargs)`` for `shape`,
    read off the Keras object."""
    from keras.src.initializers.random_initializers import compute_fans

    init = _keras_initializer(cls, kwargs)
    if cls == "RandomNormal":
        return Distribution("normal", mean=init.mean, sigma=init.stddev)
    if cls == "RandomUniform":
        return Distribution("uniform", low=init.minval, high=init.maxval)
    fan_in, fan_out = compute_fans(tuple(shape))
    fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[init.mode]
    variance = init.scale / max(1.0, fan)
    if init.distribution == "uniform":
        limit = math.sqrt(3.0 * variance)
        return Distribution("uniform", low=-limit, high=limit)
    if init.distribution != "truncated_normal":
        raise OracleMismatch(f"{cls}: unexpected Keras distribution {init.distribution}")
    return Distribution("truncated_normal", sigma=math.sqrt(variance) / TRUNCATION_STDDEV)


def _same_distribution(name, ours, keras_dist):
    for attribute in ("kind", "mean", "std", "bounds"):
        a, b = getattr(ours, attribute), getattr(keras_dist, attribute)
        same = a == b if isinstance(a, str) or a is None or b is None else np.allclose(
            a, b, rtol=1e-12, atol=1e-15)
        if not same:
            raise OracleMismatch(f"{name}: the check expects {attribute} {a}, Keras gives {b}")


def _verify_sample(check, out):
    from autograder.worker.probes import initializers as probe

    args, keywords = check.args, check.compare.keywords
    ours = keywords["dist"]
    oracle = keras_distribution(args["cls"], args["kwargs"], args["shape"])
    _same_distribution(check.id, ours, oracle)
    oracle.edges = ours.edges
    shape, dtype = tuple(args["shape"]), args["dtype"]
    passed, message = check_sample(oracle, "Keras's distribution", out, shape=shape, dtype=dtype)
    if not passed:
        raise OracleMismatch(f"{check.id}: the reference sample fails: {message}")
    values = probe.draw(_keras_initializer(args["cls"], args["kwargs"]), shape, args["via"], dtype)
    keras_out = probe.summarize(values, args["edges"], args["bounds"])
    passed, message = check_sample(oracle, "Keras's distribution", keras_out, shape=shape,
                                   dtype=dtype)
    if not passed:
        raise OracleMismatch(f"{check.id}: Keras's own sample fails the check: {message}")
    n = out["n"]
    mean_tol = Z * math.sqrt(2) * oracle.std / math.sqrt(n)
    std_tol = Z * math.sqrt(2) * oracle.std * math.sqrt((oracle.kurtosis - 1) / (4 * n))
    if abs(out["mean"] - keras_out["mean"]) > mean_tol or abs(out["std"] - keras_out["std"]) > std_tol:
        raise OracleMismatch(
            f"{check.id}: reference mean/std {out['mean']:.5g}/{out['std']:.5g} differ from "
            f"Keras's {keras_out['mean']:.5g}/{keras_out['std']:.5g} beyond "
            f"{mean_tol:.2g}/{std_tol:.2g}")


def _verify_fans(check, out):
    from keras.src.initializers.random_initializers import compute_fans

    expected = [list(map(float, compute_fans(tuple(s)))) for s in check.args["shapes"]]
    if out != expected:
        raise OracleMismatch(f"{check.id}: reference {out} != Keras {expected}")


def _verify_constant(check, out):
    import keras

    args = check.args
    init = _keras_initializer(args["cls"], args["kwargs"])
    for (shape, dtype, _), result in zip(args["cases"], out):
        values = np.asarray(keras.ops.convert_to_numpy(init(tuple(shape), dtype=dtype)))
        expected = {"shape": list(values.shape), "dtype": str(values.dtype),
                    "values": np.unique(values.astype(np.float64)).tolist(),
                    "n_values": int(np.unique(values).size)}
        if result != expected:
            raise OracleMismatch(f"{check.id}: reference {result} != Keras {expected}")


def _designed_count(case):
    """The number of distinct units `case` was built with: its groups when
    units of a group stay within atol, every unit when they do not; a bias
    offset beyond atol makes its unit new."""
    from autograder.worker.probes.initializers import _synthetic_layer

    atol = case.get("atol", 1e-6)
    groups = list(case["groups"])
    if 2 * case["jitter"] > atol:
        kernel, bias = _synthetic_layer(case)
        units = np.concatenate([kernel.T, bias[:, None]], axis=1) if case.get(
            "with_bias", True) else kernel.T
        gaps = [np.abs(units[i] - units[j]).max() for i in range(len(units))
                for j in range(i) if groups[i] == groups[j]]
        if gaps and min(gaps) <= atol:
            raise OracleMismatch(f"case {case}: a unit pair is within atol, not a clean design")
        return len(groups)
    labels = list(groups)
    if case.get("with_bias", True):
        for unit, offset in case.get("bias_offsets", {}).items():
            if abs(offset) > atol:
                labels[int(unit)] = ("offset", unit)
    return len(set(labels))


def _verify_symmetry(check, out):
    constant = not check.args["initializer"].startswith("keras:")
    units = 1 if constant else 16
    if out["before"] != [units] * 3 or out["after"] != [units] * 3:
        raise OracleMismatch(f"{check.id}: expected {units} distinct units, got {out}")
    if constant != all(s == 0 for s in out["spread"]):
        raise OracleMismatch(f"{check.id}: spread {out['spread']}")


def _verify_seeds(check, out):
    args = check.args
    keras_init = _keras_initializer(args["cls"], {**args["kwargs"], "seed": args["seed"]})
    again = _keras_initializer(args["cls"], {**args["kwargs"], "seed": args["seed"]})
    other = _keras_initializer(args["cls"], {**args["kwargs"], "seed": args["other_seed"]})
    shape = tuple(args["shape"])
    a, b, c = (np.asarray(i(shape)) for i in (keras_init, again, other))
    keras_out = {"shape": list(a.shape), "same_instance_equal": bool(np.array_equal(
        a, np.asarray(keras_init(shape)))), "same_seed_equal": bool(np.array_equal(a, b)),
        "other_seed_differs": not np.array_equal(a, c)}
    if out != keras_out or not all(v for k, v in out.items() if k != "shape"):
        raise OracleMismatch(f"{check.id}: reference {out}, Keras {keras_out}")


def verify(checks, outputs):
    """Checks every initializers reference output against the oracles."""
    verified = 0
    for check in checks:
        if check.lab != "initializers":
            continue
        out = outputs[(check.lab, check.hidden)][check.id]
        args = check.args
        if check.probe == "initializers.sample":
            _verify_sample(check, out)
        elif check.probe == "initializers.fans":
            _verify_fans(check, out)
        elif check.probe == "initializers.constant_values":
            _verify_constant(check, out)
        elif check.probe == "initializers.distinct_units":
            designed = [_designed_count(case) for case in args["cases"]]
            if out != designed:
                raise OracleMismatch(f"{check.id}: reference {out} != designed {designed}")
        elif check.probe == "initializers.symmetry":
            _verify_symmetry(check, out)
        elif check.probe == "initializers.seeds":
            _verify_seeds(check, out)
        elif check.probe == "initializers.config_roundtrip":
            if out["config"] != {**out["config"], **args["kwargs"]}:
                raise OracleMismatch(f"{check.id}: config {out['config']} lacks {args['kwargs']}")
            if out["registered_name"] != f"dlkit>{args['cls']}" or not (
                    out["restored_equal"] and out["revived_equal"]):
                raise OracleMismatch(f"{check.id}: {out}")
        elif check.probe == "initializers.save_load":
            names = [f"dlkit>{cls}" for cls, _ in (args["conv"], args["dense"])]
            if not (out["loaded_equal"] and out["clone_equal"]) or [
                    i[1] for i in out["initializers"]] != names:
                raise OracleMismatch(f"{check.id}: {out}")
        elif check.probe == "initializers.bad_arguments":
            results = out["cases"] + out["shapes"]
            if any(r["raised"] != "ValueError" or "Received:" not in r["message"]
                   for r in results):
                raise OracleMismatch(f"{check.id}: {out}")
        else:
            raise OracleMismatch(f"{check.id}: no oracle for probe {check.probe}")
        verified += 1
    return verified


def verify_lecture_examples(src):
    """The module's documented examples and the truncation constant, on the
    reference solution itself."""
    import sys

    sys.path.insert(0, str(src))
    from dlkit import initializers

    checked = 0
    for shape, fans in (((784, 10), (784, 10)), ((3, 3, 16, 32), (144, 288)), ((), (1, 1)),
                        ((7,), (7, 7))):
        if tuple(initializers.compute_fans(shape)) != fans:
            raise OracleMismatch(f"compute_fans({shape}) != {fans}")
        checked += 1
    # TRUNCATION_STDDEV is the std of N(0, 1) truncated to [-2, 2].
    if not math.isclose(Distribution("truncated_normal", sigma=1.0).std,
                        initializers.TRUNCATION_STDDEV, rel_tol=1e-12):
        raise OracleMismatch("TRUNCATION_STDDEV is not the std of N(0, 1) truncated at 2")
    # GlorotUniform for (500, 100): limit sqrt(6 / 600) = 0.1, as the docstring says.
    w = np.asarray(initializers.GlorotUniform(seed=0)((500, 100)))
    if not (np.abs(w).max() <= 0.1 + 1e-7 and np.abs(w).max() > 0.099):
        raise OracleMismatch(f"GlorotUniform (500, 100) reaches {np.abs(w).max()}, not 0.1")
    # distinct_units docstring examples.
    if initializers.distinct_units(np.ones((4, 16))) != 1 or initializers.distinct_units(
            np.eye(3), bias=np.zeros(3)) != 3:
        raise OracleMismatch("distinct_units docstring examples")
    return checked + 3
