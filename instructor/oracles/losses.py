"""Oracles of the losses lab: ``keras.activations`` / ``keras.ops`` and their
TensorFlow gradients for the activations, the ``keras.losses`` built-ins
(values and ``GradientTape`` gradients) and float64 central finite
differences for the losses, and the lecture's worked examples."""

import numpy as np

from instructor.oracles import OracleMismatch, close

SOURCES = ["src/dlkit/activations.py", "src/dlkit/losses.py"]

VERIFIED_AGAINST = ("keras.activations / keras.ops.softmax and TensorFlow gradients; "
                    "keras.losses built-ins (values, GradientTape gradients); float64 central "
                    "finite differences; the lecture's table of output layers and losses, its "
                    "softmax overflow example and sigmoid'(0) = 0.25")

# The lecture's table (what the hidden output_choices checks accept first).
LECTURE_TABLE = {
    "regression": ["linear", "MeanSquaredError"],
    "binary": ["sigmoid", "BinaryCrossentropy"],
    "multiclass": ["softmax", "CategoricalCrossentropy"],
    "multilabel": ["sigmoid", "BinaryCrossentropy"],
}
# Input kinds at a clip boundary or a kink: no finite differences there.
NOT_SMOOTH = ("binary_edge", "onehot_edge", "distributions_edge", "msle_edge")


def _inputs(case):
    from autograder.worker.probes.losses import make_inputs

    return make_inputs(**case)


def _array(spec):
    from autograder.worker.probes.losses import make_array

    return make_array(spec)


# -- activations ---------------------------------------------------------------------
def _keras_activation(fn, x, kwargs):
    """(values, derivative) of the Keras activation `fn` at float64 `x`."""
    import keras
    import tensorflow as tf

    name = fn.removesuffix("_derivative")
    functions = {
        "sigmoid": keras.activations.sigmoid,
        "tanh": keras.activations.tanh,
        "relu": keras.activations.relu,
        "leaky_relu": lambda t: keras.activations.leaky_relu(
            t, negative_slope=kwargs.get("alpha", 0.1)),
    }
    t = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = functions[name](t)
        total = tf.reduce_sum(y)
    derivative = tape.gradient(total, t)
    return (derivative if fn.endswith("_derivative") else y).numpy()


def _verify_activation(check, out):
    for x, got in zip(check.args["xs"], out):
        want = _keras_activation(check.args["fn"], _array(x), check.args.get("kwargs") or {})
        close(check.id, want, got, rtol=1e-7, atol=1e-12)  # Keras rounds alpha to float32


def _verify_softmax(check, out):
    import keras

    for x, got in zip(check.args["xs"], out):
        want = keras.ops.convert_to_numpy(
            keras.ops.softmax(keras.ops.convert_to_tensor(_array(x), dtype="float64"),
                              axis=check.args["axis"]))
        close(check.id, want, got, rtol=1e-9, atol=1e-15)
        if not np.all(np.isfinite(got)):
            raise OracleMismatch(f"{check.id}: not finite")


# -- losses ----------------------------------------------------------------------------
def keras_loss(cls, kwargs, **extra):
    """The keras.losses built-in of the same name and arguments."""
    import keras

    return getattr(keras.losses, cls)(**kwargs, **extra)


def _keras_values(cls, kwargs, case):
    import keras

    y_true, y_pred = (keras.ops.convert_to_tensor(a, dtype="float32") for a in _inputs(case))
    per_sample = keras_loss(cls, kwargs, reduction=None)(y_true, y_pred)
    value = keras_loss(cls, kwargs)(y_true, y_pred)
    return keras.ops.convert_to_numpy(per_sample), float(keras.ops.convert_to_numpy(value))


def keras_gradient(cls, kwargs, case):
    """GradientTape gradient of the Keras loss (float32) with respect to y_pred."""
    import tensorflow as tf

    y_true, y_pred = (tf.constant(a, dtype=tf.float32) for a in _inputs(case))
    loss = keras_loss(cls, kwargs)
    with tf.GradientTape() as tape:
        tape.watch(y_pred)
        value = loss(y_true, y_pred)
    return tape.gradient(value, y_pred).numpy()


def finite_difference(cls, kwargs, case, h=1e-6):
    """Central differences of the float64 Keras loss with respect to y_pred."""
    import keras

    loss = keras_loss(cls, kwargs, dtype="float64")
    y_true, y_pred = _inputs(case)
    y_pred = y_pred.astype(np.float64)
    y_pred32 = y_pred.astype(np.float32).astype(np.float64)  # the point the probe saw
    grad = np.zeros_like(y_pred32)
    for index in np.ndindex(y_pred32.shape):
        step = h * max(1.0, abs(y_pred32[index]))
        plus, minus = y_pred32.copy(), y_pred32.copy()
        plus[index] += step
        minus[index] -= step
        f_plus = float(keras.ops.convert_to_numpy(loss(y_true, plus)))
        f_minus = float(keras.ops.convert_to_numpy(loss(y_true, minus)))
        grad[index] = (f_plus - f_minus) / (2 * step)
    return grad


def _verify_values(check, out):
    cls, kwargs = check.args["cls"], check.args["kwargs"]
    for case, got in zip(check.args["cases"], out):
        per_sample, value = _keras_values(cls, kwargs, case)
        close(f"{check.id} {case}", per_sample, got["per_sample"], rtol=1e-5, atol=1e-6)
        close(f"{check.id} {case} value", value, got["value"], rtol=1e-5, atol=1e-6)
        if not np.all(np.isfinite(got["per_sample"])):
            raise OracleMismatch(f"{check.id} {case}: not finite")


def _verify_gradients(check, out):
    cls, kwargs = check.args["cls"], check.args["kwargs"]
    for case, got in zip(check.args["cases"], out):
        gradient = np.asarray(got["gradient"])
        if not np.all(np.isfinite(gradient)):
            raise OracleMismatch(f"{check.id} {case}: gradient not finite")
        close(f"{check.id} {case} vs Keras", keras_gradient(cls, kwargs, case), gradient,
              rtol=1e-4, atol=1e-7)
        kind = case["kind"].removeprefix("sparse_col_").removeprefix("sparse_")
        if kind not in NOT_SMOOTH:
            close(f"{check.id} {case} vs finite differences",
                  finite_difference(cls, kwargs, case), gradient, rtol=2e-3, atol=2e-6)


def _verify_config(check, out):
    cls, kwargs = check.args["cls"], check.args["kwargs"]
    if out["config"] != {**out["config"], **kwargs}:
        raise OracleMismatch(f"{check.id}: config {out['config']} lacks {kwargs}")
    keras_config = keras_loss(cls, kwargs).get_config()
    for key in ("name", "reduction", *kwargs):
        if out["config"].get(key) != keras_config.get(key):
            raise OracleMismatch(f"{check.id}: {key} = {out['config'].get(key)!r}, Keras has "
                                 f"{keras_config.get(key)!r}")
    if out["registered_name"] != f"dlkit>{cls}" or out["revived_type"] != cls:
        raise OracleMismatch(f"{check.id}: registered as {out['registered_name']}")
    per_sample, _ = _keras_values(cls, kwargs, check.args["case"])
    for key in ("values", "restored_values", "revived_values"):
        close(f"{check.id} {key}", per_sample, out[key], rtol=1e-5, atol=1e-6)


def _verify_save_load(check, out):
    if out["loss_type"] != check.args["cls"] or out["loss_module"] != "dlkit.losses":
        raise OracleMismatch(f"{check.id}: loaded {out['loss_module']}.{out['loss_type']}")
    if out["config"] != out["original_config"] or not out["weights_equal"]:
        raise OracleMismatch(f"{check.id}: the round trip changed the model: {out}")
    if not np.all(np.isfinite(out["history"])) or out["history"][-1] >= out["history"][0]:
        raise OracleMismatch(f"{check.id}: training did not lower the loss: {out['history']}")
    close(check.id, out["evaluate"], out["loaded_evaluate"], rtol=1e-6)


def _verify_errors(check, out):
    for kwargs, result in zip(check.args["cases"], out):
        if result["raised"] != "ValueError" or "Received:" not in result["message"]:
            raise OracleMismatch(f"{check.id}: {kwargs} gave {result}")


def verify(checks, outputs):
    """Checks every losses reference output against the oracles."""
    verified = 0
    for check in checks:
        if check.lab != "losses":
            continue
        out = outputs[(check.lab, check.hidden)][check.id]
        probe = check.probe.removeprefix("losses.")
        if probe == "activation":
            _verify_activation(check, out)
        elif probe == "softmax":
            _verify_softmax(check, out)
        elif probe == "loss_values":
            _verify_values(check, out)
        elif probe == "loss_gradients":
            _verify_gradients(check, out)
        elif probe == "config_roundtrip":
            _verify_config(check, out)
        elif probe == "save_load":
            _verify_save_load(check, out)
        elif probe == "bad_arguments":
            _verify_errors(check, out)
        elif probe == "output_choices_format":
            if out != {"problems": sorted(LECTURE_TABLE), "malformed": {}}:
                raise OracleMismatch(f"{check.id}: {out}")
        elif probe == "output_choices_answers":
            if out != {p: LECTURE_TABLE[p] for p in check.args["problems"]}:
                raise OracleMismatch(f"{check.id}: {out} is not the lecture's table")
        elif probe == "iris_gate":
            passed, message = check.compare(out, out)
            if not passed:
                raise OracleMismatch(f"{check.id}: the reference fails its own gate: {message}")
        else:
            raise OracleMismatch(f"{check.id}: no oracle for probe {check.probe}")
        verified += 1
    return verified


def verify_lecture_examples(src):
    """The lecture's worked examples, on the reference solution in `src`."""
    import sys

    sys.path.insert(0, str(src))
    from dlkit.activations import sigmoid_derivative, softmax
    from dlkit.losses import CategoricalCrossentropy

    overflow = softmax(np.array([1000.0, 1001.0, 1002.0]))
    if np.round(overflow, 3).tolist() != [0.09, 0.245, 0.665]:
        raise OracleMismatch(f"softmax([1000, 1001, 1002]) = {overflow}")
    x = np.linspace(-6, 6, 1201)
    if float(np.max(sigmoid_derivative(x))) != 0.25 or float(sigmoid_derivative(0.0)) != 0.25:
        raise OracleMismatch("the sigmoid's derivative must peak at 0.25 at x = 0")
    # Keras's documented example: [[0, 1, 0], [0, 0, 1]] vs [[.05, .95, 0], [.1, .8, .1]].
    values = CategoricalCrossentropy().call(np.array([[0.0, 1, 0], [0, 0, 1]], "float32"),
                                            np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]],
                                                     "float32"))
    close("CategoricalCrossentropy example", [0.0513, 2.3026], np.asarray(values), rtol=0,
          atol=1e-4)
    return 3
