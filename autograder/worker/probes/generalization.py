"""Probes of the generalization lab (``dlkit.layers``, ``dlkit.regularizers``,
``dlkit.metrics.roc_curve`` / ``roc_auc``).

Inputs are generated here from seeds (`make_array`, `make_scores`), so a
check's arguments stay short; the oracle regenerates the same arrays. The
probes return what the student's code produced (outputs, weights,
gradients, masks) and never an expected value.
"""

import importlib
import os
import tempfile

import numpy as np

from ._common import given, outcomes
from ._training import fit, seeded


def _module(name):
    return importlib.import_module(f"dlkit.{name}")


def _class(module, cls):
    return getattr(_module(module), cls)


def _to_list(value):
    """A tensor or array as nested lists of floats (None stays None)."""
    if value is None:
        return None
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64).tolist()


def _finite_or_text(values):
    """Floats with ``inf`` / ``nan`` spelled as strings (JSON-safe)."""
    return [float(v) if np.isfinite(v) else str(float(v)) for v in np.asarray(values).ravel()]


def make_array(shape, seed, low=0.5, high=2.0):
    """Float64 values of magnitude in [low, high] and random sign (never 0)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(low, high, size=tuple(shape)) * rng.choice([-1.0, 1.0], size=tuple(shape))


def make_batches(shape, seed, steps):
    """`steps` batches with per-feature offsets and scales far from 0 and 1."""
    rng = np.random.default_rng(seed)
    offset = rng.normal(0.0, 3.0, size=shape[-1])
    scale = rng.uniform(0.5, 4.0, size=shape[-1])
    return [offset + scale * rng.normal(size=tuple(shape)) for _ in range(steps)]


def make_scores(kind, n, seed):
    """``(y_true, scores)`` for the ROC probes: `kind` is ``continuous``,
    ``ties`` (scores on a grid of 5 values), ``column`` (shape (n, 1)
    probabilities with ties) or ``all_tied`` (one score for all)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    y[0], y[1] = 0, 1  # both classes present
    if kind == "continuous":
        scores = rng.normal(size=n) + 0.8 * y
    elif kind in ("ties", "column"):
        scores = np.round(np.clip(rng.normal(0.5, 0.25, size=n) + 0.2 * y, 0, 1) * 4) / 4
    elif kind == "all_tied":
        scores = np.full(n, 0.5)
    else:
        raise ValueError(f"Unknown kind. Received: kind={kind!r}")
    if kind == "column":
        return y.reshape(-1, 1).astype(np.float32), scores.reshape(-1, 1).astype(np.float32)
    return y, scores


# -- dropout -------------------------------------------------------------------------
def _dropout(rate, seed, noise_shape=None, dtype="float32"):
    kwargs = {"seed": seed, "dtype": dtype}
    if noise_shape is not None:
        kwargs["noise_shape"] = tuple(noise_shape)
    return _class("layers", "Dropout")(rate, **kwargs)


def dropout_calls(rate, shape, seed, modes, dtype="float32", noise_shape=None):
    """Calls one Dropout layer on one input once per mode (``True``,
    ``False`` or ``None``: no `training` argument); returns the input, the
    outputs and their dtype."""
    import keras

    layer = _dropout(rate, seed, noise_shape, dtype)
    x = keras.ops.convert_to_tensor(make_array(shape, seed), dtype=dtype)
    outputs, dtypes = [], []
    for mode in modes:
        y = layer(x) if mode is None else layer(x, training=mode)
        outputs.append(_to_list(y))
        dtypes.append(keras.backend.standardize_dtype(y.dtype))
    return {"x": _to_list(x), "outputs": outputs, "dtypes": dtypes}


def dropout_statistics(rate, shape, seed, calls):
    """Training-mode calls on a large input: how many units each call kept
    and the range of output / input over the kept ones."""
    import keras

    layer = _dropout(rate, seed)
    x = make_array(shape, seed)
    results = []
    for _ in range(calls):
        y = np.asarray(keras.ops.convert_to_numpy(layer(x.astype("float32"), training=True)),
                       dtype=np.float64)
        kept = y != 0
        ratio = y[kept] / x.astype("float32")[kept] if kept.any() else np.array([np.nan])
        results.append({"size": int(y.size), "kept": int(kept.sum()),
                        "ratio_min": float(ratio.min()), "ratio_max": float(ratio.max())})
    return results


def dropout_seeding(rate, shape, seed, calls=2):
    """The masks (1 kept, 0 dropped) of `calls` training calls of two layers
    made with `seed` and one made with ``seed + 1``."""
    x = np.ones(tuple(shape), dtype="float32")
    masks = {}
    for name, s in (("first", seed), ("same_seed", seed), ("other_seed", seed + 1)):
        layer = _dropout(rate, s)
        masks[name] = [(np.asarray(layer(x, training=True)) != 0).astype(int).ravel().tolist()
                       for _ in range(calls)]
    return masks


def dropout_gradients(rate, shape, seed):
    """Gradient of ``sum(w * dropout(x))`` with respect to x in training mode."""
    import tensorflow as tf

    layer = _dropout(rate, seed)
    x = tf.constant(make_array(shape, seed), dtype=tf.float32)
    w = tf.constant(make_array(shape, seed + 1), dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
        total = tf.reduce_sum(w * y)
    return {"x": _to_list(x), "w": _to_list(w), "y": _to_list(y),
            "gradient": _to_list(tape.gradient(total, x))}


# -- batch normalization ---------------------------------------------------------------
def _set_weights(layer, rng_seed, n):
    """Random gamma and beta and moving statistics (variance > 0), the same
    for every implementation: set by name."""
    rng = np.random.default_rng(rng_seed)
    values = {"gamma": rng.uniform(0.5, 2.0, n), "beta": rng.normal(0.0, 1.0, n),
              "moving_mean": rng.normal(0.0, 2.0, n), "moving_variance": rng.uniform(0.5, 3.0, n)}
    for name, value in values.items():
        variable = getattr(layer, name, None)
        if variable is not None:
            variable.assign(value.astype(variable.dtype))


def run_batch_norm(layer, shape, seed, steps):
    """What the probes record of a BatchNormalization `layer` (the student's,
    or Keras's for the oracle): inference output on the random moving
    statistics first, then `steps` training calls (outputs and moving
    statistics after each), the gradients of the first training call."""
    import keras
    import tensorflow as tf

    dtype = layer.dtype_policy.compute_dtype
    batches = [tf.constant(b, dtype=dtype) for b in make_batches(shape, seed, steps + 1)]
    layer.build(tuple(shape))
    n = shape[layer.axis]
    _set_weights(layer, seed + 1, n)
    inference = layer(batches[-1], training=False)
    w = tf.constant(make_array(shape, seed + 2), dtype=dtype)
    trainable = [getattr(layer, name) for name in ("gamma", "beta")
                 if getattr(layer, name, None) is not None]
    train_outputs, means, variances, grads = [], [], [], None
    for k, x in enumerate(batches[:-1]):
        if k == 0:
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = layer(x, training=True)
                total = tf.reduce_sum(tf.cast(w * y, "float32"))
            found = tape.gradient(total, [x, *[v.value for v in trainable]])
            names = ["x", *[v.name.split("/")[-1] for v in trainable]]
            grads = {name: _to_list(g) for name, g in zip(names, found)}
        else:
            y = layer(x, training=True)
        train_outputs.append(_to_list(y))
        means.append(_to_list(layer.moving_mean))
        variances.append(_to_list(layer.moving_variance))
    return {"dtype": keras.backend.standardize_dtype(inference.dtype),
            "inference": _to_list(inference), "train_outputs": train_outputs,
            "moving_mean": means, "moving_variance": variances, "gradients": grads}


def batch_norm(kwargs, shape, seed, steps, dtype="float32"):
    """`run_batch_norm` on the student's ``BatchNormalization(**kwargs)``."""
    layer = _class("layers", "BatchNormalization")(**kwargs, dtype=dtype)
    return run_batch_norm(layer, shape, seed, steps)


def batch_norm_weights(kwargs, shape):
    """The weights a built layer holds: name, shape, trainable, values; and
    which of the four attributes exist."""
    layer = _class("layers", "BatchNormalization")(**kwargs)
    layer.build(tuple(shape))
    weights = [{"name": v.name.split("/")[-1], "shape": list(v.shape),
                "trainable": bool(v.trainable), "values": _to_list(v)} for v in layer.weights]
    attributes = {name: getattr(layer, name, None) is not None
                  for name in ("gamma", "beta", "moving_mean", "moving_variance")}
    return {"weights": sorted(weights, key=lambda w: w["name"]), "attributes": attributes,
            "n_trainable": len(layer.trainable_weights)}


# -- penalties -------------------------------------------------------------------------
def penalty(cls, kwargs, cases):
    """Value and gradient of ``cls(**kwargs)(w)`` for each weight case
    ``{"shape", "seed", "dtype", "zeros"}`` (``zeros``: every third weight 0)."""
    import keras
    import tensorflow as tf

    regularizer = _class("regularizers", cls)(**kwargs)
    results = []
    for case in cases:
        values = make_array(case["shape"], case["seed"], low=0.01, high=2.0)
        if case.get("zeros"):
            values.flat[::3] = 0.0
        w = tf.Variable(values, dtype=case.get("dtype", "float32"))
        with tf.GradientTape() as tape:
            value = regularizer(w)
        gradient = tape.gradient(value, w)
        results.append({"value": _to_list(value), "shape": list(np.shape(value)),
                        "dtype": keras.backend.standardize_dtype(value.dtype),
                        "gradient": _to_list(gradient)})
    return results


def penalty_in_fit(cls, kwargs, seed, epochs=3):
    """A two-layer regression model whose first kernel carries the penalty:
    ``model.losses`` before training, the training loss per epoch and the
    trained kernel, and the mean squared error alone after training."""
    import keras

    seeded(seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(32, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 1))).astype("float32")
    regularizer = _class("regularizers", cls)(**kwargs)
    model = keras.Sequential([keras.Input((5,)),
                              keras.layers.Dense(4, kernel_regularizer=regularizer),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    before = [float(keras.ops.convert_to_numpy(keras.ops.sum(v))) for v in model.losses]
    history = fit(model, x, y, batch_size=8, epochs=epochs, shuffle=False)
    return {"n_losses": len(before), "penalty_before": before,
            "history": [float(v) for v in history["loss"]],
            "kernel": _to_list(model.layers[0].kernel)}


# -- ROC ---------------------------------------------------------------------------
def roc(cases):
    """``roc_curve`` and ``roc_auc`` of the student on each score case."""
    metrics = _module("metrics")
    results = []
    for case in cases:
        y, scores = make_scores(**case)
        fpr, tpr, thresholds = metrics.roc_curve(y, scores)
        results.append({"fpr": _finite_or_text(fpr), "tpr": _finite_or_text(tpr),
                        "thresholds": _finite_or_text(thresholds)})
    return results


def auc(cases):
    metrics = _module("metrics")
    values = []
    for case in cases:
        value = metrics.roc_auc(*make_scores(**case))
        values.append(float(value) if isinstance(value, (int, float, np.floating)) else None)
    return values


def roc_bad_arguments(cases):
    """Calls `roc_auc` with each ``{"y_true", "scores"}`` pair; reports what
    each raised."""
    metrics = _module("metrics")
    metrics.roc_auc([0, 1, 1], [0.2, 0.5, 0.9])  # an unwritten roc_auc earns nothing here
    return outcomes(lambda y_true, scores: metrics.roc_auc(y_true, scores), cases)


# -- configs, errors, save / load -----------------------------------------------------------
def _exercise(obj):
    """What a layer computes in training mode on a fixed (2, 3, 4) input, or
    what a regularizer computes on fixed weights."""
    import keras

    x = make_array((2, 3, 4), 0)
    if isinstance(obj, keras.layers.Layer):
        return _to_list(obj(x.astype("float32"), training=True))
    return _to_list(obj(x.astype("float32")))


def config_roundtrip(module, cls, kwargs):
    """``get_config`` / ``from_config`` and Keras (de)serialization, and what
    each copy computes (`_exercise`)."""
    import keras

    klass = _class(module, cls)
    original = klass(**kwargs)
    config = original.get_config()
    restored = klass.from_config(config)
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(original))
    keys = sorted(kwargs)
    return {
        "values": _exercise(original),
        "restored_values": _exercise(restored),
        "revived_values": _exercise(revived),
        "config": {k: _jsonable(config.get(k)) for k in keys},
        "registered_name": keras.saving.get_registered_name(klass),
        "revived_type": type(revived).__name__,
        "restored_equal": _jsonable(restored.get_config()) == _jsonable(config),
        "revived_equal": _jsonable(revived.get_config()) == _jsonable(config),
        "is_subclass": issubclass(klass, (keras.layers.Layer, keras.regularizers.Regularizer)),
    }


def _jsonable(value):
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def bad_arguments(module, cls, cases, valid):
    """Constructs the class with each set of bad arguments in `cases`;
    reports what each raised. First ``cls(**valid)`` must compute
    (`_exercise`): an unwritten class earns nothing here."""
    klass = _class(module, cls)
    _exercise(klass(**valid))
    return outcomes(klass, cases)


def save_load(seed, epochs=2):
    """A model with every part (Dropout, BatchNormalization, L1, L2, L1L2)
    trains, saves to ``.keras`` and loads without ``custom_objects``."""
    import keras

    layers, regularizers = _module("layers"), _module("regularizers")
    seeded(seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(48, 6)).astype("float32")
    y = (x[:, :1] - x[:, 1:2] > 0).astype("float32")
    model = keras.Sequential([
        keras.Input((6,)),
        keras.layers.Dense(12, use_bias=False, kernel_regularizer=regularizers.L2(1e-3)),
        layers.BatchNormalization(momentum=0.9),
        keras.layers.Activation("relu"),
        layers.Dropout(0.25, seed=seed),
        keras.layers.Dense(8, activation="relu", kernel_regularizer=regularizers.L1(1e-3),
                           bias_regularizer=regularizers.L1L2(l1=1e-3, l2=1e-3)),
        layers.Dropout(0.1, noise_shape=(None, 8), seed=seed + 1),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    history = fit(model, x, y, batch_size=16, epochs=epochs, shuffle=False)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, compile=True, safe_mode=True)
    kinds = [f"{type(layer).__module__}.{type(layer).__name__}" for layer in loaded.layers]
    regs = [type(getattr(layer, attr, None)).__name__ for layer in loaded.layers
            for attr in ("kernel_regularizer", "bias_regularizer")
            if getattr(layer, attr, None) is not None]
    return {
        "layers": kinds, "regularizers": regs,
        "configs_equal": all(_jsonable(a.get_config()) == _jsonable(b.get_config())
                             for a, b in zip(model.layers, loaded.layers)),
        "weights_equal": all(np.array_equal(a, b)
                             for a, b in zip(model.get_weights(), loaded.get_weights())),
        "history": [float(v) for v in history["loss"]],
        "predictions": _to_list(model(x[:8], training=False)),
        "loaded_predictions": _to_list(loaded(x[:8], training=False)),
        "losses": [float(keras.ops.convert_to_numpy(keras.ops.sum(v))) for v in model.losses],
        "loaded_losses": [float(keras.ops.convert_to_numpy(keras.ops.sum(v)))
                          for v in loaded.losses],
    }


# -- the gates ---------------------------------------------------------------------------
def titanic_model(dropout, l2_penalty, n_features, hidden, rate, l2, seed):
    """The gate's Titanic MLP: each hidden ReLU layer carries the student's
    ``L2(l2)`` and is followed by the student's ``Dropout(rate)``."""
    import keras

    stack = [keras.Input((n_features,))]
    for k, units in enumerate(hidden):
        stack += [keras.layers.Dense(units, activation="relu",
                                     kernel_regularizer=l2_penalty(l2)),
                  dropout(rate, seed=seed + k)]
    stack.append(keras.layers.Dense(1, activation="sigmoid"))
    return keras.Sequential(stack, name="titanic_dropout_l2")


def titanic_gate(seed, data_seed, hidden, rate, l2, learning_rate, epochs, batch_size):
    """Test accuracy (threshold 0.5) of the Titanic MLP with the student's
    Dropout and L2, trained with Adam."""
    import keras

    seeded(seed)
    (x_tr, y_tr), _, (x_te, y_te) = given("data").load_titanic(seed=data_seed)
    model = titanic_model(_class("layers", "Dropout"), _class("regularizers", "L2"),
                          x_tr.shape[1], hidden, rate, l2, seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
    losses = fit(model, x_tr, y_tr, epochs=epochs, batch_size=batch_size, seed=seed)["loss"]
    predicted = np.asarray(model(x_te, training=False)) >= 0.5
    return {"test_accuracy": float(np.mean(predicted == (y_te >= 0.5))),
            "finite": bool(np.all(np.isfinite(losses))),
            "final_loss": float(losses[-1]) if np.isfinite(losses[-1]) else None}


def deep_sigmoid_model(batch_norm, depth, width, momentum, n_features=4, n_classes=3):
    """The deep sigmoid network of the BN gate: `depth` sigmoid layers of
    `width` units, with (``batch_norm`` a class) or without (None) batch
    normalization between each Dense (then without bias) and its sigmoid."""
    import keras

    stack = [keras.Input((n_features,))]
    for _ in range(depth):
        if batch_norm is None:
            stack.append(keras.layers.Dense(width, activation="sigmoid"))
        else:
            stack += [keras.layers.Dense(width, use_bias=False), batch_norm(momentum=momentum),
                      keras.layers.Activation("sigmoid")]
    stack.append(keras.layers.Dense(n_classes, activation="softmax"))
    return keras.Sequential(stack, name="deep_sigmoid")


def train_deep_sigmoid(batch_norm, seed, depth, width, momentum, learning_rate, epochs,
                       batch_size, data_seed=0):
    """Trains `deep_sigmoid_model` on Iris with SGD; returns the test
    accuracy (the moving statistics at work) and the final training loss."""
    import keras

    seeded(seed)
    (x_tr, y_tr), _, (x_te, y_te) = given("data").load_iris(seed=data_seed)
    model = deep_sigmoid_model(batch_norm, depth, width, momentum)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="categorical_crossentropy")
    losses = fit(model, x_tr, y_tr, epochs=epochs, batch_size=batch_size, seed=seed)["loss"]
    predicted = np.argmax(np.asarray(model(x_te, training=False)), axis=1)
    return {"test_accuracy": float(np.mean(predicted == np.argmax(y_te, axis=1))),
            "finite": bool(np.all(np.isfinite(losses))),
            "final_loss": float(losses[-1]) if np.isfinite(losses[-1]) else None}


def deep_sigmoid_gate(seed, depth, width, momentum, learning_rate, epochs, batch_size):
    """`train_deep_sigmoid` with the student's BatchNormalization."""
    return train_deep_sigmoid(_class("layers", "BatchNormalization"), seed, depth, width,
                              momentum, learning_rate, epochs, batch_size)


PROBES = {
    "generalization.dropout_calls": dropout_calls,
    "generalization.dropout_statistics": dropout_statistics,
    "generalization.dropout_seeding": dropout_seeding,
    "generalization.dropout_gradients": dropout_gradients,
    "generalization.batch_norm": batch_norm,
    "generalization.batch_norm_weights": batch_norm_weights,
    "generalization.penalty": penalty,
    "generalization.penalty_in_fit": penalty_in_fit,
    "generalization.roc": roc,
    "generalization.auc": auc,
    "generalization.roc_bad_arguments": roc_bad_arguments,
    "generalization.config_roundtrip": config_roundtrip,
    "generalization.bad_arguments": bad_arguments,
    "generalization.save_load": save_load,
    "generalization.titanic_gate": titanic_gate,
    "generalization.deep_sigmoid_gate": deep_sigmoid_gate,
}
