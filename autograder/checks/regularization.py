"""Public checks of the regularization lab (``dlkit.preprocessing`` and
``dlkit.callbacks.EarlyStopping``).

Tasks: ``preprocessing`` (the Titanic features, fitted on the training split
only), ``early_stopping`` (the callback, against scripted ``logs`` and in a
real ``fit``) and ``titanic`` (the gate: test accuracy of the Titanic model
trained with both). The builders below are reused by the hidden variants.
"""

import math
from functools import partial

from autograder.core import compare
from autograder.core.catalog import Check

LAB = "regularization"
# The notebook's tasks in order; a check id's second part names one (see core/catalog.py).
TASKS = ("preprocessing", "early_stopping", "titanic")
# The files of src/dlkit this lab's student writes in (and their given code).
MODULES = ("callbacks.py", "preprocessing.py")

# The gate: test accuracy of the Titanic MLP (Adam(0.003), batch size 64, at most 60
# epochs, EarlyStopping(patience=10, restore_best_weights=True)) on a fixed split. Chosen from
# `python -m instructor.measure.gates --lab regularization`: the reference's lowest
# test accuracy over the measured seeds is above it, and the broken
# solutions (rows out of order, an untrained or one-class model, leaky
# preprocessing) stay below it or are refused.
GATE_THRESHOLD = 0.74
# Majority-class accuracy of the test split (110 of 179 did not survive).
MAJORITY_RATE = 110 / 179

STATE_FIELDS = ("wait", "best", "best_epoch", "stopped_epoch", "stop_training")


def describe(kwargs):
    return f"EarlyStopping({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


# -- early stopping comparisons ---------------------------------------------------


def _same(expected, got):
    if isinstance(expected, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return math.isclose(expected, got, rel_tol=1e-9, abs_tol=1e-12)
    return expected == got


def _compare_run(expected, got, where, monitor):
    """(passed, message) for one scripted training (see probes.run_sequence)."""
    if "raised" in expected:
        if not isinstance(got, dict) or got.get("raised") != expected["raised"]:
            return False, (f"{where}: expected {expected['raised']} (mode='auto' cannot tell "
                           f"the direction of {monitor!r}), got a run without an error")
        if "monitor" not in got.get("message", ""):
            return False, f"{where}: the ValueError must name `monitor`: {got.get('message')!r}"
        return True, ""
    if not isinstance(got, dict) or "epochs" not in got:
        raised = got.get("message", "") if isinstance(got, dict) else got
        return False, f"{where}: expected a training run, got {raised!r}"
    want, have = expected["epochs"], got["epochs"]
    for epoch, (e, g) in enumerate(zip(want, have)):
        for field in STATE_FIELDS:
            if not _same(e[field], g.get(field)):
                return False, (f"{where}, after epoch {epoch}: {field} expected "
                               f"{e[field]!r}, got {g.get(field)!r}")
    if len(have) != len(want):
        stop = len(want) - 1
        if len(have) > len(want):
            return False, (f"{where}: expected stop_training after epoch {stop}, "
                           f"training went on to epoch {len(have) - 1}")
        return False, (f"{where}: training stopped after epoch {len(have) - 1}, expected it "
                       f"to run to epoch {stop}")
    for field, what in (("restored", "the model's weights after on_train_end are those of "
                                      "epoch"),
                        ("best_weights", "best_weights holds the weights of epoch")):
        if not _same(expected[field], got.get(field)):
            detail = ""
            if (field == "restored" and have and isinstance(have[-1], dict)
                    and not have[-1].get("stop_training")
                    and _same(float(len(have) - 1), got.get(field))):
                detail = (" - training ended without a stop: the best weights come back "
                          "all the same")
            return False, (f"{where}: {what} {got.get(field)!r}, expected "
                           f"{expected[field]!r} (-1: the weights before training, "
                           "None: not kept)" + detail)
    n_want, n_got = len(expected["warnings"]), len(got.get("warnings", []))
    if n_want != n_got:
        return False, (f"{where}: expected {n_want} warnings (one per epoch whose logs lack "
                       f"{monitor!r}), got {n_got}")
    for message in got.get("warnings", []):
        if monitor not in message:
            return False, f"{where}: a warning does not name {monitor!r}: {message!r}"
    return True, ""


def _scripted(expected, got, cases):
    if not isinstance(got, list) or len(got) != len(expected):
        return False, f"expected results for {len(expected)} configurations, got {got!r:.200}"
    n = 0
    for case, want_runs, got_runs in zip(cases, expected, got):
        kwargs = case["kwargs"]
        monitor = kwargs.get("monitor", "val_loss")
        for k, (values, want, have) in enumerate(zip(case["sequences"], want_runs, got_runs)):
            where = f"{describe(kwargs)}, sequence {k} {values}"
            ok, message = _compare_run(want, have, where, monitor)
            if not ok:
                return False, message
            n += 1
    return True, f"all {n} scripted trainings match keras.callbacks.EarlyStopping epoch by epoch"


def _reused(expected, got, kwargs, sequences):
    if not isinstance(got, list) or len(got) != len(expected):
        return False, f"expected {len(expected)} trainings, got {got!r:.200}"
    for k, (values, want, have) in enumerate(zip(sequences, expected, got)):
        where = f"{describe(kwargs)} reused, training {k} {values}"
        ok, message = _compare_run(want, have, where, kwargs.get("monitor", "val_loss"))
        if not ok:
            return False, message + " (does on_train_begin reset the state?)"
    return True, f"one instance serves {len(got)} trainings: on_train_begin resets it"


def _fit(expected, got):
    ok, message = compare.mapping(expected, got, keys=["epochs_run", "stopped_epoch",
                                                       "best_epoch", "wait"])
    if not ok:
        return False, message
    for key, what in (("final_weights_epoch", "after fit the model has the weights of epoch"),
                      ("best_weights_epoch", "best_weights are the weights of epoch")):
        if got.get(key) != expected[key]:
            return False, f"{what} {got.get(key)!r}, expected {expected[key]!r}"
    return True, (f"stopped after epoch {got['stopped_epoch']} and restored the weights of "
                  f"epoch {got['final_weights_epoch']}, the best")


def _config(expected, got):
    ok, msg = compare.mapping(expected, got, keys=["config", "registered_name", "revived_type",
                                                   "is_callback"])
    if not ok:
        return ok, msg
    for key in ("restored_run", "revived_run"):
        if got.get(key) != got.get("original_run"):
            return False, f"a callback rebuilt from get_config() stops differently ({key})"
    return True, "get_config() round-trips and the class is registered as " + got["registered_name"]


def scripted_check(task, what, cases, points, description, hidden=False):
    return Check(f"{LAB}.{task}.{what}", points, "regularization.scripted_stopping",
                 {"cases": cases}, partial(_scripted, cases=cases), description, hidden)


def fit_check(what, kwargs, epochs, seed, learning_rate, points=2, hidden=False):
    return Check(f"{LAB}.early_stopping.{what}", points,
                 "regularization.fit_restore",
                 {"kwargs": kwargs, "epochs": epochs, "seed": seed,
                  "learning_rate": learning_rate},
                 _fit, f"{describe(kwargs)} in a real fit of an overfitting network: stop "
                       "epoch and restored weights", hidden)


def reuse_check(what, kwargs, sequences, points=1, hidden=False):
    return Check(f"{LAB}.early_stopping.{what}", points,
                 "regularization.reused_instance", {"kwargs": kwargs, "sequences": sequences},
                 partial(_reused, kwargs=kwargs, sequences=sequences),
                 f"{describe(kwargs)}: one instance used for {len(sequences)} trainings", hidden)


# -- Titanic preprocessing comparisons --------------------------------------------

FEATURES = ("pclass", "is_female", "age", "age_missing", "sibsp", "parch", "log_fare",
            "embarked_C", "embarked_Q", "embarked_S")


def _matrix(expected, got, split, key, rows_label, names=None):
    if not isinstance(got, list) or len(got) != len(expected):
        return False, (f"{split}: expected {len(expected)} {rows_label}, got "
                       f"{len(got) if isinstance(got, list) else got!r}")
    for r, (e_row, g_row) in enumerate(zip(expected, got)):
        if not isinstance(g_row, list) or len(g_row) != len(e_row):
            return False, f"{split} {key} {r}: expected {len(e_row)} values, got {g_row!r:.80}"
        for c, (e, g) in enumerate(zip(e_row, g_row)):
            if not math.isclose(e, g, rel_tol=1e-5, abs_tol=1e-5):
                row = names[r] if names else r
                return False, (f"{split} {key} {row}, feature {FEATURES[c]!r}: expected "
                               f"{e:.6g}, got {g:.6g}")
    return True, ""


def _features(expected, got):
    if not isinstance(got, dict):
        return False, f"expected a dict, got {type(got).__name__}"
    for split in ("train", "val", "test"):
        e, g = expected[split], got.get(split) or {}
        if g.get("shape") != e["shape"]:
            return False, f"{split} features: expected shape {e['shape']}, got {g.get('shape')}"
        if g.get("dtype") != e["dtype"]:
            return False, f"{split} features: expected dtype {e['dtype']}, got {g.get('dtype')}"
        if g.get("nan"):
            return False, f"{split} features: {g['nan']} NaN values (every value must be imputed)"
        sums = [_matrix([e[key]], [g.get(key)], split, key, "values")
                for key in ("column_sums", "column_sq_sums")]
        ok, msg = _matrix(e["head"], g.get("head"), split, "row", "rows")
        if not ok:
            if all(s[0] for s in sums):
                return False, (f"{split}: the rows hold the right values in another order "
                               f"({msg}): row k must be the features of records[indices[k]], "
                               "in the order of the index array, to stay paired with the labels")
            return False, msg
        ok, msg = _matrix(e["imputed"], g.get("imputed"), split, "row", "imputed rows",
                          names=[f"{n} (imputed age or port)" for n in e["imputed_rows"]])
        if not ok:
            return False, msg
        for (ok, msg), key in zip(sums, ("column_sums", "column_sq_sums")):
            if not ok:
                return False, msg.replace(f"{key} 0,", f"{key.replace('_', ' ')},")
    return True, "features of all three splits match (shape, float32, no NaN, values, order)"


def _statistics(expected, got):
    e, g = expected["statistics"], (got or {}).get("statistics") or {}
    for key, what in (("age_median", "age_median_ (median of the training ages)"),
                      ("port_mode", "port_mode_ (most frequent training port)")):
        if not _same(e[key], g.get(key)):
            return False, f"{what}: expected {e[key]!r}, got {g.get(key)!r}"
    for key in ("mean", "std"):
        ok, msg = compare.sequence(e[key], g.get(key), label="feature", what=f"{key}_ values",
                                   rtol=1e-6)
        if not ok:
            return False, f"{key}_ (order: pclass, age, sibsp, parch, log_fare): {msg}"
    return True, "age median, port mode, means and standard deviations are the training split's"


def _no_leak(expected, got):
    if not isinstance(got, dict):
        return False, f"expected a dict, got {type(got).__name__}"
    if got.get("statistics_changed"):
        return False, ("changing validation and test rows changed the fitted "
                       f"{', '.join(got['statistics_changed'])}: fit on the training rows only")
    for key, what in (("train_rows_changed", "training rows"),
                      ("untouched_val_rows_changed", "unchanged validation rows"),
                      ("untouched_test_rows_changed", "unchanged test rows")):
        if got.get(key) != 0:
            return False, (f"changing other validation and test rows changed the features of "
                           f"{got.get(key)} {what}: a statistic comes from the rows being "
                           "transformed")
    if got.get("rows_transformed_alone_differ") != 0:
        return False, (f"{got.get('rows_transformed_alone_differ')} validation rows get other "
                       "features when transformed alone: transform must only apply the "
                       "fitted statistics")
    return True, "no information from the validation or test rows reaches the features"


def _ports_shown(ports):
    return ", ".join(port or "missing" for port in ports)


def _tie(ports):
    """``"C and Q occur 2 times each"`` for the ports tied for the most frequent."""
    known = [port for port in ports if port]
    top = max(known.count(port) for port in known)
    tied = sorted({port for port in known if known.count(port) == top})
    return f"{' and '.join(tied)} occur {top} time{'s' if top > 1 else ''} each"


def _port_ties(expected, got, cases):
    if not isinstance(got, list) or len(got) != len(expected):
        return False, f"expected results for {len(expected)} sets of ports, got {got!r:.200}"
    for ports, want, have in zip(cases, expected, got):
        where = f"ports {_ports_shown(ports)}"
        if not isinstance(have, dict) or have.get("port_mode") != want["port_mode"]:
            mode = have.get("port_mode") if isinstance(have, dict) else have
            return False, (f"{where}: port_mode_ expected {want['port_mode']!r}, got {mode!r} - "
                           f"{_tie(ports)}: a tie goes to the alphabetically first port")
        rows = have.get("embarked")
        if not isinstance(rows, list) or len(rows) != len(want["embarked"]):
            return False, f"{where}: expected {len(want['embarked'])} rows, got {rows!r:.200}"
        for r, (port, e, g) in enumerate(zip(ports, want["embarked"], rows)):
            if g != e:
                return False, (f"{where}, row {r} (port {port or 'missing'}): embarked_C, "
                               f"embarked_Q, embarked_S expected {e}, got {g}")
    modes = ", ".join(repr(want["port_mode"]) for want in expected)
    return True, (f"ties for the most frequent port go to the alphabetically first ({modes}), "
                  "and a missing port gets it")


def port_tie_check(rows, cases, *, suffix="", hidden=False, points=1):
    """``<lab>.preprocessing<suffix>.port_mode_tie``: `TitanicPreprocessor`
    fitted on the CSV rows `rows` with the ports of each case, tied for the
    most frequent."""
    return Check(f"{LAB}.preprocessing{suffix}.port_mode_tie", points,
                 "regularization.port_ties", {"rows": list(rows), "cases": cases},
                 partial(_port_ties, cases=cases),
                 f"port_mode_ of {len(rows)} rows whose most frequent ports are tied is the "
                 "alphabetically first, and the missing ports get it", hidden)


def preprocessing_checks(data_seed, suffix="", hidden=False, leak_seed=None):
    task = "preprocessing"
    prefix = f"{LAB}.{task}{suffix}"
    features = {"data_seed": data_seed, "head": 12}
    checks = [
        Check(f"{prefix}.features", 3, "regularization.titanic_features", features,
              _features, f"Titanic features of split seed {data_seed} equal the reference "
                         "(order, imputation, encoding, scaling; float32, no NaN)", hidden),
        Check(f"{prefix}.statistics", 2, "regularization.titanic_features", features,
              _statistics, f"the fitted statistics of split seed {data_seed} are those of the "
                           "training rows alone", hidden),
    ]
    if leak_seed is not None:
        checks.append(Check(f"{prefix}.no_leak", 3, "regularization.titanic_leak",
                            {"data_seed": leak_seed}, _no_leak,
                            "perturbing validation and test rows changes neither the fitted "
                            "statistics nor any other row's features", hidden))
    return checks


# -- the gate ----------------------------------------------------------------------


def _gate(expected, got, threshold=GATE_THRESHOLD):
    if not isinstance(got, dict):
        return False, f"expected a dict, got {type(got).__name__}"
    if not got.get("leak_free"):
        return False, ("not trained: the preprocessing lets validation or test rows into the "
                       "features, so a test accuracy would mean nothing (see the "
                       "preprocessing.no_leak check)")
    accuracy = got.get("test_accuracy")
    if not isinstance(accuracy, (int, float)) or not math.isfinite(accuracy):
        return False, f"no test accuracy: {accuracy!r}"
    if not got.get("finite"):
        return False, "the training loss became NaN or infinite"
    summary = (f"test accuracy {accuracy:.3f} (threshold {threshold}, majority class "
               f"{MAJORITY_RATE:.3f}; the reference gets {expected['test_accuracy']:.3f}), "
               f"{got.get('epochs_run')} epochs, best epoch {got.get('best_epoch')}")
    return accuracy >= threshold, summary


def gate_check(seed, data_seed, suffix="", hidden=False, points=4):
    return Check(f"{LAB}.titanic{suffix}.test_accuracy", points,
                 "regularization.titanic_gate", {"seed": seed, "data_seed": data_seed},
                 _gate, f"Titanic test accuracy >= {GATE_THRESHOLD} with your preprocessing and "
                        f"EarlyStopping (split seed {data_seed}, training seed {seed})",
                 hidden, timeout=120.0, gate=True)


# -- the public checks ------------------------------------------------------------

PATIENCE = [
    {"kwargs": {"patience": 2}, "sequences": [
        [1.0, 0.8, 0.7, 0.7, 0.7, 0.7, 0.6],
        [0.9, 0.7, 0.75, 0.72, 0.65, 0.66, 0.8, 0.7, 0.64],
        [1.0, 0.9, 0.8, 0.7, 0.6],
        [0.5, 0.6, 0.7, 0.8],
    ]},
    {"kwargs": {"patience": 0}, "sequences": [[0.9, 0.8, 0.85, 0.7]]},
]
MIN_DELTA = [
    {"kwargs": {"min_delta": 0.25, "patience": 2}, "sequences": [
        [2.0, 1.5, 1.375, 1.25, 1.125, 1.0],
        [1.0, 2.0, 0.875, 0.5, 0.375, 0.25],
    ]},
    {"kwargs": {"min_delta": 0.25, "patience": 3}, "sequences": [
        [1.0, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25],
        [1.0, 1.5, 0.625, 0.5, 0.25, 0.125],
    ]},
]
BASELINE = [
    {"kwargs": {"baseline": 0.5, "patience": 2}, "sequences": [
        [0.9, 0.8, 0.85, 0.9, 0.7],
        [0.9, 0.8, 0.7, 0.6, 0.55],
        [0.9, 0.6, 0.45, 0.5, 0.47, 0.46, 0.44],
    ]},
]
START_FROM_EPOCH = [
    {"kwargs": {"start_from_epoch": 3, "patience": 1}, "sequences": [
        [0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
        [1.0, 0.5, 0.4, 0.45, 0.3, 0.35, 0.36],
    ]},
]
MAX_MODE = [
    {"kwargs": {"monitor": "val_auc", "mode": "max", "min_delta": 0.01, "patience": 2},
     "sequences": [[0.6, 0.7, 0.705, 0.72, 0.71, 0.715, 0.8]]},
    {"kwargs": {"monitor": "val_accuracy", "mode": "min", "patience": 1},
     "sequences": [[0.6, 0.7, 0.5, 0.55]]},
]
AUTO_MODE = [
    {"kwargs": {"monitor": "val_accuracy", "patience": 2},
     "sequences": [[0.6, 0.7, 0.65, 0.68, 0.72], [0.8, 0.75, 0.7, 0.85]]},
    {"kwargs": {"monitor": "loss", "patience": 1}, "sequences": [[0.9, 0.7, 0.8, 0.6]]},
    {"kwargs": {"monitor": "val_mae", "patience": 1}, "sequences": [[0.5, 0.4, 0.45, 0.3]]},
    {"kwargs": {"monitor": "val_f1_score", "patience": 1}, "sequences": [[0.5, 0.6]]},
]
RESTORE = [
    {"kwargs": {"patience": 2, "restore_best_weights": True}, "sequences": [
        [0.9, 0.7, 0.75, 0.72, 0.65, 0.66, 0.8, 0.7],
        [1.0, 0.9, 0.8, 0.85, 0.7],
    ]},
    {"kwargs": {"patience": 2, "restore_best_weights": True, "start_from_epoch": 2},
     "sequences": [[0.2, 0.1, 0.9, 0.95, 0.99, 0.5]]},
    {"kwargs": {"patience": 1, "restore_best_weights": True, "baseline": 0.1},
     "sequences": [[0.9, 0.5, 0.7, 0.6]]},
    # Training ends without a stop: the best weights still come back.
    {"kwargs": {"patience": 5, "restore_best_weights": True},
     "sequences": [[0.9, 0.5, 0.6, 0.7]]},
]
MISSING = [
    {"kwargs": {"patience": 1}, "sequences": [[None, None, 0.5, None, 0.6, 0.7]]},
]

CHECKS = [
    *preprocessing_checks(0, leak_seed=0),
    port_tie_check(range(5), [["Q", "C", "Q", "C", ""], ["S", "Q", "", "Q", "S"],
                              ["S", "", "Q", "C", ""]]),
    scripted_check("early_stopping", "patience", PATIENCE, 2,
                   "patience: wait, best, best_epoch and the stop epoch on plateaus, noise "
                   "and steady improvement"),
    scripted_check("early_stopping", "min_delta", MIN_DELTA, 2,
                   "min_delta: improvements are measured against the best value, strictly"),
    scripted_check("early_stopping", "baseline", BASELINE, 2,
                   "baseline: wait is reset only by values that also beat the baseline"),
    scripted_check("early_stopping", "start_from_epoch", START_FROM_EPOCH, 1,
                   "start_from_epoch: warm-up epochs are not monitored"),
    scripted_check("early_stopping", "mode", MAX_MODE, 1,
                   "mode='max' and mode='min' as given, whatever the name"),
    scripted_check("early_stopping", "auto_mode", AUTO_MODE, 2,
                   "mode='auto': accuracy and AUC are maximized, losses and errors "
                   "minimized, an unknown name raises ValueError"),
    scripted_check("early_stopping", "restore", RESTORE, 2,
                   "restore_best_weights: the weights of the best epoch come back at the end, "
                   "stopped early or not"),
    scripted_check("early_stopping", "missing_monitor", MISSING, 1,
                   "a monitor missing from logs warns and changes nothing"),
    reuse_check("reuse", {"patience": 1, "restore_best_weights": True},
                [[0.5, 0.6, 0.7], [0.9, 0.8, 0.7, 0.75, 0.8]]),
    fit_check("fit", {"patience": 3, "min_delta": 0.001, "restore_best_weights": True},
              epochs=60, seed=1, learning_rate=0.02),
    Check(f"{LAB}.early_stopping.config", 1,
          "regularization.config_roundtrip",
          {"kwargs": {"monitor": "val_accuracy", "min_delta": 0.01, "patience": 2,
                      "mode": "max", "baseline": 0.5, "restore_best_weights": True,
                      "start_from_epoch": 1},
           "sequence": [0.4, 0.6, 0.65, 0.62, 0.64, 0.7]},
          _config, "get_config() round trip and Keras registration"),
    Check(f"{LAB}.early_stopping.errors", 1,
          "regularization.bad_arguments",
          {"cases": [{"patience": -1}, {"patience": 1.5}, {"mode": "maximum"},
                     {"min_delta": -0.1}, {"start_from_epoch": -2}, {"baseline": "high"}]},
          partial(compare.value_errors, arguments=[("patience", -1), ("patience", 1.5),
                                      ("mode", "maximum"), ("min_delta", -0.1),
                                      ("start_from_epoch", -2), ("baseline", "high")]),
          "bad arguments raise ValueError naming the argument"),
    gate_check(seed=0, data_seed=0),
]
