"""Probes of the schedules lab (``dlkit.callbacks``)."""

import importlib
import os
import tempfile
import types

import numpy as np

from ._common import outcomes
from ._training import fit

# The optimizer's rate before any callback ran: a value no schedule produces,
# so the grader can say "the callback never set the rate".
SENTINEL_RATE = 123.0


def _callback_class(name):
    return getattr(importlib.import_module("dlkit.callbacks"), name)


def _read(variable):
    import keras

    return float(keras.ops.convert_to_numpy(variable))


def _finite_or_none(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def scripted_hooks(cls, kwargs, epochs, batches_per_epoch, start_iteration=0):
    """Drives the callback's hooks as ``fit`` would, without training.

    Returns the optimizer's rate before every batch (``batch_rates``, one
    per global iteration) and ``logs["learning_rate"]`` after every epoch.
    """
    import keras

    callback = _callback_class(cls)(**kwargs)
    optimizer = keras.optimizers.SGD(learning_rate=SENTINEL_RATE)
    optimizer.iterations.assign(start_iteration)
    callback.set_model(types.SimpleNamespace(optimizer=optimizer, stop_training=False))
    batch_rates, epoch_logs = [], []
    callback.on_train_begin({})
    for epoch in range(epochs):
        callback.on_epoch_begin(epoch, {})
        for batch in range(batches_per_epoch):
            callback.on_train_batch_begin(batch, {})
            batch_rates.append(_read(optimizer.learning_rate))
            optimizer.iterations.assign_add(1)
            callback.on_train_batch_end(batch, {"loss": 0.0})
        logs = {"loss": 0.0}
        callback.on_epoch_end(epoch, logs)
        epoch_logs.append(_finite_or_none(logs.get("learning_rate")))
    callback.on_train_end({})
    return {"batch_rates": batch_rates, "epoch_logs": epoch_logs}


_PROBE_MODEL = []  # one compiled probe model per worker (tracing costs more than fitting)


def _probe_model(keras):
    # One float64 weight w, input x = 1 and loss = mean(y_pred) = w: the
    # gradient is exactly 1, so SGD moves w by -lr and the rate each batch
    # used can be read back from the weight. The model is built once per
    # worker and reset before each use; if a callback left the optimizer in
    # a state a reset cannot undo (its rate no longer a variable), rebuild.
    if _PROBE_MODEL:
        model = _PROBE_MODEL[0]
        optimizer = model.optimizer
        if isinstance(getattr(optimizer, "_learning_rate", None), keras.Variable):
            model.layers[0].kernel.assign(np.zeros((1, 1)))
            optimizer.iterations.assign(0)
            optimizer.learning_rate = SENTINEL_RATE
            return model
        _PROBE_MODEL.clear()
    model = keras.Sequential([
        keras.Input((1,), dtype="float64"),
        keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros", dtype="float64"),
    ])
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=SENTINEL_RATE),
        loss=lambda y_true, y_pred: y_pred[:, 0],
    )
    _PROBE_MODEL.append(model)
    return model


def fit_rates(cls, kwargs, epochs, n_samples, batch_size):
    """Trains a probe model with the callback in a real ``fit``.

    Returns the rate the optimizer actually applied to every batch
    (recovered from the weight change), and ``history["learning_rate"]``.
    """
    import keras

    model = _probe_model(keras)
    weights = []
    spy = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: weights.append(
            float(np.asarray(model.layers[0].kernel.numpy()).ravel()[0])
        )
    )
    x = np.ones((n_samples, 1))
    history = fit(model, x, np.zeros((n_samples, 1)), batch_size=batch_size, epochs=epochs,
                  shuffle=False, callbacks=[_callback_class(cls)(**kwargs), spy])
    previous = np.concatenate([[0.0], weights[:-1]])
    applied = (previous - np.asarray(weights)).tolist()
    logged = [_finite_or_none(v) for v in history.get("learning_rate", [])]
    return {"applied_rates": applied, "logged_rates": logged}


def config_roundtrip(cls, kwargs, steps):
    """``get_config`` / ``from_config`` and Keras (de)serialization."""
    import keras

    klass = _callback_class(cls)
    original = klass(**kwargs)
    config = original.get_config()
    restored = klass.from_config(config)
    serialized = keras.saving.serialize_keras_object(original)
    revived = keras.saving.deserialize_keras_object(serialized)
    return {
        "config": {k: config[k] for k in sorted(config)},
        "registered_name": keras.saving.get_registered_name(klass),
        "revived_type": type(revived).__name__,
        "rates": [float(original.schedule(s)) for s in range(steps)],
        "restored_rates": [float(restored.schedule(s)) for s in range(steps)],
        "revived_rates": [float(revived.schedule(s)) for s in range(steps)],
    }


def save_load(cls, kwargs, epochs, more_epochs):
    """Trains a small model with the callback, saves it to ``.keras``,
    loads it, and trains both copies further with a callback rebuilt from
    its config. Returns what must survive the round trip."""
    import keras

    klass = _callback_class(cls)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = rng.normal(size=(32, 1)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=SENTINEL_RATE), loss="mse")
    callback = klass(**kwargs)
    fit(model, x, y, batch_size=8, epochs=epochs, shuffle=False, callbacks=[callback])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, custom_objects={cls: klass}, compile=True,
                                         safe_mode=True)
    result = {
        "rate": _read(model.optimizer.learning_rate),
        "loaded_rate": _read(loaded.optimizer.learning_rate),
        "iterations": int(_read(model.optimizer.iterations)),
        "loaded_iterations": int(_read(loaded.optimizer.iterations)),
        "weights_equal": all(
            np.array_equal(a, b) for a, b in zip(model.get_weights(), loaded.get_weights())
        ),
    }
    for key, which in (("next_rates", model), ("loaded_next_rates", loaded)):
        history = fit(which, x, y, batch_size=8, initial_epoch=epochs, epochs=epochs + more_epochs,
                      shuffle=False, callbacks=[klass.from_config(callback.get_config())])
        result[key] = [_finite_or_none(v) for v in history.get("learning_rate", [])]
    return result


def bad_arguments(cls, cases):
    """Constructs the callback with each set of bad arguments in `cases`;
    reports what each raised."""
    klass = _callback_class(cls)  # an import error is an error, not a finding
    return outcomes(klass, cases)


PROBES = {
    "schedules.scripted_hooks": scripted_hooks,
    "schedules.fit_rates": fit_rates,
    "schedules.config_roundtrip": config_roundtrip,
    "schedules.save_load": save_load,
    "schedules.bad_arguments": bad_arguments,
}
