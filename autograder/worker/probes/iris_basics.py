"""Probes of the iris_basics lab (``dlkit.data``, ``dlkit.training``,
``dlkit.metrics``): batches and epochs, a hand-written training loop, and
classification metrics. Each returns what the student's code produced."""

import importlib
from pathlib import Path

import numpy as np

from ._common import given, outcomes
from ._training import seeded

# The grader's own copy of the bundled data (a submission holds src/ only).
GRADER_DATASETS = Path(__file__).resolve().parents[3] / "datasets"
MAX_EXTRA_BATCHES = 5  # a generator that never stops is cut off here


def _module(name):
    return importlib.import_module(f"dlkit.{name}")


def _plain(value):
    """`value` as JSON-able Python data (numbers, nested lists), or a repr."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - whatever it is, show it
        return repr(value)[:200]
    if array.dtype.kind in "biuf" and array.ndim > 0:
        return array.tolist()
    if array.dtype.kind in "biuf":
        return array.item()
    return repr(value)[:200]


def _type_name(value):
    return type(value).__name__


# -- task iterations ------------------------------------------------------------
def iterations(cases, epochs=None):
    """``iterations_per_epoch(n, b)`` for every ``[n, b]`` in `cases`, the
    Python type of each result, and ``epochs * result`` when `epochs` is given."""
    fn = _module("data").iterations_per_epoch
    results = [fn(n, b) for n, b in cases]
    out = {"values": [_plain(v) for v in results], "types": [_type_name(v) for v in results]}
    if epochs is not None:
        out["updates"] = [_plain(epochs * v) for v in results]
    return out


def iteration_errors(cases):
    """Calls ``iterations_per_epoch(**kwargs)`` for each bad case; reports
    what each raised."""
    fn = _module("data").iterations_per_epoch  # an import error is an error, not a finding
    return outcomes(fn, cases)


# -- task minibatches -----------------------------------------------------------
def _epoch(generator, n_samples):
    batches = []
    for batch in generator:
        array = np.asarray(batch)
        batches.append(array.reshape(-1).tolist() if array.dtype.kind in "biuf"
                       else repr(batch)[:200])
        if len(batches) > n_samples + MAX_EXTRA_BATCHES:
            break
    return batches


def minibatches(n_samples, batch_size, seed, shuffle=True, epochs=1):
    """The batches of ``minibatch_indices``: twice with the int `seed`
    (``batches``, ``again``), and for `epochs` epochs drawing from one
    ``np.random.default_rng(seed)`` Generator (``epochs``)."""
    fn = _module("data").minibatch_indices
    first = _epoch(fn(n_samples, batch_size, seed=seed, shuffle=shuffle), n_samples)
    again = _epoch(fn(n_samples, batch_size, seed=seed, shuffle=shuffle), n_samples)
    rng = np.random.default_rng(seed)
    per_epoch = [_epoch(fn(n_samples, batch_size, seed=rng, shuffle=shuffle), n_samples)
                 for _ in range(epochs)]
    return {"batches": first, "again": again, "epochs": per_epoch}


# -- task training --------------------------------------------------------------
def build_model(spec):
    """A small float32 MLP with weights drawn from ``spec["weights_seed"]``.

    `spec`: ``{"inputs": 4, "layers": [[units, activation], ...],
    "weights_seed": 0}``. A layer ``["BatchNormalization", {kwargs}]``
    (not the last) adds ``keras.layers.BatchNormalization(**kwargs)``; its
    weights are drawn like the others, its moving variance as
    ``exp(draw)`` (positive). Shared with the oracle, which trains the same
    model with Keras.
    """
    import keras

    layers = [keras.Input((spec["inputs"],))]
    for first, second in spec["layers"]:
        if first == "BatchNormalization":
            layers.append(keras.layers.BatchNormalization(**second))
        else:
            layers.append(keras.layers.Dense(first, activation=second))
    model = keras.Sequential(layers)
    rng = np.random.default_rng(spec["weights_seed"])
    weights = []
    for variable in model.weights:
        value = rng.normal(0.0, 0.5, size=tuple(variable.shape))
        if variable.name == "moving_variance":
            value = np.exp(value)
        weights.append(value.astype("float32"))
    model.set_weights(weights)
    return model


def moving_statistics(model):
    """Positions of the non-trainable weights (BatchNormalization's moving
    mean and variance) in `flat_weights` of `model`."""
    positions, start = [], 0
    for variable in model.weights:
        size = int(np.prod(variable.shape))
        if not variable.trainable:
            positions += range(start, start + size)
        start += size
    return positions


def make_data(spec, n_samples, data_seed):
    """Features ``(n, inputs)`` and one-hot labels ``(n, classes)``, float32."""
    rng = np.random.default_rng(data_seed)
    x = rng.normal(size=(n_samples, spec["inputs"])).astype("float32")
    classes = spec["layers"][-1][0]
    y = np.eye(classes, dtype="float32")[rng.integers(0, classes, size=n_samples)]
    return x, y


def make_optimizer(spec):
    """``{"name": "SGD", "kwargs": {...}}`` -> a fresh Keras optimizer."""
    import keras

    return getattr(keras.optimizers, spec["name"])(**spec["kwargs"])


def flat_weights(model):
    return np.concatenate([np.asarray(w, dtype=np.float64).ravel()
                           for w in model.get_weights()]).tolist()


def _scalar(value):
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return repr(value)[:200]
    if array.size != 1:
        return repr(value)[:200]
    value = float(array.reshape(()))
    return value if np.isfinite(value) else None


def train_step(model, optimizer, n_samples, data_seed, steps=1):
    """`steps` calls of the student's ``train_step`` on one batch (eager).

    Returns the loss each call returned, the weights before and after and,
    for a model with BatchNormalization, the positions of its moving
    statistics among the weights (``"moving"``).
    """
    import keras

    net = build_model(model)
    x, y = make_data(model, n_samples, data_seed)
    opt = make_optimizer(optimizer)
    loss_fn = keras.losses.CategoricalCrossentropy()
    initial = flat_weights(net)
    step = _module("training").train_step
    losses = [_scalar(step(net, loss_fn, opt, x, y)) for _ in range(steps)]
    out = {"losses": losses, "initial": initial, "weights": flat_weights(net)}
    moving = moving_statistics(net)
    if moving:
        out["moving"] = moving
    return out


def fit(model, optimizer, n_samples, data_seed, batch_size, epochs, seed, shuffle=True):
    """The student's ``fit_loop`` on a small model: its per-epoch losses and
    the final weights."""
    import keras

    net = build_model(model)
    x, y = make_data(model, n_samples, data_seed)
    history = _module("training").fit_loop(
        net, keras.losses.CategoricalCrossentropy(), make_optimizer(optimizer), x, y,
        batch_size=batch_size, epochs=epochs, seed=seed, shuffle=shuffle)
    losses = history.get("loss") if isinstance(history, dict) else None
    return {"loss": [_scalar(v) for v in losses] if isinstance(losses, list) else
            repr(history)[:200],
            "weights": flat_weights(net)}


def trained_iris(seed, epochs=60, batch_size=16, learning_rate=0.01):
    """Gate: ``iris_mlp`` trained with the student's ``fit_loop``
    (categorical cross-entropy, Adam) on the labs' split; raw metrics."""
    import keras

    seeded(seed)
    data = given("data")
    if data.__name__.startswith("dlkit.") and not (Path(data.DATASETS_DIR) / "iris.csv").is_file():
        data.DATASETS_DIR = GRADER_DATASETS  # the submission ships src/ only
    (x_tr, y_tr), _, (x_te, y_te) = data.load_iris(seed=0)
    model = given("models").iris_mlp()
    history = _module("training").fit_loop(
        model, keras.losses.CategoricalCrossentropy(),
        keras.optimizers.Adam(learning_rate=learning_rate), x_tr, y_tr,
        batch_size=batch_size, epochs=epochs, seed=seed)
    losses = [_scalar(v) for v in history.get("loss", [])] if isinstance(history, dict) else []

    def accuracy(x, y):
        predicted = np.argmax(np.asarray(model(x, training=False)), axis=1)
        return float(np.mean(predicted == np.argmax(y, axis=1)))

    return {"test_accuracy": accuracy(x_te, y_te), "train_accuracy": accuracy(x_tr, y_tr),
            "final_loss": losses[-1] if losses else None,
            "finite": bool(losses) and all(isinstance(v, float) for v in losses)}


# -- task metrics ---------------------------------------------------------------
def metric(name, y_true, y_pred, n_classes=None):
    """``dlkit.metrics.<name>(y_true, y_pred[, n_classes])`` on fixed labels."""
    fn = getattr(_module("metrics"), name)
    kwargs = {} if name == "accuracy" else {"n_classes": n_classes}
    value = fn(np.asarray(y_true), np.asarray(y_pred), **kwargs)
    return {"value": _plain(value), "type": _type_name(value)}


PROBES = {
    "iris_basics.iterations": iterations,
    "iris_basics.iteration_errors": iteration_errors,
    "iris_basics.minibatches": minibatches,
    "iris_basics.train_step": train_step,
    "iris_basics.fit": fit,
    "iris_basics.trained_iris": trained_iris,
    "iris_basics.metric": metric,
}
