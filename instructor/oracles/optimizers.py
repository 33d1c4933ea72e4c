"""Oracles of the optimizers lab: every reference output is reproduced with
the Keras built-in optimizer of the same name (the same probe code, Keras's
class), the hand-checkable steps and the clipped gradients also with the
lecture's update equations in NumPy, and the gates with the same training
run on the Keras built-in."""

import math

import numpy as np

from instructor.oracles import OracleMismatch, close

SOURCES = ["src/dlkit/optimizers.py"]

VERIFIED_AGAINST = ("Keras built-in optimizers (SGD, Adagrad, RMSprop, Adam) run by the same "
                    "probes, the lecture's update equations and clipping rule in NumPy, "
                    "tf.clip_by_norm, gates retrained with the Keras built-ins")


def keras_class(cls):
    import keras

    return getattr(keras.optimizers, cls)


# -- the lecture's equations in NumPy ----------------------------------------------
def numpy_steps(cls, kwargs, initial, gradients):
    """The update equations written from the lecture (and Keras's docs where
    the two differ: epsilon placement, Adam's epsilon hat) in float64.

    The rate is rounded to float32 first: Keras keeps it in a float32
    variable."""
    defaults = {"SGD": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
                "Adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1,
                            "epsilon": 1e-7},
                "RMSprop": {"learning_rate": 0.001, "rho": 0.9, "epsilon": 1e-7},
                "Adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999,
                         "epsilon": 1e-7}}[cls]
    p = {**defaults, **kwargs}
    lr = float(np.float32(p["learning_rate"]))
    w = np.asarray(initial, dtype=np.float64)
    change = np.zeros_like(w)  # SGD: the lecture's change_t (Keras's velocity is -change)
    acc = np.full_like(w, p.get("initial_accumulator_value", 0.0))
    m, v = np.zeros_like(w), np.zeros_like(w)
    out = []
    for t, g in enumerate(np.asarray(gradients, dtype=np.float64), start=1):
        if cls == "SGD":
            change = p["momentum"] * change + lr * g
            if p["nesterov"]:
                w = w - (p["momentum"] * change + lr * g)
            else:
                w = w - change
        elif cls == "Adagrad":
            acc = acc + g**2
            w = w - lr * g / np.sqrt(acc + p["epsilon"])
        elif cls == "RMSprop":
            v = p["rho"] * v + (1 - p["rho"]) * g**2
            w = w - lr * g / np.sqrt(v + p["epsilon"])
        else:
            m = p["beta_1"] * m + (1 - p["beta_1"]) * g
            v = p["beta_2"] * v + (1 - p["beta_2"]) * g**2
            m_hat, v_hat = m / (1 - p["beta_1"] ** t), v / (1 - p["beta_2"] ** t)
            # Keras's epsilon is added to sqrt(v), i.e. to sqrt(v_hat) scaled.
            eps_hat = p["epsilon"] / math.sqrt(1 - p["beta_2"] ** t)
            w = w - lr * m_hat / (np.sqrt(v_hat) + eps_hat)
        out.append(w.tolist())
    return out


def numpy_clip(values, max_norm):
    """The lecture's rule: if norm(g) >= c then g <- c * g / norm(g)."""
    g = np.asarray(values, dtype=np.float64)
    norm = float(np.sqrt(np.sum(g**2)))
    return (max_norm * g / norm if norm >= max_norm else g).ravel().tolist()


# -- comparisons ---------------------------------------------------------------------
def _same_trajectory(name, expected, got, rtol):
    for var in expected["variables"]:
        close(f"{name} {var['name']}", expected["trajectory"][var["name"]],
              got["trajectory"][var["name"]], rtol, atol=1e-12)
    if expected["variables"] != got["variables"]:
        raise OracleMismatch(f"{name}: variables {got['variables']} != {expected['variables']}")


def _same_slots(name, expected, got, rtol):
    if sorted(expected) != sorted(got):
        raise OracleMismatch(f"{name}: slots {sorted(got)} != Keras's {sorted(expected)}")
    for key in expected:
        if (expected[key]["shape"], expected[key]["dtype"]) != (got[key]["shape"],
                                                                 got[key]["dtype"]):
            raise OracleMismatch(f"{name}: slot {key} {got[key]} != {expected[key]}")
        close(f"{name} slot {key}", expected[key]["values"], got[key]["values"], rtol,
              atol=1e-12)


def _bad_arguments(name, out, cases, arguments):
    if len(out) != len(cases):
        raise OracleMismatch(f"{name}: {out}")
    for result, argument in zip(out, arguments):
        message = result["message"]
        if (result["raised"] != "ValueError" or f"`{argument}`" not in message
                or "Received: " not in message.splitlines()[-1]):
            raise OracleMismatch(f"{name}: {argument}: {result}")


def verify(checks, outputs):
    """Checks every optimizers reference output against the oracles."""
    from autograder.worker.probes import optimizers as probes

    cache = {}
    verified = 0
    for check in checks:
        if check.lab != "optimizers":
            continue
        out = outputs[(check.lab, check.hidden)][check.id]
        args = check.args
        if check.probe_key in cache:  # the same probe output, already verified
            verified += 1
            continue
        if check.probe == "optimizers.hand_steps":
            klass = keras_class(args["cls"])
            oracle = probes.run_steps(klass(**args["kwargs"]), args["initial"],
                                      args["gradients"])
            close(check.id + " vs Keras", oracle["weights"], out["weights"], 1e-9, atol=1e-12)
            _same_slots(check.id, oracle["slots"], out["slots"], 1e-9)
            lecture = numpy_steps(args["cls"], args["kwargs"], args["initial"],
                                  args["gradients"])
            close(check.id + " vs the lecture's equations", lecture, out["weights"], 1e-6,
                  atol=1e-9)
        elif check.probe == "optimizers.trajectory":
            oracle = probes.run_trajectory(
                probes.make_optimizer(keras_class(args["cls"]), args["kwargs"]),
                args["shapes"], args["steps"], args["seed"])
            _same_trajectory(check.id, oracle, out, 1e-9)
            _same_slots(check.id, oracle["slots"], out["slots"], 1e-9)
            if out["iterations"] != args["steps"] or oracle["iterations"] != args["steps"]:
                raise OracleMismatch(f"{check.id}: iterations {out['iterations']}")
        elif check.probe == "optimizers.options":
            oracle = probes.run_options(keras_class(args["cls"]), args["kwargs"], args["steps"])
            if sorted(oracle) != sorted(out):
                raise OracleMismatch(f"{check.id}: variants {sorted(out)}")
            for variant in oracle:
                close(f"{check.id} {variant}", oracle[variant], out[variant], 1e-6, atol=1e-9)
        elif check.probe == "optimizers.config_roundtrip":
            for key, value in args["kwargs"].items():  # the rate is read back in float32
                if not math.isclose(out["config"].get(key, math.nan), value, rel_tol=1e-7):
                    raise OracleMismatch(f"{check.id}: config {out['config']} lacks {key}")
            if out["registered_name"] != f"dlkit>{args['cls']}":
                raise OracleMismatch(f"{check.id}: registered as {out['registered_name']}")
            if out["revived_type"] != f"dlkit.optimizers.{args['cls']}":
                raise OracleMismatch(f"{check.id}: revived as {out['revived_type']}")
            if not out["weights"] == out["restored_weights"] == out["revived_weights"]:
                raise OracleMismatch(f"{check.id}: rebuilt optimizers take other steps")
            oracle = probes.run_steps(keras_class(args["cls"])(**args["kwargs"]),
                                      [0.5, -1.0, 2.0], probes._fixed_gradients(args["steps"]))
            close(check.id + " vs Keras", oracle["weights"], out["weights"], 1e-9, atol=1e-12)
        elif check.probe == "optimizers.save_load":
            oracle = probes.run_save_load(keras_class(args["cls"]), args["kwargs"],
                                          args["steps"], args["more_steps"])
            if not (out["slots_equal"] and out["weights_equal"]
                    and out["iterations"] == out["loaded_iterations"] == args["steps"]
                    and out["optimizer_type"] == args["cls"]):
                raise OracleMismatch(f"{check.id}: {out}")
            close(check.id + " resumed", out["next_weights"], out["loaded_next_weights"], 1e-9)
            close(check.id + " vs Keras", oracle["next_weights"], out["next_weights"], 1e-5,
                  atol=1e-7)
        elif check.probe == "optimizers.bad_arguments":
            arguments = [next(k for k in case if case[k] != args["kwargs"].get(k, object()))
                         for case in args["cases"]]
            _bad_arguments(check.id, out, args["cases"], arguments)
        elif check.probe == "optimizers.clip_bad_arguments":
            _bad_arguments(check.id, out, args["cases"], ["max_norm"] * len(args["cases"]))
        elif check.probe == "optimizers.clip_cases":
            import tensorflow as tf

            for case, result in zip(args["cases"], out, strict=True):
                rtol = 1e-6 if case["dtype"] == "float32" else 1e-12
                g = np.asarray(case["values"], dtype=case["dtype"])
                if result["shape"] != list(g.shape) or result["dtype"] != case["dtype"]:
                    raise OracleMismatch(f"{check.id}: {result} for {case}")
                close(f"{check.id} {case['values']}", numpy_clip(case["values"],
                      case["max_norm"]), result["values"], rtol, atol=1e-12)
                close(f"{check.id} {case['values']} vs tf.clip_by_norm",
                      tf.clip_by_norm(g, case["max_norm"]).numpy().ravel(), result["values"],
                      rtol, atol=1e-12)
        elif check.gate:
            import sys

            from autograder import REPO
            from autograder.worker.probes._training import train_iris, train_titanic

            if str(REPO / "src") not in sys.path:  # the training helpers import dlkit.data
                sys.path.insert(0, str(REPO / "src"))

            train, loss = ((train_iris, "categorical_crossentropy") if "iris" in check.probe
                           else (train_titanic, "binary_crossentropy"))
            oracle = train(args["seed"], loss, keras_class(args["cls"])(**args["kwargs"]),
                           epochs=args["epochs"])
            if oracle["test_accuracy"] != out["test_accuracy"]:
                raise OracleMismatch(f"{check.id}: test accuracy {out['test_accuracy']} != "
                                     f"Keras's {oracle['test_accuracy']}")
            close(check.id + " final loss", oracle["final_loss"], out["final_loss"], 1e-3)
            passed, message = check.compare(out, out)
            if not passed:
                raise OracleMismatch(f"{check.id}: the reference fails its own gate: {message}")
        else:
            raise OracleMismatch(f"{check.id}: no oracle for probe {check.probe}")
        cache[check.probe_key] = True
        verified += 1
    return verified


def verify_lecture_examples(src):
    """The lecture's worked examples, checked on the reference solution."""
    import sys

    import keras

    sys.path.insert(0, str(src))
    from dlkit.optimizers import SGD, clip_by_norm

    # Momentum: change_t = 0.9 change_{t-1} + 0.1 g, w -= change_t, twice.
    w = keras.Variable(np.array([1.0, -2.0, 3.0]), dtype="float64")
    optimizer = SGD(learning_rate=0.1, momentum=0.9)
    for _ in range(2):
        optimizer.apply_gradients([(keras.ops.convert_to_tensor([1.0, 2.0, -4.0], "float64"),
                                    w)])
    close("lecture momentum example", [0.71, -2.58, 4.16], w.numpy(), 1e-7)
    # Clipping by norm: [3, 4] has norm 5.
    close("clip_by_norm([3, 4], 1)", [0.6, 0.8], keras.ops.convert_to_numpy(
        clip_by_norm(np.array([3.0, 4.0]), 1.0)), 1e-12)
    close("clip_by_norm([0.3, 0.4], 1)", [0.3, 0.4], keras.ops.convert_to_numpy(
        clip_by_norm(np.array([0.3, 0.4]), 1.0)), 1e-12)
    return 3
