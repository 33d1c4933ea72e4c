"""Public checks of the generalization lab (``dlkit.layers``,
``dlkit.regularizers``, ``dlkit.metrics.roc_curve`` / ``roc_auc``).

Tasks: ``dropout``, ``batch_norm``, ``penalties``, ``roc``, ``save_load``
(a model with every part through a ``.keras`` file) and the two gates,
``titanic`` (Dropout + L2) and ``deep_sigmoid`` (batch normalization at a
learning rate where the plain network fails). The builders below are reused
by the hidden variants.

Dropout's masks are random: a correct layer may draw other masks than the
reference (Keras's own draws differ from both), so its checks test what the
contract fixes (which values an output may take, the keep rate within a
tolerance derived from the sample size, seeding, sharing along
``noise_shape``), never the reference's mask.
"""

import math
from functools import partial

import numpy as np

from autograder.core import compare
from autograder.core.catalog import Check
from autograder.core.compare import array_diff

LAB = "generalization"
# The notebook's tasks in order; a check id's second part names one (see core/catalog.py).
TASKS = ("dropout", "batch_norm", "penalties", "roc", "save_load", "titanic", "deep_sigmoid")
# The files of src/dlkit this lab's student writes in (and their given code).
MODULES = ("layers.py", "regularizers.py", "metrics.py")

# The keep-rate check accepts |kept / n - (1 - rate)| <= Z * sqrt(rate * (1 - rate) / n):
# a correct layer's count is binomial, and fails this bound with probability about 6e-7.
KEEP_RATE_Z = 5.0
# Relative tolerance of an output that is x / (1 - rate), by dtype.
DTYPE_RTOL = {"float16": 2e-3, "float32": 1e-6, "float64": 1e-12}
# Batch normalization against the reference: (rtol, atol) by dtype. Float32 results of the
# same formula in another order differ in the last bits; float16 outputs are rounded.
BN_TOL = {"float16": (1e-2, 1e-2), "float32": (2e-5, 2e-5), "float64": (1e-9, 1e-9)}

# The gates (chosen from `make gates SEEDS=30 GATES_FLAGS='--lab generalization'`; see
# docs/gates.md): the Titanic MLP with the student's Dropout and L2 must reach the
# reference's test accuracy (same seeds, fixed split) less TITANIC_MARGIN; the deep sigmoid
# network with the student's BatchNormalization, trained with SGD at a learning rate where
# the same network without it stays at chance (1/3), must reach DEEP_THRESHOLD.
TITANIC_MARGIN = 0.1
DEEP_THRESHOLD = 0.5
TITANIC_ARGS = {"hidden": [32, 16], "rate": 0.5, "l2": 0.001, "learning_rate": 0.01,
                "epochs": 20, "batch_size": 32}
DEEP_ARGS = {"depth": 6, "width": 16, "momentum": 0.9, "learning_rate": 1.0, "epochs": 60,
             "batch_size": 16}


def _is_dict(got):
    return None if isinstance(got, dict) else f"expected a dict, got {type(got).__name__}"


# -- dropout -------------------------------------------------------------------------------
def _mode(mode):
    return "layer(x)" if mode is None else f"layer(x, training={mode})"


def _dropped_or_scaled(x, y, rate, rtol):
    """None when every element of `y` is 0 or x / (1 - rate), else a message."""
    scaled = x / (1.0 - rate)
    ok = (y == 0) | np.isclose(y, scaled, rtol=rtol, atol=0)
    if ok.all():
        return None
    index = tuple(int(i) for i in np.argwhere(~ok)[0])
    hint = ""
    if np.isclose(y[index], x[index] * (1.0 - rate), rtol=rtol):
        hint = " (x * (1 - rate): the kept units must be divided by 1 - rate, not multiplied)"
    elif np.isclose(y[index], x[index], rtol=rtol):
        hint = " (x itself: the kept units are not scaled)"
    return (f"element {index}: x = {x[index]:.6g}, output {y[index]:.6g}; expected 0 or "
            f"x / (1 - rate) = {scaled[index]:.6g}{hint}")


def _shared_along(mask, noise_shape):
    """None when the mask is constant along every axis whose noise_shape is 1."""
    for axis, size in enumerate(noise_shape):
        if size == 1 and mask.shape[axis] > 1:
            first = np.take(mask, [0], axis=axis)
            if not np.all(mask == first):
                return (f"noise_shape={tuple(noise_shape)}: the mask must be the same along "
                        f"axis {axis}, it differs there")
    return None


def _dropout_calls(expected, got, rate, modes, noise_shape=None):
    problem = _is_dict(got)
    if problem:
        return False, problem
    if got.get("dtypes") != expected["dtypes"]:
        return False, f"output dtypes: expected {expected['dtypes']}, got {got.get('dtypes')}"
    outputs = got.get("outputs") or []
    if len(outputs) != len(modes):
        return False, f"expected {len(modes)} outputs, got {len(outputs)}"
    rtol = DTYPE_RTOL[expected["dtypes"][0]]
    x = np.asarray(got.get("x"), dtype=np.float64)
    masks = []
    for mode, y in zip(modes, outputs):
        y = np.asarray(y, dtype=np.float64)
        if y.shape != x.shape:
            return False, f"{_mode(mode)}: expected shape {x.shape}, got {y.shape}"
        if not mode:
            if not np.array_equal(y, x):
                diff = array_diff(x, y, rtol=0, atol=0)
                return False, (f"{_mode(mode)} is inference: the input must pass unchanged; "
                               f"{diff}")
            continue
        problem = _dropped_or_scaled(x, y, rate, rtol)
        if problem:
            return False, f"{_mode(mode)}, rate={rate}: {problem}"
        mask = y != 0
        if rate > 0 and mask.size >= 20 and (mask.all() or not mask.any()):
            return False, (f"{_mode(mode)}, rate={rate}: {'no' if mask.all() else 'every'} unit "
                           f"of {mask.size} was dropped")
        if rate == 0 and not mask.all():
            return False, f"rate=0: {int((~mask).sum())} units were dropped, expected none"
        if noise_shape is not None:
            problem = _shared_along(mask, noise_shape)
            if problem:
                return False, problem
        masks.append(mask)
    if rate > 0 and len(masks) > 1 and all(np.array_equal(masks[0], m) for m in masks[1:]):
        return False, ("every training call dropped the same units: draw a fresh mask at each "
                       "call (keras.random with self.seed_generator)")
    return True, (f"rate={rate}: training outputs are 0 or x / (1 - rate), inference passes x "
                  f"through ({len(modes)} calls)")


def _keep_rate(expected, got, rate):
    if not isinstance(got, list) or len(got) != len(expected):
        return False, f"expected {len(expected)} calls, got {str(got)[:80]}"
    keep = 1.0 - rate
    for k, result in enumerate(got):
        if not isinstance(result, dict):
            return False, f"call {k}: expected a dict, got {result!r:.80}"
        n, kept = result.get("size"), result.get("kept")
        if not isinstance(n, int) or not isinstance(kept, int) or n <= 0:
            return False, f"call {k}: no counts ({result!r:.120})"
        tolerance = KEEP_RATE_Z * math.sqrt(rate * keep / n)
        if abs(kept / n - keep) > tolerance:
            return False, (f"call {k}: kept {kept} of {n} units ({kept / n:.4f}); with rate="
                           f"{rate} the keep rate is {keep:.4f} +- {tolerance:.4f} "
                           f"({KEEP_RATE_Z:g} standard deviations of a binomial count)")
        scale = 1.0 / keep
        for key in ("ratio_min", "ratio_max"):
            value = result.get(key)
            if not isinstance(value, float) or not math.isclose(value, scale, rel_tol=1e-6):
                return False, (f"call {k}: kept units are scaled by {value!r}, expected "
                               f"1 / (1 - rate) = {scale:.6g}")
    return True, (f"keep rate within {KEEP_RATE_Z:g} binomial standard deviations of "
                  f"{keep:g} on {len(got)} calls of {got[0]['size']} units, scale 1 / {keep:g}")


def _seeding(expected, got):
    problem = _is_dict(got)
    if problem:
        return False, problem
    try:
        first, same, other = (np.asarray(got[k]) for k in ("first", "same_seed", "other_seed"))
    except (KeyError, TypeError, ValueError):
        return False, f"expected masks, got {str(got)[:80]}"
    if first.shape != np.asarray(expected["first"]).shape or same.shape != first.shape:
        return False, f"expected masks of shape {np.asarray(expected['first']).shape}"
    if not np.array_equal(first, same):
        return False, ("two layers made with the same seed drew different masks: draw with "
                       "self.seed_generator (made from seed), not an unseeded generator")
    if np.array_equal(first[0], first[1]):
        return False, ("a layer's second training call dropped the same units as its first: "
                       "each call needs a fresh mask")
    if np.array_equal(first[0], other[0]):
        return False, "layers made with seeds s and s + 1 drew the same mask"
    return True, "the same seed gives the same masks, each call a fresh one, another seed others"


def _dropout_gradient(expected, got, rate):
    problem = _is_dict(got)
    if problem:
        return False, problem
    try:
        w, y, g = (np.asarray(got[k], dtype=np.float64) for k in ("w", "y", "gradient"))
    except (KeyError, TypeError, ValueError):
        return False, f"no gradient: {str(got)[:80]}"
    if g.shape != w.shape:
        return False, f"gradient of shape {g.shape}, expected {w.shape}"
    want = np.where(y != 0, w / (1.0 - rate), 0.0)
    diff = array_diff(want, g, rtol=1e-6, atol=1e-7)
    if diff:
        return False, (f"d sum(w * dropout(x)) / dx must be w / (1 - rate) on kept units and 0 "
                       f"on dropped ones; {diff}")
    return True, "the gradient flows through the kept units, scaled by 1 / (1 - rate)"


# -- configs and errors ----------------------------------------------------------------------
def _config(expected, got, kwargs):
    problem = _is_dict(got)
    if problem:
        return False, problem
    for key in ("registered_name", "revived_type", "is_subclass"):
        if got.get(key) != expected[key]:
            return False, f"{key}: expected {expected[key]!r}, got {got.get(key)!r}"
    config = got.get("config") or {}
    for key in kwargs:
        if config.get(key) != expected["config"][key]:
            return False, (f"get_config()[{key!r}]: expected {expected['config'][key]!r} (the "
                           f"constructor's argument), got {config.get(key)!r}")
    for key, what in (("restored_equal", "from_config(get_config())"),
                      ("revived_equal", "Keras's deserialize(serialize(...))")):
        if got.get(key) is not True:
            return False, f"{what} gives an object with another config"
        diff = array_diff(got.get("values"), got.get(key.replace("equal", "values")), rtol=1e-6,
                          atol=1e-7)
        if diff:
            return False, f"a copy made by {what} computes something else: {diff}"
    return True, "get_config() round-trips and the class is registered as " + got["registered_name"]


def config_check(task, module, cls, kwargs, *, suffix="", hidden=False):
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    return Check(f"{LAB}.{task}{suffix}.config", 1, "generalization.config_roundtrip",
                 {"module": module, "cls": cls, "kwargs": kwargs},
                 partial(_config, kwargs=kwargs),
                 f"{cls}({args}): get_config() round trip and Keras registration", hidden)


def errors_check(task, module, cls, bad, *, base=None, suffix="", hidden=False):
    base = base or {}
    return Check(f"{LAB}.{task}{suffix}.errors", 1, "generalization.bad_arguments",
                 {"module": module, "cls": cls, "cases": [{**base, k: v} for k, v in bad],
                  "valid": base},
                 partial(compare.value_errors, arguments=list(bad), function=cls),
                 f"{cls}: bad arguments raise ValueError naming the argument", hidden)


# -- dropout checks ----------------------------------------------------------------------------
def dropout_checks(cases, *, stats, seeding, gradient, suffix="", hidden=False):
    """Checks of Dropout.

    Args:
        cases: ``(what, rate, shape, seed, dtype, noise_shape)`` for the
            output checks (each: two training calls and inference with and
            without the argument).
        stats: ``(rate, shape, seed, calls)`` of the keep-rate check.
        seeding: ``(rate, shape, seed)`` of the seeding check.
        gradient: ``(rate, shape, seed)`` of the gradient check.
    """
    prefix = f"{LAB}.dropout{suffix}"
    modes = [None, False, True, True]
    checks = []
    for what, rate, shape, seed, dtype, noise_shape in cases:
        args = {"rate": rate, "shape": list(shape), "seed": seed, "modes": modes, "dtype": dtype}
        if noise_shape is not None:
            args["noise_shape"] = list(noise_shape)
        extra = f", noise_shape={tuple(noise_shape)}" if noise_shape is not None else ""
        checks.append(Check(
            f"{prefix}.{what}", 2, "generalization.dropout_calls", args,
            partial(_dropout_calls, rate=rate, modes=modes, noise_shape=noise_shape),
            f"Dropout({rate}{extra}) on a {dtype} input of shape {tuple(shape)}: inference "
            "passes it through, training gives 0 or x / (1 - rate)", hidden))
    rate, shape, seed, calls = stats
    checks.append(Check(
        f"{prefix}.keep_rate", 2, "generalization.dropout_statistics",
        {"rate": rate, "shape": list(shape), "seed": seed, "calls": calls},
        partial(_keep_rate, rate=rate),
        f"Dropout({rate}) keeps each unit with probability {1 - rate:g} ({calls} calls on "
        f"{int(np.prod(shape))} units; tolerance from the binomial's standard deviation)",
        hidden))
    rate, shape, seed = seeding
    checks.append(Check(
        f"{prefix}.seeding", 1, "generalization.dropout_seeding",
        {"rate": rate, "shape": list(shape), "seed": seed}, _seeding,
        f"Dropout({rate}, seed={seed}): reproducible masks, a fresh one at every call", hidden))
    rate, shape, seed = gradient
    checks.append(Check(
        f"{prefix}.gradient", 1, "generalization.dropout_gradients",
        {"rate": rate, "shape": list(shape), "seed": seed},
        partial(_dropout_gradient, rate=rate),
        f"Dropout({rate}): GradientTape gradient with respect to the inputs", hidden))
    return checks


# -- batch normalization checks -----------------------------------------------------------------
def _bn_part(expected, got, key, what):
    problem = _is_dict(got)
    if problem:
        return False, problem
    if got.get("dtype") != expected["dtype"]:
        return False, f"output dtype: expected {expected['dtype']}, got {got.get('dtype')}"
    rtol, atol = BN_TOL[expected["dtype"]]
    e, g = expected[key], got.get(key)
    if key == "gradients":
        if not isinstance(g, dict) or sorted(g) != sorted(e):
            return False, (f"gradients with respect to {sorted(e)} expected, got "
                           f"{sorted(g) if isinstance(g, dict) else g!r:.80}")
        for name in sorted(e):
            if g[name] is None:
                return False, f"no gradient flows to {name}"
            diff = array_diff(e[name], g[name], rtol=max(rtol, 1e-4), atol=max(atol, 1e-4))
            if diff:
                return False, f"d loss / d {name}, {diff}"
        return True, f"{what} match the reference"
    if key in ("train_outputs", "moving_mean", "moving_variance"):
        if not isinstance(g, list) or len(g) != len(e):
            return False, f"{what}: expected {len(e)} training steps, got {str(g)[:80]}"
        for step, (es, gs) in enumerate(zip(e, g)):
            diff = array_diff(es, gs, rtol=rtol, atol=atol)
            if diff:
                return False, f"{what} after training step {step + 1}: {diff}"
        return True, f"{what} match the reference over {len(e)} training steps"
    diff = array_diff(e, g, rtol=rtol, atol=atol)
    if diff:
        return False, f"{what}: {diff}"
    return True, f"{what} match the reference"


def _bn_moving(expected, got):
    for key, what in (("moving_mean", "moving_mean"), ("moving_variance", "moving_variance")):
        ok, message = _bn_part(expected, got, key, what)
        if not ok:
            return False, message
    return True, (f"moving_mean and moving_variance match the reference after each of "
                  f"{len(expected['moving_mean'])} training steps")


def batch_norm_checks(cases, *, suffix="", hidden=False):
    """Checks of BatchNormalization: per case ``(what, kwargs, shape, seed,
    steps, dtype, parts)`` with `parts` a subset of ``training``,
    ``inference``, ``moving``, ``gradients``."""
    checks = []
    for what, kwargs, shape, seed, steps, dtype, parts in cases:
        args = {"kwargs": kwargs, "shape": list(shape), "seed": seed, "steps": steps,
                "dtype": dtype}
        title = (f"BatchNormalization({', '.join(f'{k}={v!r}' for k, v in kwargs.items())}) on "
                 f"{dtype} inputs of shape {tuple(shape)}")
        table = {
            "training": (partial(_bn_part, key="train_outputs", what="training-mode outputs"),
                         2, "outputs in training mode (batch statistics)"),
            "inference": (partial(_bn_part, key="inference", what="inference outputs"), 2,
                          "outputs in inference mode (moving statistics)"),
            "moving": (_bn_moving, 2, f"moving mean and variance after {steps} training steps"),
            "gradients": (partial(_bn_part, key="gradients",
                                  what="gradients with respect to x, gamma and beta"), 2,
                          "gradients with respect to the inputs, gamma and beta"),
        }
        for part in parts:
            compare_fn, points, text = table[part]
            checks.append(Check(f"{LAB}.batch_norm{suffix}.{what}_{part}", points,
                                "generalization.batch_norm", args, compare_fn,
                                f"{title}: {text}", hidden))
    return checks


def _bn_weights(expected, got):
    problem = _is_dict(got)
    if problem:
        return False, problem
    e_weights, g_weights = expected["weights"], got.get("weights") or []
    names = [w["name"] for w in e_weights]
    if [w.get("name") for w in g_weights] != names:
        return False, (f"weights: expected {names} (Keras's names), got "
                       f"{[w.get('name') for w in g_weights]}")
    for e, g in zip(e_weights, g_weights):
        for key in ("shape", "trainable"):
            if g.get(key) != e[key]:
                return False, f"{e['name']}: {key} expected {e[key]!r}, got {g.get(key)!r}"
        diff = array_diff(e["values"], g.get("values"), rtol=0, atol=0)
        if diff:
            return False, f"{e['name']} is initialized wrongly: {diff}"
    if got.get("attributes") != expected["attributes"]:
        return False, f"attributes: expected {expected['attributes']}, got {got.get('attributes')}"
    return True, f"weights {', '.join(names)}: names, shapes, trainable flags, initial values"


def bn_weights_check(what, kwargs, shape, *, suffix="", hidden=False):
    return Check(f"{LAB}.batch_norm{suffix}.{what}", 1, "generalization.batch_norm_weights",
                 {"kwargs": kwargs, "shape": list(shape)}, _bn_weights,
                 f"BatchNormalization({', '.join(f'{k}={v!r}' for k, v in kwargs.items())}) "
                 f"built for shape {tuple(shape)}: its weights", hidden)


# -- penalty checks ------------------------------------------------------------------------------
def _penalty(expected, got, key, cases):
    if not isinstance(got, list) or len(got) != len(expected):
        return False, f"expected results for {len(expected)} weight tensors, got {str(got)[:80]}"
    for case, e, g in zip(cases, expected, got):
        where = f"weights of shape {tuple(case['shape'])} ({case.get('dtype', 'float32')})"
        if not isinstance(g, dict):
            return False, f"{where}: expected a dict, got {g!r:.80}"
        if key == "value":
            if g.get("shape") != e["shape"]:
                return False, (f"{where}: the penalty must be a scalar (shape []), got shape "
                               f"{g.get('shape')}")
            if g.get("dtype") != e["dtype"]:
                return False, f"{where}: penalty dtype {g.get('dtype')}, expected {e['dtype']}"
            diff = array_diff(e["value"], g.get("value"), rtol=1e-5, atol=1e-7, label="value")
        else:
            if g.get("gradient") is None:
                return False, f"{where}: no gradient flows from the penalty to the weights"
            diff = array_diff(e["gradient"], g.get("gradient"), rtol=1e-5, atol=1e-6,
                              label="weight")
            if diff and case.get("zeros"):
                diff += " (every third weight is exactly 0)"
        if diff:
            return False, f"{where}: {diff}"
    return True, f"{key}s match on {len(expected)} weight tensors"


def _in_fit(expected, got):
    problem = _is_dict(got)
    if problem:
        return False, problem
    if got.get("n_losses") != expected["n_losses"]:
        return False, (f"model.losses holds {got.get('n_losses')} terms, expected "
                       f"{expected['n_losses']} (the kernel's penalty)")
    for key, what, rtol in (("penalty_before", "model.losses before training", 1e-5),
                            ("history", "training loss (mse + penalty) per epoch", 1e-4),
                            ("kernel", "the trained kernel", 1e-4)):
        diff = array_diff(expected[key], got.get(key), rtol=rtol, atol=1e-6)
        if diff:
            return False, f"{what}: {diff}"
    return True, "the penalty is in model.losses and fit minimizes mse + penalty like Keras"


def penalty_checks(name, cls, kwargs, cases, *, fit_seed=None, suffix="", hidden=False):
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    title = f"{cls}({args})"
    probe_args = {"cls": cls, "kwargs": kwargs, "cases": list(cases)}
    checks = [
        Check(f"{LAB}.penalties{suffix}.{name}_values", 2, "generalization.penalty", probe_args,
              partial(_penalty, key="value", cases=list(cases)),
              f"{title}: the penalty of random weights (scalar, dtype, value)", hidden),
        Check(f"{LAB}.penalties{suffix}.{name}_gradients", 1, "generalization.penalty",
              probe_args, partial(_penalty, key="gradient", cases=list(cases)),
              f"{title}: GradientTape gradient with respect to the weights", hidden),
    ]
    if fit_seed is not None:
        checks.append(Check(
            f"{LAB}.penalties{suffix}.{name}_fit", 2, "generalization.penalty_in_fit",
            {"cls": cls, "kwargs": kwargs, "seed": fit_seed}, _in_fit,
            f"{title} as a kernel_regularizer: model.losses and three epochs of fit", hidden))
    return checks


def weights(shape, seed, dtype="float32", zeros=False):
    return {"shape": list(shape), "seed": seed, "dtype": dtype, "zeros": zeros}


# -- ROC checks ---------------------------------------------------------------------------------
def _same_values(e, g):
    if isinstance(e, str) or isinstance(g, str):
        return e == g
    return isinstance(g, (int, float)) and math.isclose(g, e, rel_tol=1e-9, abs_tol=1e-12)


def _roc(expected, got, cases):
    if not isinstance(got, list) or len(got) != len(expected):
        return False, f"expected {len(expected)} curves, got {str(got)[:80]}"
    for case, e, g in zip(cases, expected, got):
        where = f"{case['kind']} scores (n={case['n']}, seed {case['seed']})"
        if not isinstance(g, dict):
            return False, f"{where}: expected (fpr, tpr, thresholds), got {g!r:.80}"
        for key in ("thresholds", "fpr", "tpr"):
            ev, gv = e[key], g.get(key)
            if not isinstance(gv, list) or len(gv) != len(ev):
                n = len(gv) if isinstance(gv, list) else gv
                hint = (" (one point per distinct score, and a first threshold inf)"
                        if key == "thresholds" else "")
                return False, f"{where}: {key} has {n} points, expected {len(ev)}{hint}"
            for i, (a, b) in enumerate(zip(ev, gv)):
                if not _same_values(a, b):
                    return False, f"{where}: {key}[{i}] expected {a!r}, got {b!r}"
    return True, f"fpr, tpr and thresholds match on {len(expected)} score sets (ties included)"


def _auc(expected, got, cases):
    if not isinstance(got, list) or len(got) != len(expected):
        return False, f"expected {len(expected)} values, got {str(got)[:80]}"
    for case, e, g in zip(cases, expected, got):
        if not isinstance(g, float) or not math.isclose(g, e, rel_tol=1e-9, abs_tol=1e-12):
            return False, (f"{case['kind']} scores (n={case['n']}, seed {case['seed']}): AUC "
                           f"expected {e:.6g}, got {g!r}")
    return True, f"the AUC matches on {len(expected)} score sets (ties count one half)"


def roc_checks(cases, *, suffix="", hidden=False):
    cases = list(cases)
    return [
        Check(f"{LAB}.roc{suffix}.curve", 2, "generalization.roc", {"cases": cases},
              partial(_roc, cases=cases),
              "roc_curve: fpr, tpr and thresholds on scores with and without ties", hidden),
        Check(f"{LAB}.roc{suffix}.auc", 2, "generalization.auc", {"cases": cases},
              partial(_auc, cases=cases), "roc_auc on scores with and without ties", hidden),
    ]


def score_case(kind, n, seed):
    return {"kind": kind, "n": n, "seed": seed}


ROC_BAD = [
    ("one class", {"y_true": [1, 1, 1], "scores": [0.2, 0.5, 0.9]}, ("y_true",)),
    ("labels 0/1/2", {"y_true": [0, 1, 2], "scores": [0.2, 0.5, 0.9]}, ("y_true",)),
    ("3 labels, 2 scores", {"y_true": [0, 1, 1], "scores": [0.2, 0.5]}, ("scores",)),
]


def _roc_errors(expected, got):
    return compare.raised_value_errors(got, [(f"roc_auc with {label}", names)
                                             for label, _, names in ROC_BAD])


# -- save / load ---------------------------------------------------------------------------------
def _save_load(expected, got):
    problem = _is_dict(got)
    if problem:
        return False, problem
    for key, what in (("layers", "the loaded model's layers"),
                      ("regularizers", "the loaded model's regularizers")):
        if got.get(key) != expected[key]:
            return False, f"{what}: expected {expected[key]}, got {got.get(key)}"
    if not got.get("configs_equal"):
        return False, "a loaded layer's get_config() differs from the saved one's"
    if not got.get("weights_equal"):
        return False, "the loaded model's weights differ from the saved model's"
    history = got.get("history") or []
    if len(history) != len(expected["history"]) or not np.all(np.isfinite(history)):
        return False, f"training loss per epoch {history}: expected {len(expected['history'])} "\
                      "finite values"
    for key, label in (("predictions", "prediction"), ("losses", "model.losses term")):
        diff = array_diff(got.get(key), got.get(f"loaded_{key}"), rtol=1e-6, atol=1e-7,
                          label=label)
        if diff:
            return False, f"the loaded model computes other {key} than the saved one: {diff}"
    if len(got.get("losses") or []) != len(expected["losses"]):
        return False, (f"model.losses holds {len(got.get('losses') or [])} penalties, expected "
                       f"{len(expected['losses'])}")
    return True, ("a model with Dropout, BatchNormalization, L1, L2 and L1L2 trains, saves to "
                  ".keras and loads with the same predictions")


def save_load_check(seed, *, suffix="", hidden=False):
    return Check(f"{LAB}.save_load{suffix}.model", 3, "generalization.save_load",
                 {"seed": seed}, _save_load,
                 "a model using every part of this lab saves to .keras and loads (no "
                 "custom_objects: the classes are registered)", hidden, timeout=120.0)


# -- the gates -------------------------------------------------------------------------------------
def _accuracy(got):
    if not isinstance(got, dict):
        return None, f"expected a dict, got {type(got).__name__}"
    accuracy = got.get("test_accuracy")
    if not isinstance(accuracy, (int, float)) or not math.isfinite(accuracy):
        return None, f"no test accuracy: {accuracy!r}"
    if not got.get("finite"):
        return None, "the training loss became NaN or infinite"
    return accuracy, ""


def _titanic_gate(expected, got, margin=TITANIC_MARGIN):
    accuracy, problem = _accuracy(got)
    if accuracy is None:
        return False, problem
    threshold = expected["test_accuracy"] - margin
    summary = (f"test accuracy {accuracy:.3f}; the reference reaches "
               f"{expected['test_accuracy']:.3f}, the threshold is that less {margin:g} "
               f"({threshold:.3f}); final training loss {got.get('final_loss')!r}")
    return accuracy >= threshold - 1e-9, summary


def _deep_gate(expected, got, threshold=DEEP_THRESHOLD):
    accuracy, problem = _accuracy(got)
    if accuracy is None:
        return False, problem
    return accuracy >= threshold, (
        f"test accuracy {accuracy:.3f} (threshold {threshold:g}; the reference reaches "
        f"{expected['test_accuracy']:.3f}, the network without batch normalization 0.333, "
        f"chance); final training loss {got.get('final_loss')!r}")


def titanic_gate_check(seed, data_seed, *, suffix="", hidden=False, points=4):
    return Check(f"{LAB}.titanic{suffix}.test_accuracy", points, "generalization.titanic_gate",
                 {"seed": seed, "data_seed": data_seed, **TITANIC_ARGS}, _titanic_gate,
                 f"the Titanic MLP with your Dropout({TITANIC_ARGS['rate']}) and "
                 f"L2({TITANIC_ARGS['l2']}) (split seed {data_seed}, training seed {seed}) "
                 f"reaches the reference's test accuracy less {TITANIC_MARGIN:g}",
                 hidden, timeout=120.0, gate=True)


def deep_gate_check(seed, *, suffix="", hidden=False, points=4):
    return Check(f"{LAB}.deep_sigmoid{suffix}.test_accuracy", points,
                 "generalization.deep_sigmoid_gate", {"seed": seed, **DEEP_ARGS}, _deep_gate,
                 f"a {DEEP_ARGS['depth']}-layer sigmoid network with your BatchNormalization "
                 f"trains on Iris with SGD({DEEP_ARGS['learning_rate']}) (seed {seed}): test "
                 f"accuracy >= {DEEP_THRESHOLD:g}", hidden, timeout=120.0, gate=True)


# -- the public checks -----------------------------------------------------------------------------
ROC_CASES = [score_case("continuous", 40, 1), score_case("ties", 40, 2),
             score_case("column", 30, 3), score_case("all_tied", 6, 4)]

CHECKS = [
    # Task 1: Dropout.
    *dropout_checks(
        [("values", 0.5, (4, 5), 1, "float32", None),
         ("values_3d", 0.2, (2, 3, 4), 2, "float64", None),
         ("values_float16", 0.3, (6, 5), 3, "float16", None),
         ("rate_zero", 0.0, (3, 4), 4, "float32", None),
         ("noise_shape", 0.5, (3, 4, 6), 5, "float32", (None, 1, 6))],
        stats=(0.3, (100, 200), 6, 2), seeding=(0.5, (8, 16), 7), gradient=(0.4, (5, 6), 8)),
    config_check("dropout", "layers", "Dropout", {"rate": 0.3, "noise_shape": [None, 1, 4],
                                                  "seed": 3}),
    errors_check("dropout", "layers", "Dropout",
                 [("rate", 1.0), ("rate", -0.1), ("rate", "half"), ("noise_shape", "batch"),
                  ("seed", 1.5)], base={"rate": 0.5}),
    # Task 2: BatchNormalization.
    *batch_norm_checks([
        ("dense", {"momentum": 0.9}, (8, 5), 11, 4, "float32",
         ("training", "inference", "moving", "gradients")),
        ("channels_last", {"momentum": 0.8, "epsilon": 0.01}, (4, 3, 6), 12, 3, "float64",
         ("training", "inference", "moving")),
        ("axis_1", {"axis": 1, "momentum": 0.5}, (5, 4, 3), 13, 3, "float32",
         ("training", "inference", "moving", "gradients")),
        ("float16", {"momentum": 0.9}, (16, 4), 14, 2, "float16", ("training", "inference")),
        ("no_center_scale", {"center": False, "scale": False, "momentum": 0.7}, (6, 3), 15, 2,
         "float32", ("training", "inference")),
    ]),
    bn_weights_check("weights", {"axis": 1}, (5, 4, 3)),
    bn_weights_check("weights_no_scale", {"scale": False}, (6, 3)),
    config_check("batch_norm", "layers", "BatchNormalization",
                 {"axis": 1, "momentum": 0.9, "epsilon": 0.01, "center": False, "scale": True}),
    errors_check("batch_norm", "layers", "BatchNormalization",
                 [("momentum", 1.5), ("momentum", -0.1), ("epsilon", 0.0), ("epsilon", -1e-3),
                  ("center", "yes"), ("axis", 1.5)]),
    # Task 3: weight penalties.
    *penalty_checks("l1", "L1", {"l1": 0.01},
                    [weights((4, 3), 21), weights((2, 3, 4), 22, "float64"),
                     weights((5, 2), 23, zeros=True)], fit_seed=0),
    *penalty_checks("l2", "L2", {"l2": 0.05},
                    [weights((4, 3), 24), weights((2, 3, 4), 25, "float64"),
                     weights((5, 2), 26, zeros=True)], fit_seed=1),
    *penalty_checks("l1l2", "L1L2", {"l1": 0.02, "l2": 0.03},
                    [weights((4, 3), 27), weights((6,), 28, "float64"),
                     weights((5, 2), 29, zeros=True)], fit_seed=2),
    *penalty_checks("l1l2_l2_only", "L1L2", {"l2": 0.1}, [weights((3, 3), 30)]),
    config_check("penalties", "regularizers", "L1L2", {"l1": 0.02, "l2": 0.03}),
    errors_check("penalties", "regularizers", "L2", [("l2", -0.1), ("l2", "big"),
                                                     ("l2", float("inf"))]),
    # Task 4: ROC curve and AUC.
    *roc_checks(ROC_CASES),
    Check(f"{LAB}.roc.errors", 1, "generalization.roc_bad_arguments",
          {"cases": [case for _, case, _ in ROC_BAD]}, _roc_errors,
          "roc_auc: one class, labels other than 0/1, or a length mismatch raise ValueError"),
    # Task 5: a model with every part through a .keras file.
    save_load_check(0),
    # Tasks 6 and 7: the gates.
    titanic_gate_check(0, 0),
    deep_gate_check(0),
]
