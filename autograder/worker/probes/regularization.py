"""Probes of the regularization lab (``dlkit.callbacks.EarlyStopping`` and
``dlkit.preprocessing``).

The early-stopping probes drive the student's callback through its hooks
with scripted ``logs`` (no training), or in a real ``fit``; the Titanic
probes run the student's preprocessing on the bundled CSV and report what
it produced, and the gate trains the Titanic model with both.
"""

import contextlib
import importlib
import math
import warnings
from pathlib import Path

import numpy as np

from ._common import given, outcomes
from ._training import fit, train_titanic

GRADER_DATASETS = Path(__file__).resolve().parents[3] / "datasets"

# -- helpers -------------------------------------------------------------------


def _early_stopping_class():
    return importlib.import_module("dlkit.callbacks").EarlyStopping


def _number_or_none(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


_MARKER_MODEL = []  # one compiled model per worker (building its metrics costs a step)


def _marker_model():
    """A compiled model whose metrics are built (``accuracy``, ``auc``, ``mae``).

    Its weights serve as markers: the scripted run fills every weight with
    the epoch number before that epoch's ``on_epoch_end``, so the restored
    weights say which epoch they come from.
    """
    import keras

    if not _MARKER_MODEL:
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="sgd", loss="binary_crossentropy",
                      metrics=["accuracy", "auc", "mae"])
        # One eager test step builds the compiled metrics (evaluate would
        # trace a function for it).
        model.test_step((np.zeros((2, 2), "float32"), np.zeros((2, 1), "float32")))
        _MARKER_MODEL.append(model)
    return _MARKER_MODEL[0]


def _set_marker(model, value):
    model.set_weights([np.full(w.shape, value, dtype=w.dtype) for w in model.get_weights()])


def _marker_of(weights):
    """The epoch a list of weights was filled with, or None (not a marker)."""
    if weights is None:
        return None
    try:
        flat = np.concatenate([np.asarray(w, dtype=np.float64).ravel() for w in weights])
    except (TypeError, ValueError):
        return "not a list of arrays"
    if flat.size == 0 or not np.all(flat == flat[0]):
        return "mixed"
    return _number_or_none(flat[0])


def _state(callback, model):
    return {
        "wait": _int_or_none(getattr(callback, "wait", None)),
        "best": _number_or_none(getattr(callback, "best", None)),
        "best_epoch": _int_or_none(getattr(callback, "best_epoch", None)),
        "stopped_epoch": _int_or_none(getattr(callback, "stopped_epoch", None)),
        "stop_training": bool(getattr(model, "stop_training", False)),
    }


def run_sequence(callback, model, monitor, values, other_logs=None):
    """Drives `callback` through one training of ``len(values)`` epochs.

    ``values[e]`` is ``logs[monitor]`` at the end of epoch ``e`` (None: the
    key is missing). Stops after the epoch that sets ``stop_training``, as
    ``fit`` does. Returns the state after every epoch, the marker of the
    restored weights and of ``best_weights``, and the warnings raised.
    """
    callback.set_model(model)
    model.stop_training = False
    _set_marker(model, -1.0)
    epochs, caught = [], []
    with warnings.catch_warnings(record=True) as recorded:
        warnings.simplefilter("always")
        callback.on_train_begin({})
        for epoch, value in enumerate(values):
            _set_marker(model, float(epoch))
            logs = dict(other_logs or {"loss": 1.0 + epoch})
            if value is not None:
                logs[monitor] = value
            callback.on_epoch_end(epoch, logs)
            epochs.append(_state(callback, model))
            if model.stop_training:
                break
        callback.on_train_end({})
        caught = [str(w.message) for w in recorded]
    return {
        "epochs": epochs,
        "restored": _marker_of(model.get_weights()),
        "best_weights": _marker_of(getattr(callback, "best_weights", None)),
        "warnings": caught,
    }


# -- early stopping ------------------------------------------------------------


def scripted_stopping(cases):
    """Runs a fresh ``EarlyStopping(**kwargs)`` on every scripted sequence.

    `cases` is a list of ``{"kwargs": ..., "sequences": [[value, ...], ...]}``.
    Returns, per case, one result per sequence (see `run_sequence`), or
    ``{"raised": type, "message": text}`` when the callback raised a
    ``ValueError`` (an ``"auto"`` mode it cannot resolve).
    """
    klass = _early_stopping_class()
    model = _marker_model()
    results = []
    for case in cases:
        kwargs = case["kwargs"]
        monitor = kwargs.get("monitor", "val_loss")
        runs = []
        for values in case["sequences"]:
            try:
                runs.append(run_sequence(klass(**kwargs), model, monitor, values))
            except ValueError as exc:
                runs.append({"raised": "ValueError", "message": str(exc)})
        results.append(runs)
    return results


def reused_instance(kwargs, sequences):
    """One instance for several trainings in a row (``on_train_begin`` resets it)."""
    klass = _early_stopping_class()
    model = _marker_model()
    callback = klass(**kwargs)
    return [run_sequence(callback, model, kwargs.get("monitor", "val_loss"), values)
            for values in sequences]


def _overfitting_data(seed):
    # 24 noisy training points and 64 validation points of the same rule:
    # a wide network fits the noise, and the validation loss turns upwards.
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(88, 4)).astype("float32")
    y = ((x[:, 0] + 0.5 * x[:, 1] + rng.normal(scale=1.0, size=88)) > 0).astype("float32")
    return (x[:24], y[:24, None]), (x[24:], y[24:, None])


def fit_restore(kwargs, epochs, seed=0, learning_rate=0.05):
    """Trains a small network that overfits, with the callback, in a real ``fit``.

    Returns the history, what the callback recorded, and which epoch's
    weights (recorded after every epoch) the model ends with.
    """
    import keras

    klass = _early_stopping_class()
    (x, y), (x_val, y_val) = _overfitting_data(seed)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy",
                  metrics=["accuracy"])
    snapshots = []
    spy = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    callback = klass(**kwargs)
    history = fit(model, x, y, batch_size=len(x), epochs=epochs, shuffle=False,
                  validation_data=(x_val, y_val), callbacks=[spy, callback])

    def epoch_of(weights):
        if weights is None:
            return None
        for epoch, snapshot in enumerate(snapshots):
            if len(snapshot) == len(weights) and all(
                    np.array_equal(a, np.asarray(b)) for a, b in zip(snapshot, weights)):
                return epoch
        return "none of the epochs"

    return {
        "val_loss": [_number_or_none(v) for v in history.get("val_loss", [])],
        "epochs_run": len(history.get("loss", [])),
        "stopped_epoch": _int_or_none(getattr(callback, "stopped_epoch", None)),
        "best_epoch": _int_or_none(getattr(callback, "best_epoch", None)),
        "wait": _int_or_none(getattr(callback, "wait", None)),
        "final_weights_epoch": epoch_of(model.get_weights()),
        "best_weights_epoch": epoch_of(getattr(callback, "best_weights", None)),
    }


def config_roundtrip(kwargs, sequence):
    """``get_config`` / ``from_config``, Keras (de)serialization, and the same
    stopping behaviour from all three copies."""
    import keras

    klass = _early_stopping_class()
    original = klass(**kwargs)
    config = original.get_config()
    restored = klass.from_config(config)
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(original))
    model = _marker_model()
    monitor = kwargs.get("monitor", "val_loss")
    runs = {name: run_sequence(cb, model, monitor, sequence)
            for name, cb in (("original", original), ("restored", restored),
                             ("revived", revived))}
    return {
        "config": {k: config[k] for k in sorted(config)},
        "registered_name": keras.saving.get_registered_name(klass),
        "revived_type": type(revived).__name__,
        "is_callback": isinstance(original, keras.callbacks.Callback),
        **{f"{name}_run": run for name, run in runs.items()},
    }


def bad_arguments(cases):
    """Constructs ``EarlyStopping(**case)`` for each case; reports what each raised."""
    klass = _early_stopping_class()  # an import error is an error, not a finding
    return outcomes(klass, cases)


# -- Titanic preprocessing -----------------------------------------------------


def _titanic_records():
    data = given("data")
    if data.__name__.startswith("dlkit.") and not (Path(data.DATASETS_DIR) / "titanic.csv").is_file():
        data.DATASETS_DIR = GRADER_DATASETS  # a submission ships src/ only
    records = data._parse_titanic(data._read_verified("titanic.csv", data.TITANIC_SHA256))
    labels = np.array([float(r["Survived"]) for r in records])
    return records, labels


def _split(labels, data_seed):
    data = given("data")
    return [np.asarray(part).tolist() for part in data._stratified_split(labels, data_seed)]


def _preprocess(records, splits):
    module = importlib.import_module("dlkit.preprocessing")
    (x_train, x_val, x_test), preprocessor = module.preprocess_titanic(records, *splits)
    return [np.asarray(x) for x in (x_train, x_val, x_test)], preprocessor


def _statistics(preprocessor):
    def floats(value):
        try:
            return [_number_or_none(v) for v in np.asarray(value, dtype=np.float64).ravel()]
        except (TypeError, ValueError):
            return None

    return {
        "age_median": _number_or_none(getattr(preprocessor, "age_median_", None)),
        "port_mode": str(getattr(preprocessor, "port_mode_", None)),
        "mean": floats(getattr(preprocessor, "mean_", None)),
        "std": floats(getattr(preprocessor, "std_", None)),
    }


def _summary(x, records, indices, head):
    x = np.asarray(x)
    finite = np.nan_to_num(np.asarray(x, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    imputed = [n for n, i in enumerate(indices) if not records[i]["Age"]
               or not records[i]["Embarked"]][:head]
    rows = lambda picks: finite[picks].tolist() if finite.ndim == 2 else []  # noqa: E731
    return {
        "shape": list(x.shape),
        "dtype": str(x.dtype),
        "nan": int(np.isnan(np.asarray(x, dtype=np.float64)).sum()),
        "head": rows(list(range(min(head, len(finite))))),
        "imputed_rows": imputed,
        "imputed": rows(imputed),
        "column_sums": finite.sum(axis=0).tolist() if finite.ndim == 2 else [],
        "column_sq_sums": (finite**2).sum(axis=0).tolist() if finite.ndim == 2 else [],
    }


def titanic_features(data_seed, head=12):
    """The student's features of the three splits, summarized, and the statistics.

    Per split: shape, dtype, NaN count, the first `head` rows, the rows
    with an imputed age or port (first `head`), and column sums and sums of
    squares (they catch any other row that differs).
    """
    records, labels = _titanic_records()
    splits = _split(labels, data_seed)
    features, preprocessor = _preprocess(records, splits)
    out = {"statistics": _statistics(preprocessor)}
    for name, x, indices in zip(("train", "val", "test"), features, splits):
        out[name] = _summary(x, records, indices, head)
    return out


def port_ties(rows, cases):
    """The student's ``TitanicPreprocessor`` fitted on the CSV rows `rows`
    with their ports replaced by those of each case (``""``: missing).

    Returns, per case, the fitted ``port_mode_`` and the port columns
    (``embarked_C``, ``embarked_Q``, ``embarked_S``) of `transform` on the
    same rows.
    """
    records, _ = _titanic_records()
    klass = importlib.import_module("dlkit.preprocessing").TitanicPreprocessor
    results = []
    for ports in cases:
        chosen = [{**records[i], "Embarked": port} for i, port in zip(rows, ports, strict=True)]
        preprocessor = klass().fit(chosen)
        x = np.asarray(preprocessor.transform(chosen), dtype=np.float64)
        results.append({
            "port_mode": str(getattr(preprocessor, "port_mode_", None)),
            "embarked": ([[_number_or_none(v) for v in row] for row in x[:, 7:10]]
                         if x.ndim == 2 else repr(x)[:200]),
        })
    return results


def _perturbed(records, splits):
    """A copy of `records` with every second validation and test row changed
    drastically (age, fare, port, class), and the positions left alone."""
    changed = [dict(r) for r in records]
    untouched = {}
    for name, indices in (("val", splits[1]), ("test", splits[2])):
        untouched[name] = []
        for position, i in enumerate(indices):
            if position % 2:
                untouched[name].append(position)
                continue
            r = changed[i]
            r["Age"] = "" if position % 4 == 0 else f"{float(r['Age'] or 30) * 3 + 40:g}"
            r["Fare"] = f"{float(r['Fare']) * 40 + 300:g}"
            r["Embarked"] = "Q" if position % 6 else ""
            r["Pclass"] = "1" if r["Pclass"] == "3" else "3"
    return changed, untouched


def _changed_rows(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return -1
    return int(np.sum(np.any(~np.isclose(a, b, rtol=1e-6, atol=1e-7, equal_nan=True), axis=1)))


def titanic_leak(data_seed):
    """Does information from the validation and test rows reach the features?

    Runs the student's ``preprocess_titanic`` twice: on the data, and with
    every second validation and test row perturbed drastically. Without a
    leak the fitted statistics and all training features stay the same.
    Then applies the fitted ``transform`` to the original and the perturbed
    validation and test rows: the untouched rows must keep their features,
    and a validation row transformed alone must get the features it gets
    among the others.
    """
    records, labels = _titanic_records()
    splits = _split(labels, data_seed)
    (x_train, _, _), pre = _preprocess(records, splits)
    stats = _statistics(pre)
    changed, untouched = _perturbed(records, splits)
    (y_train, _, _), pre2 = _preprocess(changed, splits)
    stats2 = _statistics(pre2)
    out = {
        "statistics_changed": sorted(k for k in stats if stats[k] != stats2[k]),
        "train_rows_changed": _changed_rows(x_train, y_train),
    }
    for name, indices in (("val", splits[1]), ("test", splits[2])):
        before = np.asarray(pre.transform([records[i] for i in indices]))
        after = np.asarray(pre.transform([changed[i] for i in indices]))
        keep = untouched[name]
        out[f"untouched_{name}_rows_changed"] = _changed_rows(before[keep], after[keep])
        if name == "val":
            alone = 0
            for position in range(0, len(indices), 7):  # every 7th row, alone
                single = np.asarray(pre.transform([records[indices[position]]]))
                alone += _changed_rows(before[position:position + 1], single) != 0
            out["rows_transformed_alone_differ"] = int(alone)
    return out


# -- the gate ------------------------------------------------------------------


@contextlib.contextmanager
def _student_titanic_loader():
    """The course's ``load_titanic`` built with the student's preprocessing.

    The given loader does not call ``dlkit.preprocessing`` (the earlier
    labs train on it), so the gate swaps in one that does: the same split
    and labels, the student's features.
    """
    data = given("data")  # the module the training helper loads from
    original = data.load_titanic

    def load_titanic(seed=0):
        records, labels = _titanic_records()
        splits = _split(labels, seed)
        features, _ = _preprocess(records, splits)
        y = labels.astype(np.float32)[:, None]
        return tuple((x.astype(np.float32), y[idx]) for x, idx in zip(features, splits))

    data.load_titanic = load_titanic
    try:
        yield
    finally:
        data.load_titanic = original


def titanic_gate(seed, data_seed=0, epochs=60, batch_size=64, learning_rate=0.003, patience=10):
    """Trains the Titanic MLP on the student's features with the student's
    ``EarlyStopping(patience=..., restore_best_weights=True)`` (Keras's
    binary cross-entropy and Adam).

    A preprocessing that leaks validation or test rows into the features
    makes the test accuracy meaningless: then nothing is trained and
    ``leak_free`` is False.
    """
    import keras

    leak = titanic_leak(data_seed)
    leak_free = (not leak["statistics_changed"] and leak["train_rows_changed"] == 0
                 and leak["untouched_val_rows_changed"] == 0
                 and leak["untouched_test_rows_changed"] == 0
                 and leak["rows_transformed_alone_differ"] == 0)
    if not leak_free:
        return {"test_accuracy": None, "leak_free": False, "leak": leak}
    stop = _early_stopping_class()(monitor="val_loss", patience=patience,
                                   restore_best_weights=True)
    with _student_titanic_loader():
        result = train_titanic(seed, loss="binary_crossentropy",
                               optimizer=keras.optimizers.Adam(learning_rate), epochs=epochs,
                               batch_size=batch_size, data_seed=data_seed, callbacks=[stop])
    return {"test_accuracy": result["test_accuracy"], "leak_free": True,
            "val_accuracy": result["val_accuracy"], "finite": result["finite"],
            "epochs_run": result["epochs_run"],
            "best_epoch": _int_or_none(getattr(stop, "best_epoch", None))}


PROBES = {
    "regularization.scripted_stopping": scripted_stopping,
    "regularization.reused_instance": reused_instance,
    "regularization.fit_restore": fit_restore,
    "regularization.config_roundtrip": config_roundtrip,
    "regularization.bad_arguments": bad_arguments,
    "regularization.titanic_features": titanic_features,
    "regularization.titanic_leak": titanic_leak,
    "regularization.port_ties": port_ties,
    "regularization.titanic_gate": titanic_gate,
}
