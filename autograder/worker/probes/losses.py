"""Probes of the losses lab (``dlkit.activations`` and ``dlkit.losses``).

Inputs are generated here from ``(kind, shape, seed)`` by `make_inputs`, so a
check's arguments stay short; the oracle regenerates the same arrays.
"""

import importlib
import os
import tempfile

import numpy as np

from ._common import outcomes
from ._training import evaluate, fit, train_iris

# -- inputs ------------------------------------------------------------------------
SPARSE_PREFIX = "sparse_"  # "sparse_<kind>": integer labels of the one-hot kind
COLUMN_PREFIX = "sparse_col_"  # the same labels with a trailing axis of size 1


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _one_hot(labels, k):
    return np.eye(k)[labels]


def _binary(rng, shape):
    return rng.integers(0, 2, size=shape).astype(np.float64)


def _dense_inputs(kind, shape, rng):
    k = shape[-1]
    if kind == "real":
        return rng.normal(size=shape), rng.normal(size=shape)
    if kind == "nonnegative":
        return rng.exponential(2.0, size=shape), rng.exponential(2.0, size=shape)
    if kind == "msle_edge":  # zeros and negative numbers count as epsilon
        y_true, y_pred = rng.exponential(2.0, size=shape), rng.normal(0.0, 2.0, size=shape)
        y_true.flat[::3] = 0.0
        y_pred.flat[1::4] = 0.0
        y_true.flat[2::5] = -1.5
        return y_true, y_pred
    if kind == "binary_probs":
        return _binary(rng, shape), rng.uniform(0.02, 0.98, size=shape)
    if kind == "binary_edge":  # exactly 0 and 1, right and wrong
        y_true, y_pred = _binary(rng, shape), rng.uniform(0.02, 0.98, size=shape)
        y_pred.flat[0::3] = y_true.flat[0::3]
        y_pred.flat[1::3] = 1.0 - y_true.flat[1::3]
        return y_true, y_pred
    if kind == "binary_logits":  # mostly moderate, and one confident logit of each sign
        y_pred = rng.normal(0.0, 3.0, size=shape)
        y_pred.flat[0], y_pred.flat[1] = 25.0, -25.0
        return _binary(rng, shape), y_pred
    if kind == "binary_huge":  # logits up to 1e4 in magnitude, both signs, right and wrong
        magnitude = 10.0 ** rng.uniform(1.0, 4.0, size=shape)
        y_pred = magnitude * rng.choice([-1.0, 1.0], size=shape)
        y_pred.flat[0], y_pred.flat[1] = 1e4, -1e4
        return _binary(rng, shape), y_pred
    if kind in ("onehot_probs", "onehot_logits", "onehot_huge", "onehot_edge"):
        labels = rng.integers(0, k, size=shape[:-1])
        y_true = _one_hot(labels, k)
        if kind == "onehot_probs":
            return y_true, _softmax(rng.normal(0.0, 2.0, size=shape))
        if kind == "onehot_logits":
            return y_true, rng.normal(0.0, 3.0, size=shape)
        if kind == "onehot_huge":
            y_pred = rng.normal(0.0, 3.0, size=shape).reshape(-1, k)
            rows = y_pred.shape[0]
            flat_labels = labels.reshape(-1)
            for r in range(rows):
                y_pred[r, rng.integers(0, k)] = rng.choice([-1e4, 1e4])
                if r % 2:
                    y_pred[r, flat_labels[r]] = -1e4  # the true class far below the others
            return y_true, y_pred.reshape(shape)
        # onehot_edge: per row, cycling: the exact right one-hot, an exact wrong
        # one-hot, a distribution with exact zeros, unnormalized scores.
        y_pred = _softmax(rng.normal(0.0, 2.0, size=shape)).reshape(-1, k)
        flat_true = y_true.reshape(-1, k)
        for r in range(y_pred.shape[0]):
            if r % 4 == 0:
                y_pred[r] = flat_true[r]
            elif r % 4 == 1:
                y_pred[r] = np.roll(flat_true[r], 1)
            elif r % 4 == 2:
                y_pred[r, np.argmin(flat_true[r])] = 0.0
                y_pred[r] /= y_pred[r].sum()
            else:
                y_pred[r] = rng.uniform(0.05, 1.0, size=k)
        return y_true, y_pred.reshape(shape)
    if kind == "signed":
        return rng.choice([-1.0, 1.0], size=shape), rng.normal(0.0, 1.5, size=shape)
    if kind == "zero_one":
        return _binary(rng, shape), rng.normal(0.0, 1.5, size=shape)
    if kind == "distributions":
        return (_softmax(rng.normal(0.0, 1.5, size=shape)),
                _softmax(rng.normal(0.0, 1.5, size=shape)))
    if kind == "distributions_edge":  # exact zeros in both, an exact one-hot prediction
        y_true = _softmax(rng.normal(0.0, 1.5, size=shape)).reshape(-1, k)
        y_pred = _softmax(rng.normal(0.0, 1.5, size=shape)).reshape(-1, k)
        for r in range(y_true.shape[0]):
            y_true[r, r % k] = 0.0
            y_true[r] /= y_true[r].sum()
            if r % 2:
                y_pred[r] = _one_hot((r + 1) % k, k)
            else:
                y_pred[r, (r + 2) % k] = 0.0
                y_pred[r] /= y_pred[r].sum()
        return y_true.reshape(shape), y_pred.reshape(shape)
    raise ValueError(f"Unknown input kind. Received: kind={kind!r}")


def make_inputs(kind, shape, seed):
    """``(y_true, y_pred)`` as float64 NumPy arrays for an input `kind`.

    `shape` is `y_pred`'s shape. ``sparse_<kind>`` gives the integer labels
    of the one-hot `kind` (shape ``shape[:-1]``), ``sparse_col_<kind>`` the
    same labels with a trailing axis of size 1.
    """
    rng = np.random.default_rng(seed)
    shape = tuple(shape)
    if kind.startswith(COLUMN_PREFIX):
        y_true, y_pred = _dense_inputs(kind[len(COLUMN_PREFIX):], shape, rng)
        return np.argmax(y_true, axis=-1)[..., None].astype(np.float64), y_pred
    if kind.startswith(SPARSE_PREFIX):
        y_true, y_pred = _dense_inputs(kind[len(SPARSE_PREFIX):], shape, rng)
        return np.argmax(y_true, axis=-1).astype(np.float64), y_pred
    return _dense_inputs(kind, shape, rng)


def make_array(spec):
    """A float64 array from a nested list, or from ``{"seed", "shape", "scale"}``."""
    if isinstance(spec, dict):
        rng = np.random.default_rng(spec["seed"])
        return rng.normal(0.0, spec.get("scale", 1.0), size=tuple(spec["shape"]))
    return np.asarray(spec, dtype=np.float64)


# -- helpers -----------------------------------------------------------------------
def _module(name):
    return importlib.import_module(f"dlkit.{name}")


def _loss_class(cls):
    return getattr(_module("losses"), cls)


def _to_list(value):
    """A tensor or array as (nested) lists of floats; None stays None."""
    if value is None:
        return None
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64).tolist()


def _tensors(y_true, y_pred):
    import keras

    return (keras.ops.convert_to_tensor(y_true, dtype="float32"),
            keras.ops.convert_to_tensor(y_pred, dtype="float32"))


# -- activations ---------------------------------------------------------------------
def activation(fn, xs, kwargs=None):
    """``dlkit.activations.<fn>(x, **kwargs)`` for every array in `xs`."""
    function = getattr(_module("activations"), fn)
    return [_to_list(np.asarray(function(make_array(x), **(kwargs or {})), dtype=np.float64))
            for x in xs]


def softmax(xs, axis=-1):
    """``dlkit.activations.softmax(x, axis)`` for every array in `xs`."""
    function = _module("activations").softmax
    return [_to_list(np.asarray(function(make_array(x), axis=axis), dtype=np.float64))
            for x in xs]


# -- losses ----------------------------------------------------------------------------
def loss_values(cls, kwargs, cases):
    """Per-sample losses (``call``) and the reduced value (``loss(...)``) of
    the student's loss on every input case."""
    loss = _loss_class(cls)(**kwargs)
    results = []
    for case in cases:
        y_true, y_pred = _tensors(*make_inputs(**case))
        per_sample = loss.call(y_true, y_pred)
        value = loss(y_true, y_pred)
        results.append({"per_sample": _to_list(per_sample), "value": _to_list(value)})
    return results


def loss_gradients(cls, kwargs, cases):
    """``GradientTape`` gradient of the reduced loss with respect to `y_pred`."""
    import tensorflow as tf

    loss = _loss_class(cls)(**kwargs)
    results = []
    for case in cases:
        y_true, y_pred = _tensors(*make_inputs(**case))
        with tf.GradientTape() as tape:
            tape.watch(y_pred)
            value = loss(y_true, y_pred)
        results.append({"gradient": _to_list(tape.gradient(value, y_pred)),
                        "value": _to_list(value)})
    return results


def config_roundtrip(cls, kwargs, case):
    """``get_config`` / ``from_config`` and Keras (de)serialization, with the
    losses each copy computes on one input case."""
    import keras

    klass = _loss_class(cls)
    original = klass(**kwargs)
    config = original.get_config()
    restored = klass.from_config(config)
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(original))
    y_true, y_pred = _tensors(*make_inputs(**case))
    return {
        "config": {k: config[k] for k in sorted(config)},
        "registered_name": keras.saving.get_registered_name(klass),
        "revived_type": type(revived).__name__,
        "values": _to_list(original.call(y_true, y_pred)),
        "restored_values": _to_list(restored.call(y_true, y_pred)),
        "revived_values": _to_list(revived.call(y_true, y_pred)),
    }


def _problem_data(problem, from_logits, rng):
    x = rng.normal(size=(40, 4)).astype("float32")
    score = x @ np.array([1.0, -1.0, 0.5, 0.25], dtype="float32")
    if problem == "regression":
        return x, score[:, None], 1, "linear"
    if problem == "binary":
        return x, (score > 0).astype("float32")[:, None], 1, None if from_logits else "sigmoid"
    if problem == "signed":
        return x, np.where(score > 0, 1.0, -1.0).astype("float32")[:, None], 1, "linear"
    labels = np.digitize(score, [-0.5, 0.5])
    out = None if from_logits else "softmax"
    if problem == "sparse":
        return x, labels.astype("float32"), 3, out
    return x, np.eye(3, dtype="float32")[labels], 3, out  # multiclass


def save_load(cls, kwargs, problem, epochs=2):
    """Trains a small model compiled with the loss, saves it to ``.keras``,
    loads it back (no ``custom_objects``: the class must be registered) and
    evaluates both copies."""
    import keras

    klass = _loss_class(cls)
    rng = np.random.default_rng(0)
    x, y, units, activation_name = _problem_data(problem, kwargs.get("from_logits", False), rng)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(units, activation=activation_name)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss=klass(**kwargs))
    history = fit(model, x, y, batch_size=8, epochs=epochs, shuffle=False)
    evaluated = evaluate(model, x, y)  # the 40 rows are one batch
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, compile=True, safe_mode=True)
    loaded_loss = loaded.loss
    config = loaded_loss.get_config() if hasattr(loaded_loss, "get_config") else None
    return {
        "loss_type": type(loaded_loss).__name__,
        "loss_module": type(loaded_loss).__module__,
        "config": {k: config[k] for k in sorted(config)} if isinstance(config, dict) else None,
        "original_config": {k: v for k, v in sorted(model.loss.get_config().items())},
        "history": [float(v) for v in history["loss"]],
        "evaluate": evaluated,
        "loaded_evaluate": evaluate(loaded, x, y),
        "weights_equal": all(np.array_equal(a, b)
                             for a, b in zip(model.get_weights(), loaded.get_weights())),
    }


def bad_arguments(cls, cases):
    """Constructs the loss with each set of bad arguments in `cases`;
    reports what each raised."""
    klass = _loss_class(cls)  # an import error is an error, not a finding
    return outcomes(klass, cases)


# -- output layers ---------------------------------------------------------------------
def _choices():
    module = _module("losses")
    return module, module.output_choices()


def output_choices_format():
    """Whether ``output_choices()`` answers every problem in the right format
    (never the answers themselves: those are graded by hidden checks)."""
    import keras

    module, choices = _choices()
    if not isinstance(choices, dict):
        return {"problems": None, "malformed": {"(all)": f"returned a {type(choices).__name__}, "
                                                          "not a dict"}}
    malformed = {}
    for problem, choice in choices.items():
        if not (isinstance(choice, (tuple, list)) and len(choice) == 2):
            malformed[str(problem)] = f"{choice!r} is not a pair (activation, loss)"
            continue
        activation_name, loss_name = choice
        if activation_name not in module.ACTIVATIONS:
            malformed[str(problem)] = (f"activation {activation_name!r} is not one of "
                                       f"{', '.join(module.ACTIVATIONS)}")
        elif not (isinstance(loss_name, str) and isinstance(getattr(module, loss_name, None), type)
                  and issubclass(getattr(module, loss_name), keras.losses.Loss)):
            malformed[str(problem)] = f"loss {loss_name!r} is not a loss class of dlkit.losses"
    return {"problems": sorted(str(p) for p in choices), "malformed": malformed}


def output_choices_answers(problems):
    """The student's ``(activation, loss)`` for each of `problems`."""
    _, choices = _choices()
    answers = {}
    for problem in problems:
        choice = choices.get(problem) if isinstance(choices, dict) else None
        answers[problem] = [str(c) for c in choice] if isinstance(choice, (tuple, list)) else None
    return answers


# -- the gate ------------------------------------------------------------------------
def iris_gate(seed, epochs, batch_size, learning_rate):
    """The lecture's Iris MLP trained with the student's
    ``CategoricalCrossentropy()`` and Keras's Adam."""
    import keras

    loss = _loss_class("CategoricalCrossentropy")()
    return train_iris(seed, loss, keras.optimizers.Adam(learning_rate=learning_rate),
                      epochs=epochs, batch_size=batch_size)


PROBES = {
    "losses.activation": activation,
    "losses.softmax": softmax,
    "losses.loss_values": loss_values,
    "losses.loss_gradients": loss_gradients,
    "losses.config_roundtrip": config_roundtrip,
    "losses.save_load": save_load,
    "losses.bad_arguments": bad_arguments,
    "losses.output_choices_format": output_choices_format,
    "losses.output_choices_answers": output_choices_answers,
    "losses.iris_gate": iris_gate,
}
