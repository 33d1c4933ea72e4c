"""Oracles of the generalization lab: ``keras.layers.Dropout`` and
``keras.layers.BatchNormalization`` (run through the same probes),
``keras.regularizers.L1 / L2 / L1L2`` (values, gradients, a fit),
``sklearn.metrics.roc_curve(drop_intermediate=False)`` and
``roc_auc_score``, and the lecture's worked examples."""

import contextlib

import numpy as np

from instructor.oracles import OracleMismatch, close

SOURCES = ["src/dlkit/layers.py", "src/dlkit/regularizers.py", "src/dlkit/metrics.py"]

VERIFIED_AGAINST = ("keras.layers.Dropout (the properties its outputs, keep rate, seeding and "
                    "gradients satisfy) and keras.layers.BatchNormalization (outputs, moving "
                    "statistics, gradients, weights) through the same probes; "
                    "keras.regularizers.L1/L2/L1L2 (values, GradientTape gradients, a fit); "
                    "sklearn.metrics.roc_curve(drop_intermediate=False) and roc_auc_score; "
                    "the deep sigmoid network without batch normalization stays at chance "
                    "where the gate's network trains; the lecture's examples")


def _probes():
    """The lab's probe module; the course's ``src`` on the path for the
    given loaders (the gates' oracles train on them)."""
    import sys

    from autograder import REPO
    from autograder.worker.probes import generalization

    if str(REPO / "src") not in sys.path:
        sys.path.append(str(REPO / "src"))

    return generalization


@contextlib.contextmanager
def keras_parts():
    """The probes with ``dlkit.layers`` / ``dlkit.regularizers`` replaced by
    Keras's built-ins of the same names."""
    import keras

    probes = _probes()
    original = probes._class
    modules = {"layers": keras.layers, "regularizers": keras.regularizers}
    probes._class = lambda module, cls: (getattr(modules[module], cls) if module in modules
                                         else original(module, cls))
    try:
        yield probes
    finally:
        probes._class = original


def _passes(check, expected, got, what):
    passed, message = check.compare(expected, got)
    if not passed:
        raise OracleMismatch(f"{check.id}: {what}: {message}")


def _verify_dropout(check, out):
    """The reference passes its own check, and so does Keras's Dropout: the
    properties the check tests are Keras's."""
    _passes(check, out, out, "the reference")
    with keras_parts() as probes:
        keras_out = getattr(probes, check.probe.split(".")[1])(**check.args)
    _passes(check, out, keras_out, "keras.layers.Dropout")


def _verify_batch_norm(check, out):
    import keras

    args = check.args
    layer = keras.layers.BatchNormalization(**args["kwargs"], dtype=args["dtype"])
    want = _probes().run_batch_norm(layer, args["shape"], args["seed"], args["steps"])
    _passes(check, want, out, "against keras.layers.BatchNormalization")


def _verify_bn_weights(check, out):
    with keras_parts() as probes:
        want = probes.batch_norm_weights(**check.args)
    _passes(check, want, out, "against keras.layers.BatchNormalization's weights")


def keras_penalty(cls, **kwargs):
    """``keras.regularizers.<cls>(**kwargs)``, usable on float64 weights too.

    Keras 3.13 (Colab's version) stores L1's coefficient as a float32 tensor,
    so its ``L1`` fails on float64 weights ("expected to be a float tensor but
    is a double tensor"); later versions keep a Python float, as L2 always
    did. Giving the coefficient back as a Python float leaves Keras's formula
    (its own ``__call__``) as the oracle on every version.
    """
    import keras

    regularizer = getattr(keras.regularizers, cls)(**kwargs)
    for name in ("l1", "l2"):
        if hasattr(regularizer, name):
            setattr(regularizer, name, float(getattr(regularizer, name)))
    return regularizer


def _verify_penalty(check, out):
    import tensorflow as tf

    regularizer = keras_penalty(check.args["cls"], **check.args["kwargs"])
    probes = _probes()
    for case, got in zip(check.args["cases"], out):
        values = probes.make_array(case["shape"], case["seed"], low=0.01, high=2.0)
        if case.get("zeros"):
            values.flat[::3] = 0.0
        w = tf.Variable(values, dtype=case.get("dtype", "float32"))
        with tf.GradientTape() as tape:
            value = regularizer(w)
        close(f"{check.id} {case} value", value.numpy(), got["value"], rtol=1e-6, atol=1e-9)
        close(f"{check.id} {case} gradient", tape.gradient(value, w).numpy(), got["gradient"],
              rtol=1e-6, atol=1e-9)
        if got["dtype"] != case.get("dtype", "float32") or got["shape"] != []:
            raise OracleMismatch(f"{check.id} {case}: {got['dtype']} {got['shape']}")


def _verify_in_fit(check, out):
    with keras_parts() as probes:
        want = probes.penalty_in_fit(**check.args)
    _passes(check, want, out, "against the keras.regularizers class in the same fit")


def _cases(check):
    from autograder.worker.probes.generalization import make_scores

    return [make_scores(**case) for case in check.args["cases"]]


def _verify_roc(check, out):
    from sklearn.metrics import roc_curve

    for (y, scores), got in zip(_cases(check), out):
        fpr, tpr, thresholds = roc_curve(np.ravel(y), np.ravel(scores), drop_intermediate=False)
        for key, want in (("fpr", fpr), ("tpr", tpr), ("thresholds", thresholds)):
            have = np.array([float(v) for v in got[key]])
            if have.shape != want.shape or not np.array_equal(have, want):
                raise OracleMismatch(f"{check.id} {key}: reference {got[key]} != sklearn "
                                     f"{want.tolist()}")


def _verify_auc(check, out):
    from sklearn.metrics import roc_auc_score

    for (y, scores), got in zip(_cases(check), out):
        close(check.id, roc_auc_score(np.ravel(y), np.ravel(scores)), got, rtol=1e-12)


def _verify_config(check, out):
    import keras

    module = {"layers": keras.layers, "regularizers": keras.regularizers}[check.args["module"]]
    kwargs = check.args["kwargs"]
    keras_config = getattr(module, check.args["cls"])(**kwargs).get_config()
    for key, value in kwargs.items():
        have = keras_config.get(key)
        have = list(have) if isinstance(have, tuple) else have
        if out["config"][key] != value or have != value:
            raise OracleMismatch(f"{check.id}: {key} = {out['config'][key]!r}, Keras has {have!r}")
    if out["registered_name"] != f"dlkit>{check.args['cls']}" or not out["is_subclass"]:
        raise OracleMismatch(f"{check.id}: registered as {out['registered_name']}")
    _passes(check, out, out, "the reference")


def _verify_errors(check, out):
    for result in out:
        if result["raised"] != "ValueError" or "Received:" not in result["message"]:
            raise OracleMismatch(f"{check.id}: {result}")
    _passes(check, out, out, "the reference")


def _verify_save_load(check, out):
    if not all(kind.startswith(("dlkit.", "keras.")) for kind in out["layers"]):
        raise OracleMismatch(f"{check.id}: {out['layers']}")
    if sorted(set(out["regularizers"])) != ["L1", "L1L2", "L2"]:
        raise OracleMismatch(f"{check.id}: regularizers {out['regularizers']}")
    _passes(check, out, out, "the reference")


def _verify_titanic_gate(check, out):
    _passes(check, out, out, "the reference fails its own gate")
    with keras_parts() as probes:
        keras_out = probes.titanic_gate(**check.args)
    _passes(check, out, keras_out, "keras.layers.Dropout and keras.regularizers.L2")


def _verify_deep_gate(check, out):
    _passes(check, out, out, "the reference fails its own gate")
    import keras

    args = {k: v for k, v in check.args.items()}
    probes = _probes()
    with_keras = probes.train_deep_sigmoid(keras.layers.BatchNormalization, **args)
    _passes(check, out, with_keras, "keras.layers.BatchNormalization")
    plain = probes.train_deep_sigmoid(None, **args)
    passed, message = check.compare(out, plain)
    if passed:
        raise OracleMismatch(f"{check.id}: the network without batch normalization passes the "
                             f"gate too, so the gate shows nothing: {message}")


VERIFIERS = {
    "dropout_calls": _verify_dropout,
    "dropout_statistics": _verify_dropout,
    "dropout_seeding": _verify_dropout,
    "dropout_gradients": _verify_dropout,
    "batch_norm": _verify_batch_norm,
    "batch_norm_weights": _verify_bn_weights,
    "penalty": _verify_penalty,
    "penalty_in_fit": _verify_in_fit,
    "roc": _verify_roc,
    "auc": _verify_auc,
    "roc_bad_arguments": _verify_errors,
    "config_roundtrip": _verify_config,
    "bad_arguments": _verify_errors,
    "save_load": _verify_save_load,
    "titanic_gate": _verify_titanic_gate,
    "deep_sigmoid_gate": _verify_deep_gate,
}


def verify(checks, outputs):
    """Checks every generalization reference output against the oracles."""
    verified = 0
    for check in checks:
        if check.lab != "generalization":
            continue
        out = outputs[(check.lab, check.hidden)][check.id]
        probe = check.probe.removeprefix("generalization.")
        if probe not in VERIFIERS:
            raise OracleMismatch(f"{check.id}: no oracle for probe {check.probe}")
        VERIFIERS[probe](check, out)
        verified += 1
    return verified


def verify_lecture_examples(src):
    """The lecture's worked examples, on the reference solution in `src`."""
    import sys

    sys.path.insert(0, str(src))
    from dlkit.layers import BatchNormalization, Dropout
    from dlkit.metrics import roc_auc, roc_curve
    from dlkit.regularizers import L2

    # Inverted dropout keeps the expected activation: mean of Dropout(0.5) on ones ~ 1.
    y = np.asarray(Dropout(0.5, seed=0)(np.ones((200, 100), "float32"), training=True))
    if abs(float(y.mean()) - 1.0) > 5 * np.sqrt(0.25 / y.size) / 0.5:
        raise OracleMismatch(f"Dropout(0.5): mean output {y.mean()} is not about 1")
    # Batch normalization of [1, 3]: mean 2, variance 1 -> -1 / sqrt(1 + eps), +1 / sqrt(1 + eps).
    bn = BatchNormalization()
    out = np.asarray(bn(np.array([[1.0], [3.0]], "float32"), training=True)).ravel()
    close("BatchNormalization([1, 3])", [-1 / np.sqrt(1.001), 1 / np.sqrt(1.001)], out,
          rtol=1e-6)
    close("moving mean after one step", [0.02], np.asarray(bn.moving_mean), rtol=1e-6)
    # scikit-learn's documented example: y = [1, 1, 2, 2] (2 positive), scores [.1, .4, .35, .8].
    fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    close("roc_curve fpr", [0, 0, 0.5, 0.5, 1], fpr, rtol=0)
    close("roc_curve tpr", [0, 0.5, 0.5, 1, 1], tpr, rtol=0)
    if roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) != 0.75:
        raise OracleMismatch("roc_auc of scikit-learn's example is not 0.75")
    # The L2 penalty's gradient is 2 * l2 * w (Keras's l2 is the lecture's lambda / 2).
    import tensorflow as tf

    w = tf.Variable([1.0, -2.0])
    with tf.GradientTape() as tape:
        value = L2(0.5)(w)
    close("d L2(0.5)(w) / dw", [1.0, -2.0], tape.gradient(value, w).numpy(), rtol=1e-6)
    return 5
