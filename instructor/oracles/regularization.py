"""Oracles of the regularization lab.

- Early stopping: ``keras.callbacks.EarlyStopping`` driven through the same
  scripted hooks (and replayed on the recorded validation losses of the real
  fits) must reproduce every reference output epoch by epoch.
- Titanic preprocessing: the features and statistics recomputed from the CSV
  with Python's ``csv`` and ``statistics`` modules (no dlkit code but the
  given split), from the training rows only.
- Tied ports: the port mode of rows whose most frequent ports are tied,
  counted with ``collections.Counter`` (the alphabetically first wins), and
  every row's one-hot port.
- The gate: the reference passes it, without a leak, and its run is
  consistent with patience 10 (``epochs_run = best_epoch + 11`` when it
  stopped early).
- Keras's own worked example of ``EarlyStopping`` (4 epochs run).
"""

import collections
import csv
import math
import statistics
import sys

import numpy as np

from autograder import REPO
from instructor.oracles import OracleMismatch, close

SOURCES = ["src/dlkit/callbacks.py", "src/dlkit/preprocessing.py"]

VERIFIED_AGAINST = ("keras.callbacks.EarlyStopping on the same scripted logs and on the "
                    "recorded validation losses; the Titanic features recomputed with the "
                    "csv and statistics modules from the training rows; Keras's "
                    "EarlyStopping docstring example")

LAB = "regularization"


def _probes():
    from autograder.worker.probes import regularization

    return regularization


def keras_run(kwargs, values, callback=None):
    """`values` through ``keras.callbacks.EarlyStopping(**kwargs)``, as the probe drives it."""
    import keras

    probes = _probes()
    callback = callback or keras.callbacks.EarlyStopping(**kwargs)
    return probes.run_sequence(callback, probes._marker_model(), kwargs.get("monitor", "val_loss"),
                               values)


def _same_run(name, oracle, out):
    if "raised" in out:
        raise OracleMismatch(f"{name}: the reference raised {out}, Keras ran {oracle}")
    for key in ("epochs", "restored", "best_weights"):
        if oracle[key] != out[key]:
            raise OracleMismatch(f"{name}: {key} {out[key]} != Keras {oracle[key]}")
    if len(oracle["warnings"]) != len(out["warnings"]):
        raise OracleMismatch(f"{name}: warnings {out['warnings']} != Keras {oracle['warnings']}")


def _verify_scripted(check, out):
    for case, runs in zip(check.args["cases"], out, strict=True):
        for values, run in zip(case["sequences"], runs, strict=True):
            name = f"{check.id} {case['kwargs']} {values}"
            try:
                oracle = keras_run(case["kwargs"], values)
            except ValueError:
                if run.get("raised") != "ValueError":
                    raise OracleMismatch(f"{name}: Keras raised ValueError, the reference "
                                         f"did not") from None
                continue
            _same_run(name, oracle, run)


def _verify_reused(check, out):
    import keras

    kwargs = check.args["kwargs"]
    # One Keras instance for every run, as the check reuses the student's:
    # from Keras 3.14 on_train_begin resets `best`. Before (Colab has 3.13)
    # a reused Keras instance carries the last run's best over, so there a
    # fresh instance per run stands for what a reset gives.
    fresh = not _resets_best_on_train_begin()
    callback = keras.callbacks.EarlyStopping(**kwargs)
    for values, run in zip(check.args["sequences"], out, strict=True):
        if fresh:
            callback = keras.callbacks.EarlyStopping(**kwargs)
        _same_run(f"{check.id} {values}", keras_run(kwargs, values, callback), run)


def _resets_best_on_train_begin():
    import keras

    callback = keras.callbacks.EarlyStopping()
    callback.best = 0.0
    callback.on_train_begin()
    return callback.best != 0.0


def _verify_fit(check, out):
    kwargs = check.args["kwargs"]
    replay = keras_run({**kwargs, "monitor": "val_loss"}, out["val_loss"])
    last = replay["epochs"][-1]
    if len(replay["epochs"]) != out["epochs_run"] or len(out["val_loss"]) != out["epochs_run"]:
        raise OracleMismatch(f"{check.id}: ran {out['epochs_run']} epochs, Keras stops after "
                             f"{len(replay['epochs'])}")
    for key in ("stopped_epoch", "best_epoch", "wait"):
        if last[key] != out[key]:
            raise OracleMismatch(f"{check.id}: {key} {out[key]} != Keras {last[key]}")
    if not last["stop_training"] or out["stopped_epoch"] == 0:
        raise OracleMismatch(f"{check.id}: the run did not stop early, the check tests nothing")
    if out["final_weights_epoch"] != replay["restored"] or \
            out["best_weights_epoch"] != replay["best_weights"]:
        raise OracleMismatch(f"{check.id}: restored epoch {out['final_weights_epoch']}, "
                             f"Keras restores {replay['restored']}")


CONTRACT_DEFAULTS = {"monitor": "val_loss", "min_delta": 0.0, "patience": 0, "mode": "auto",
                     "baseline": None, "restore_best_weights": False, "start_from_epoch": 0}


def _verify_config(check, out):
    kwargs = check.args["kwargs"]
    if out["config"] != {**CONTRACT_DEFAULTS, **kwargs}:
        raise OracleMismatch(f"{check.id}: config {out['config']} != the contract's arguments")
    if out["registered_name"] != "dlkit>EarlyStopping" or not out["is_callback"]:
        raise OracleMismatch(f"{check.id}: registered as {out['registered_name']}")
    _same_run(check.id, keras_run(kwargs, check.args["sequence"]), out["original_run"])


# -- Titanic -----------------------------------------------------------------------

SCALED = (0, 2, 4, 5, 6)  # pclass, age, sibsp, parch, log_fare in TITANIC_FEATURES order


def titanic_oracle(data_seed):
    """Features and statistics of split `data_seed`, from the CSV alone.

    Returns ``(statistics, {"train": rows, "val": rows, "test": rows}, splits)``.
    """
    if str(REPO / "src") not in sys.path:
        sys.path.insert(0, str(REPO / "src"))
    from dlkit.data import _stratified_split  # given code: the split, not the features

    with open(REPO / "datasets" / "titanic.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    labels = np.array([float(r["Survived"]) for r in rows])
    splits = [list(map(int, s)) for s in _stratified_split(labels, data_seed)]
    train = [rows[i] for i in splits[0]]
    median = statistics.median(float(r["Age"]) for r in train if r["Age"])
    counts = collections.Counter(r["Embarked"] for r in train if r["Embarked"])
    mode = min(p for p, n in counts.items() if n == max(counts.values()))

    def raw(r):
        port = r["Embarked"] or mode
        return [float(r["Pclass"]), float(r["Sex"] == "female"),
                float(r["Age"]) if r["Age"] else median, 0.0 if r["Age"] else 1.0,
                float(r["SibSp"]), float(r["Parch"]), math.log1p(float(r["Fare"])),
                float(port == "C"), float(port == "Q"), float(port == "S")]

    train_raw = [raw(r) for r in train]
    means = [statistics.fmean(row[c] for row in train_raw) for c in SCALED]
    stds = [statistics.pstdev([row[c] for row in train_raw]) for c in SCALED]

    def features(r):
        values = raw(r)
        for c, m, s in zip(SCALED, means, stds):
            values[c] = (values[c] - m) / s
        return values

    stats = {"age_median": median, "port_mode": mode, "mean": means, "std": stds}
    return stats, {name: [features(rows[i]) for i in idx]
                   for name, idx in zip(("train", "val", "test"), splits)}, splits, rows


def _verify_features(check, out):
    stats, features, splits, rows = titanic_oracle(check.args["data_seed"])
    close(f"{check.id} age_median", [stats["age_median"]], [out["statistics"]["age_median"]], 0)
    if out["statistics"]["port_mode"] != stats["port_mode"]:
        raise OracleMismatch(f"{check.id}: port mode {out['statistics']['port_mode']}")
    close(f"{check.id} mean", stats["mean"], out["statistics"]["mean"], 1e-12)
    close(f"{check.id} std", stats["std"], out["statistics"]["std"], 1e-12)
    head = check.args["head"]
    for (name, x), idx in zip(features.items(), splits):
        part = out[name]
        x = np.asarray(x)
        if part["shape"] != list(x.shape) or part["dtype"] != "float32" or part["nan"]:
            raise OracleMismatch(f"{check.id} {name}: {part['shape']} {part['dtype']}")
        close(f"{check.id} {name} head", x[:head], part["head"], 1e-6, 1e-6)
        imputed = [n for n, i in enumerate(idx) if not rows[i]["Age"] or not rows[i]["Embarked"]]
        if part["imputed_rows"] != imputed[:head]:
            raise OracleMismatch(f"{check.id} {name}: imputed rows {part['imputed_rows']}")
        close(f"{check.id} {name} imputed", x[imputed[:head]], part["imputed"], 1e-6, 1e-6)
        close(f"{check.id} {name} sums", x.sum(axis=0), part["column_sums"], 1e-5, 1e-4)
        close(f"{check.id} {name} squares", (x**2).sum(axis=0), part["column_sq_sums"], 1e-5,
              1e-4)
    if any(abs(m) > 1e-9 for m in np.asarray(features["train"])[:, list(SCALED)].mean(axis=0)):
        raise OracleMismatch(f"{check.id}: the training features are not centred")


def _verify_leak(check, out):
    if out != {"statistics_changed": [], "train_rows_changed": 0,
               "untouched_val_rows_changed": 0, "untouched_test_rows_changed": 0,
               "rows_transformed_alone_differ": 0}:
        raise OracleMismatch(f"{check.id}: the reference leaks: {out}")


def _verify_port_ties(check, out):
    for ports, result in zip(check.args["cases"], out, strict=True):
        counts = collections.Counter(p for p in ports if p)
        top = max(counts.values())
        if sum(n == top for n in counts.values()) < 2:
            raise OracleMismatch(f"{check.id} {ports}: no tie for the most frequent port")
        mode = min(p for p, n in counts.items() if n == top)
        onehot = [[float((p or mode) == port) for port in ("C", "Q", "S")] for p in ports]
        if result != {"port_mode": mode, "embarked": onehot}:
            raise OracleMismatch(f"{check.id} {ports}: reference {result} != oracle "
                                 f"{mode!r}, {onehot}")


def _verify_gate(check, out):
    from autograder.checks.regularization import GATE_THRESHOLD

    if not out["leak_free"] or not out["finite"]:
        raise OracleMismatch(f"{check.id}: {out}")
    if out["test_accuracy"] < GATE_THRESHOLD:
        raise OracleMismatch(f"{check.id}: the reference fails its own gate: {out}")
    correct = out["test_accuracy"] * 179
    if abs(correct - round(correct)) > 1e-6:
        raise OracleMismatch(f"{check.id}: {out['test_accuracy']} is not k / 179")
    stopped_early = out["epochs_run"] < 60
    if stopped_early and out["epochs_run"] != out["best_epoch"] + 11:
        raise OracleMismatch(f"{check.id}: stopped after {out['epochs_run']} epochs, best "
                             f"epoch {out['best_epoch']}: not patience 10")


VERIFIERS = {
    "regularization.scripted_stopping": _verify_scripted,
    "regularization.reused_instance": _verify_reused,
    "regularization.fit_restore": _verify_fit,
    "regularization.config_roundtrip": _verify_config,
    "regularization.titanic_features": _verify_features,
    "regularization.titanic_leak": _verify_leak,
    "regularization.port_ties": _verify_port_ties,
    "regularization.titanic_gate": _verify_gate,
}


def verify(checks, outputs):
    """Checks every regularization reference output against the oracles."""
    verified = 0
    for check in checks:
        if check.lab != LAB:
            continue
        out = outputs[(check.lab, check.hidden)][check.id]
        if check.probe == "regularization.bad_arguments":
            if any(r["raised"] != "ValueError" for r in out):
                raise OracleMismatch(f"{check.id}: {out}")
        else:
            VERIFIERS[check.probe](check, out)
        verified += 1
    return verified


def verify_lecture_examples(src):
    """Keras's EarlyStopping docstring example, run with the reference
    callback: ``EarlyStopping(monitor="loss", patience=3)`` stops a
    10-epoch fit after 4 epochs."""
    import keras

    sys.path.insert(0, str(src))
    from dlkit.callbacks import EarlyStopping

    keras.utils.set_random_seed(0)
    model = keras.models.Sequential([keras.layers.Dense(10)])
    model.compile(keras.optimizers.SGD(), loss="mse")
    history = model.fit(np.arange(100).reshape(5, 20), np.zeros(5), epochs=10, batch_size=1,
                        callbacks=[EarlyStopping(monitor="loss", patience=3)], verbose=0)
    if len(history.history["loss"]) != 4:
        raise OracleMismatch(f"Keras's example: {len(history.history['loss'])} epochs, not 4")
    return 1
