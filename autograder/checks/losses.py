"""Public checks of the losses lab (``dlkit.activations``, ``dlkit.losses``).

`activation_checks`, `softmax_checks` and `loss_checks` build the checks of
one function or loss configuration; the hidden variants (instructor copy)
call them with other shapes, seeds and arguments.
"""

from functools import partial

import numpy as np

from autograder.core import compare
from autograder.core.catalog import Check
from autograder.core.compare import array_diff

LAB = "losses"
# The notebook's tasks in order; a check id's second part names one (see core/catalog.py).
TASKS = ("activations", "softmax", "regression", "binary", "categorical", "hinge_kl", "output_choices", "iris_training")
# The files of src/dlkit this lab's student writes in (and their given code).
MODULES = ("activations.py", "losses.py")

# What each input kind of the probes holds (autograder/worker/probes/losses.py).
KINDS = {
    "real": "random real numbers",
    "nonnegative": "random non-negative numbers",
    "msle_edge": "zeros and negative numbers",
    "binary_probs": "random probabilities",
    "binary_edge": "probabilities exactly 0 and 1",
    "binary_logits": "random logits",
    "binary_huge": "logits up to 1e4 in magnitude",
    "onehot_probs": "random probabilities (rows sum to 1)",
    "onehot_edge": "exact one-hot predictions, zeros, unnormalized rows",
    "onehot_logits": "random logits",
    "onehot_huge": "logits up to 1e4 in magnitude",
    "signed": "labels -1/+1",
    "zero_one": "labels 0/1",
    "distributions": "random distributions",
    "distributions_edge": "distributions with exact zeros and ones",
}


def case_title(case):
    kind = case["kind"]
    labels = ""
    for prefix, text in (("sparse_col_", "integer labels of shape (n, 1), "),
                         ("sparse_", "integer labels, ")):
        if kind.startswith(prefix):
            kind, labels = kind[len(prefix):], text
            break
    return f"{labels}{KINDS.get(kind, kind)}, shape {tuple(case['shape'])}"


# -- activations ---------------------------------------------------------------------
ACTIVATION_X = [
    [-30.0, -5.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 5.0, 30.0],
    [[-3.0, 0.25, 0.0], [4.0, -0.1, 1.5]],
]


def _activation(expected, got, what):
    if not isinstance(got, list) or len(got) != len(expected):
        return False, f"expected {len(expected)} arrays, got {str(got)[:80]}"
    for i, (e, g) in enumerate(zip(expected, got)):
        diff = array_diff(e, g, rtol=1e-6, atol=1e-9)
        if diff:
            return False, f"{what}, input {i} (x = {np.asarray(e).shape} array): {diff}"
    return True, f"{what} match on {len(expected)} input arrays"


def activation_checks(name, kwargs=None, *, xs=ACTIVATION_X, hidden=False, suffix="", points=1):
    """Checks of ``<name>`` and ``<name>_derivative`` on the arrays `xs`."""
    kwargs = kwargs or {}
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    checks = []
    for fn, what in ((name, "values"), (f"{name}_derivative", "derivative")):
        title = f"{fn}(x{', ' + args if args else ''})"
        checks.append(Check(
            f"{LAB}.activations.{name}.{what}{suffix}", points,
            "losses.activation", {"fn": fn, "xs": xs, "kwargs": kwargs},
            partial(_activation, what=title), f"{title} on fixed arrays", hidden))
    return checks


# -- softmax ---------------------------------------------------------------------------
def _softmax(expected, got, title):
    return _activation(expected, got, title)


def softmax_checks(what, xs, axis=-1, *, hidden=False, suffix="", points=1, title=""):
    title = title or f"softmax(x, axis={axis})"
    return [Check(f"{LAB}.softmax.{what}{suffix}", points, "losses.softmax",
                  {"xs": xs, "axis": axis}, partial(_softmax, title=title), title, hidden)]


OVERFLOW_X = [[1000.0, 1001.0, 1002.0], [[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]]]


# -- losses ----------------------------------------------------------------------------
def _values(expected, got, cases):
    if not isinstance(got, list) or len(got) != len(expected):
        return False, f"expected results for {len(expected)} input cases, got {str(got)[:80]}"
    for case, e, g in zip(cases, expected, got):
        g = g if isinstance(g, dict) else {}
        diff = array_diff(e["per_sample"], g.get("per_sample"), rtol=1e-5, atol=1e-6,
                          label="sample")
        if diff:
            return False, f"{case_title(case)}: call() per-sample losses, {diff}"
        diff = array_diff(e["value"], g.get("value"), rtol=1e-5, atol=1e-6, label="value")
        if diff:
            return False, f"{case_title(case)}: the reduced loss, {diff}"
    return True, f"per-sample losses and the mean match on {len(expected)} input cases"


def _gradients(expected, got, cases):
    if not isinstance(got, list) or len(got) != len(expected):
        return False, f"expected results for {len(expected)} input cases, got {str(got)[:80]}"
    for case, e, g in zip(cases, expected, got):
        g = g if isinstance(g, dict) else {}
        if g.get("gradient") is None:
            return False, f"{case_title(case)}: no gradient flows from the loss to y_pred"
        diff = array_diff(e["gradient"], g.get("gradient"), rtol=1e-4, atol=1e-7,
                          label="d loss / d y_pred at")
        if diff:
            return False, f"{case_title(case)}: {diff}"
    return True, f"gradients with respect to y_pred match on {len(expected)} input cases"


def _config(expected, got):
    if not isinstance(got, dict):
        return False, f"expected a dict, got {type(got).__name__}"
    for key in ("registered_name", "revived_type"):
        if got.get(key) != expected[key]:
            return False, f"{key}: expected {expected[key]!r}, got {got.get(key)!r}"
    if got.get("config") != expected["config"]:
        return False, f"get_config(): expected {expected['config']}, got {got.get('config')}"
    for key in ("restored_values", "revived_values"):
        diff = array_diff(got.get("values"), got.get(key), rtol=1e-6, atol=1e-7, label="sample")
        if diff:
            return False, f"a loss rebuilt from its config computes other losses ({key}): {diff}"
    return True, "get_config() round-trips and the class is registered as " + got["registered_name"]


def _save_load(expected, got):
    if not isinstance(got, dict):
        return False, f"expected a dict, got {type(got).__name__}"
    for key in ("loss_type", "loss_module"):
        if got.get(key) != expected[key]:
            return False, (f"the loaded model's loss: {key} expected {expected[key]!r}, "
                           f"got {got.get(key)!r}")
    if got.get("config") != got.get("original_config"):
        return False, (f"the loaded loss's config {got.get('config')} differs from the saved "
                       f"one {got.get('original_config')}")
    diff = array_diff(expected["history"], got.get("history"), rtol=1e-4, atol=1e-6,
                      label="epoch")
    if diff:
        return False, f"training loss (history['loss']), {diff}"
    if not got.get("weights_equal"):
        return False, "the loaded model's weights differ from the saved model's"
    diff = array_diff(got.get("evaluate"), got.get("loaded_evaluate"), rtol=1e-6, atol=1e-7,
                      label="loss")
    if diff:
        return False, f"the loaded model evaluates to another loss: {diff}"
    return True, f"a model compiled with {got['loss_type']} trains, saves to .keras and loads"


def loss_checks(task, name, cls, kwargs, *, cases, edge=(), gradients=(), save_load=None,
                bad=(), config=True, hidden=False, points=2):
    """The checks of one loss configuration.

    Args:
        task: notebook task id (``regression``, ``binary``, ...).
        name: short name of the configuration in the check ids (``bce``,
            ``bce_logits``, ``bce_hidden``, ...).
        cls: class name in ``dlkit.losses``.
        kwargs: constructor arguments.
        cases: input cases (``{"kind", "shape", "seed"}``) of the values check.
        edge: input cases of the edge-case check (exact 0/1 probabilities,
            huge logits): values must be finite and equal Keras's.
        gradients: input cases of the gradient check.
        save_load: the probe model's problem (``regression``, ``binary``,
            ``multiclass``, ``sparse``, ``signed``) for a .keras round trip.
        bad: ``(argument, value)`` pairs that must raise ``ValueError``.
        config: include the get_config round trip.
        hidden: True for instructor-only variants.
        points: points of the values and gradient checks.
    """
    prefix = f"{LAB}.{task}.{name}"
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    title = f"{cls}({args})"
    checks = [Check(f"{prefix}.values", points, "losses.loss_values",
                    {"cls": cls, "kwargs": kwargs, "cases": list(cases)},
                    partial(_values, cases=list(cases)),
                    f"{title}: per-sample losses and their mean on random inputs", hidden)]
    if edge:
        checks.append(Check(f"{prefix}.edge", 1, "losses.loss_values",
                            {"cls": cls, "kwargs": kwargs, "cases": list(edge)},
                            partial(_values, cases=list(edge)),
                            f"{title}: finite, right values on edge cases "
                            f"({'; '.join(case_title(c) for c in edge)})", hidden))
    if gradients:
        checks.append(Check(f"{prefix}.gradients", points, "losses.loss_gradients",
                            {"cls": cls, "kwargs": kwargs, "cases": list(gradients)},
                            partial(_gradients, cases=list(gradients)),
                            f"{title}: GradientTape gradient with respect to y_pred", hidden))
    if config:
        checks.append(Check(f"{prefix}.config", 1, "losses.config_roundtrip",
                            {"cls": cls, "kwargs": kwargs, "case": cases[0]}, _config,
                            f"{title}: get_config() round trip and Keras registration", hidden))
    if save_load:
        checks.append(Check(f"{prefix}.save_load", 1, "losses.save_load",
                            {"cls": cls, "kwargs": kwargs, "problem": save_load}, _save_load,
                            f"{title}: a model compiled with it trains, saves to .keras and "
                            "loads", hidden))
    if bad:
        checks.append(Check(f"{prefix}.errors", 1, "losses.bad_arguments",
                            {"cls": cls, "cases": [{**kwargs, k: v} for k, v in bad]},
                            partial(compare.value_errors, arguments=list(bad)),
                            f"{cls}: bad arguments raise ValueError naming the argument", hidden))
    return checks


def case(kind, shape, seed):
    return {"kind": kind, "shape": list(shape), "seed": seed}


# -- output layers and the gate ------------------------------------------------------------
def _choices_format(expected, got):
    if not isinstance(got, dict):
        return False, f"expected a dict, got {type(got).__name__}"
    if got.get("problems") != expected["problems"]:
        return False, (f"output_choices() must answer exactly {expected['problems']}, "
                       f"it answers {got.get('problems')}")
    malformed = got.get("malformed") or {}
    if malformed:
        problem, why = sorted(malformed.items())[0]
        return False, f"{problem}: {why}"
    return True, ("every problem has an (activation, loss) pair in the right format; "
                  "the answers themselves are graded by the course's grader")


# Test accuracy on the 30 test flowers. Measured with GATE_ARGS (`make gates SEEDS=100
# GATES_FLAGS="--lab losses"`, docs/gates.md): the reference reached 0.967 or 1.0 on each of
# seeds 0-99 (never below); a sign-flipped loss scored 0.0-0.33 on seeds 0-39 (measured
# before the gates trained in one traced epoch); a loss no gradient flows through makes the
# training raise. 0.9 leaves the reference two flowers of slack.
GATE_THRESHOLD = 0.9


def _gate(expected, got, threshold=GATE_THRESHOLD):
    if not isinstance(got, dict):
        return False, f"expected a dict, got {type(got).__name__}"
    if not got.get("finite"):
        return False, "the training loss became nan or inf"
    accuracy = got.get("test_accuracy")
    if not isinstance(accuracy, (int, float)) or accuracy < threshold:
        return False, (f"test accuracy {accuracy!r} is below {threshold:g} (the reference "
                       f"reaches {expected['test_accuracy']:.3f}); final training loss "
                       f"{got.get('final_loss')!r}")
    return True, f"test accuracy {accuracy:.3f} >= {threshold:g}"


GATE_ARGS = {"epochs": 20, "batch_size": 16, "learning_rate": 0.01}


def gate_check(seed, *, hidden=False, suffix="", points=4):
    return Check(f"{LAB}.iris_training.gate{suffix}", points,
                 "losses.iris_gate", {"seed": seed, **GATE_ARGS}, _gate,
                 f"the Iris MLP trained with your CategoricalCrossentropy (Adam, seed {seed}, "
                 f"{GATE_ARGS['epochs']} epochs) reaches test accuracy >= {GATE_THRESHOLD:g}",
                 hidden, timeout=120.0, gate=True)


CHECKS = [
    # Task 1: activations and their derivatives.
    *activation_checks("sigmoid"),
    *activation_checks("tanh"),
    *activation_checks("relu"),
    *activation_checks("leaky_relu"),
    *activation_checks("leaky_relu", {"alpha": 0.3}, suffix="_alpha"),
    # Task 2: stable softmax.
    *softmax_checks("values", [[[1.0, 2.0, 3.0, 4.0], [-1.0, 0.0, 0.5, 3.0]],
                               {"seed": 3, "shape": [4, 5], "scale": 2.0}], points=2),
    *softmax_checks("axis", [[[1.0, 2.0], [3.0, 5.0], [0.0, -1.0]]], axis=0),
    *softmax_checks("overflow", OVERFLOW_X, points=2,
                    title="softmax([1000, 1001, 1002]) and [-1000, -1001, -1002]: finite"),
    # Task 3: regression losses.
    *loss_checks("regression", "mse", "MeanSquaredError", {},
                 cases=[case("real", (6, 4), 1), case("real", (3, 4, 5), 2)],
                 gradients=[case("real", (5, 3), 3)], save_load="regression"),
    *loss_checks("regression", "mae", "MeanAbsoluteError", {},
                 cases=[case("real", (6, 4), 4), case("real", (3, 4, 5), 5)],
                 gradients=[case("real", (5, 3), 6)]),
    *loss_checks("regression", "msle", "MeanSquaredLogarithmicError", {},
                 cases=[case("nonnegative", (6, 4), 7), case("nonnegative", (3, 4, 5), 8)],
                 edge=[case("msle_edge", (5, 4), 9)],
                 gradients=[case("nonnegative", (5, 3), 10)]),
    # Task 4: binary cross-entropy.
    *loss_checks("binary", "bce", "BinaryCrossentropy", {},
                 cases=[case("binary_probs", (6, 4), 11), case("binary_probs", (3, 4, 5), 12)],
                 edge=[case("binary_edge", (6, 3), 13)],
                 gradients=[case("binary_probs", (5, 3), 14), case("binary_edge", (4, 3), 15)],
                 save_load="binary",
                 bad=[("label_smoothing", -0.1), ("label_smoothing", 1.5),
                      ("from_logits", "yes")]),
    *loss_checks("binary", "bce_logits", "BinaryCrossentropy", {"from_logits": True},
                 cases=[case("binary_logits", (6, 4), 16), case("binary_logits", (3, 4, 5), 17)],
                 edge=[case("binary_huge", (6, 3), 18)],
                 gradients=[case("binary_logits", (5, 3), 19), case("binary_huge", (4, 3), 20)],
                 config=False),
    *loss_checks("binary", "bce_smoothing", "BinaryCrossentropy", {"label_smoothing": 0.2},
                 cases=[case("binary_probs", (6, 4), 21)],
                 edge=[case("binary_edge", (6, 3), 22)],
                 gradients=[case("binary_probs", (5, 3), 23)], points=1),
    *loss_checks("binary", "bce_logits_smoothing", "BinaryCrossentropy",
                 {"from_logits": True, "label_smoothing": 0.1},
                 cases=[case("binary_logits", (6, 4), 24)],
                 edge=[case("binary_huge", (6, 3), 25)], config=False, points=1),
    # Task 5: categorical cross-entropies.
    *loss_checks("categorical", "cce", "CategoricalCrossentropy", {},
                 cases=[case("onehot_probs", (6, 4), 31), case("onehot_probs", (2, 3, 5), 32)],
                 edge=[case("onehot_edge", (8, 4), 33)],
                 gradients=[case("onehot_probs", (5, 3), 34), case("onehot_edge", (4, 3), 35)],
                 save_load="multiclass",
                 bad=[("label_smoothing", 2.0), ("label_smoothing", -0.5),
                      ("from_logits", "no")]),
    *loss_checks("categorical", "cce_logits", "CategoricalCrossentropy", {"from_logits": True},
                 cases=[case("onehot_logits", (6, 4), 36), case("onehot_logits", (2, 3, 5), 37)],
                 edge=[case("onehot_huge", (6, 4), 38)],
                 gradients=[case("onehot_logits", (5, 3), 39), case("onehot_huge", (4, 3), 40)],
                 config=False),
    *loss_checks("categorical", "cce_smoothing", "CategoricalCrossentropy",
                 {"label_smoothing": 0.1},
                 cases=[case("onehot_probs", (6, 4), 41)],
                 edge=[case("onehot_edge", (8, 4), 42)],
                 gradients=[case("onehot_probs", (5, 3), 43)], points=1),
    *loss_checks("categorical", "scce", "SparseCategoricalCrossentropy", {},
                 cases=[case("sparse_onehot_probs", (6, 4), 44),
                        case("sparse_col_onehot_probs", (5, 3), 45),
                        case("sparse_onehot_probs", (2, 3, 5), 46)],
                 edge=[case("sparse_onehot_edge", (8, 4), 47)],
                 gradients=[case("sparse_onehot_probs", (5, 3), 48)],
                 save_load="sparse", bad=[("from_logits", "yes")]),
    *loss_checks("categorical", "scce_logits", "SparseCategoricalCrossentropy",
                 {"from_logits": True},
                 cases=[case("sparse_onehot_logits", (6, 4), 49)],
                 edge=[case("sparse_onehot_huge", (6, 4), 50)],
                 gradients=[case("sparse_onehot_logits", (5, 3), 51)], config=False, points=1),
    # Task 6: hinge losses and the KL divergence.
    *loss_checks("hinge_kl", "hinge", "Hinge", {},
                 cases=[case("signed", (6, 4), 61), case("signed", (3, 4, 5), 62),
                        case("zero_one", (6, 4), 63)],
                 gradients=[case("signed", (5, 3), 64), case("zero_one", (5, 3), 65)],
                 save_load="signed"),
    *loss_checks("hinge_kl", "squared_hinge", "SquaredHinge", {},
                 cases=[case("signed", (6, 4), 66), case("signed", (3, 4, 5), 67),
                        case("zero_one", (6, 4), 68)],
                 gradients=[case("signed", (5, 3), 69)]),
    *loss_checks("hinge_kl", "kl", "KLDivergence", {},
                 cases=[case("distributions", (6, 4), 71), case("distributions", (3, 2, 5), 72)],
                 edge=[case("distributions_edge", (6, 4), 73)],
                 gradients=[case("distributions", (5, 3), 74),
                            case("distributions_edge", (4, 3), 75)]),
    # Task 7: which output layer and loss (the answers are graded by hidden checks).
    Check(f"{LAB}.output_choices.format", 1,
          "losses.output_choices_format", {}, _choices_format,
          "output_choices() answers all four problems with an (activation, loss) pair"),
    # Task 8: the Iris MLP trained with your loss.
    gate_check(0),
]
