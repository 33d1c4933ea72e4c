"""Public checks of the iris_basics lab: batches and epochs
(``dlkit.data``), the hand-written training loop (``dlkit.training``) and
the classification metrics (``dlkit.metrics``).

The builders (`iteration_checks`, `minibatch_checks`, `step_checks`,
`training_mode_check`, `fit_check`, `gate_check`, `metric_checks`) make
the checks of one configuration; the hidden variants (instructor copy)
call them with other sizes, seeds and labels.
"""

import math
from functools import partial

from autograder.core import compare
from autograder.core.catalog import Check

LAB = "iris_basics"
# The notebook's tasks in order; a check id's second part names one (see core/catalog.py).
TASKS = ("iterations", "minibatches", "training", "metrics")
# The files of src/dlkit this lab's student writes in (and their given code).
MODULES = ("data.py", "training.py", "metrics.py", "models.py", "_validation.py", "__init__.py")

# The gate: test accuracy of the lecture's Iris MLP trained with the
# student's fit_loop (Adam, categorical cross-entropy) on the 30 test
# flowers, at least 24 of 30. Chosen from measurement (`python -m
# instructor.measure.gates --lab iris_basics`): over seeds 0-99 the reference scored
# 0.900-1.000 on the public gate and 0.967-1.000 on the hidden one (never
# below 0.8); over 100 seeds a loop that never applies the gradients scored
# at most 0.667, gradient ascent at most 0.333, labels shuffled apart from
# the features at most 0.533 (none passed).
GATE_ACCURACY = 0.8


def _fmt(value):
    return compare._fmt(value)


def _is_int_type(name):
    return name == "int" or name.startswith(("int", "uint"))


# -- task iterations ------------------------------------------------------------
def _iterations(expected, got, cases, lecture_epochs=None):
    values, types = got.get("values"), got.get("types") or []
    if not isinstance(values, list) or len(values) != len(cases):
        return False, f"expected {len(cases)} results, got {values!r}"
    for (n, b), e, g, kind in zip(cases, expected["values"], values, types):
        call = f"iterations_per_epoch({n}, {b})"
        if g != e:
            detail = f"{call}: expected {e}, got {_fmt(g)}"
            if g == n // b and e == -(-n // b):
                detail += " - floor division drops the partial last batch; it counts as one"
            return False, detail
        if not _is_int_type(kind):
            return False, f"{call} returned {_fmt(g)}, a {kind}: return an int"
    if lecture_epochs is not None:
        for (n, b), e, g in zip(cases, expected["updates"], got.get("updates") or []):
            if g != e:
                return False, (f"{lecture_epochs} epochs of iterations_per_epoch({n}, {b}) "
                               f"updates: expected {e}, got {_fmt(g)}")
        return True, (f"iterations_per_epoch(200, 5) = {expected['values'][0]}, "
                      f"{expected['updates'][0]:,} updates in {lecture_epochs:,} epochs")
    return True, f"all {len(cases)} cases match"


def iteration_checks(name, cases, *, hidden=False, points=2, epochs=None, bad=(), title=""):
    """The check ``iris_basics.iterations.<name>`` of ``iterations_per_epoch``
    on `cases` (``[n, b]`` pairs; with `epochs`, also the updates in that many
    epochs) and, if `bad` is given (``(argument, value)`` pairs, the other
    argument valid), ``iris_basics.iterations.errors<suffix>`` where
    ``<suffix>`` is what follows the first ``_`` of `name` (``""`` if none)."""
    args = {"cases": [list(c) for c in cases]}
    if epochs is not None:
        args["epochs"] = epochs
    checks = [
        Check(f"{LAB}.iterations.{name}", points, "iris_basics.iterations",
              args, partial(_iterations, cases=cases, lecture_epochs=epochs),
              title or f"iterations_per_epoch on {len(cases)} cases", hidden),
    ]
    if bad:
        suffix = name[name.index("_"):] if "_" in name else ""
        valid = {"n_samples": 10, "batch_size": 3}
        kwargs = [{**valid, arg: value} for arg, value in bad]
        checks.append(
            Check(f"{LAB}.iterations.errors{suffix}", 1,
                  "iris_basics.iteration_errors", {"cases": kwargs},
                  partial(compare.value_errors, arguments=list(bad), function="iterations_per_epoch"),
                  "iterations_per_epoch: bad arguments raise ValueError naming the argument",
                  hidden))
    return checks


LECTURE_CASE = (200, 5)
LECTURE_EPOCHS = 1000

# -- task minibatches -----------------------------------------------------------
def _valid_epoch(batches):
    return isinstance(batches, list) and all(
        isinstance(b, list) and all(isinstance(i, int) for i in b) for b in batches)


def _cover(expected, got, n_samples, batch_size):
    sizes = [len(b) for b in expected["batches"]]
    listings = [("the first call", got.get("batches")), ("the second call", got.get("again"))]
    listings += [(f"epoch {e} (Generator seed)", batches)
                 for e, batches in enumerate(got.get("epochs") or [])]
    if len(listings) != 2 + len(expected["epochs"]):
        return False, f"expected {len(expected['epochs'])} epochs, got {len(listings) - 2}"
    for where, batches in listings:
        if not _valid_epoch(batches):
            return False, f"{where}: the batches are not arrays of integer indices: {batches!r}"
        got_sizes = [len(b) for b in batches]
        if got_sizes != sizes:
            detail = (f"{where}: batch sizes expected {sizes} "
                      f"({n_samples} samples in batches of {batch_size}), got {got_sizes}")
            if got_sizes == sizes[:-1]:
                detail += " - the partial last batch is missing"
            return False, detail
        counts = {}
        for i in (i for b in batches for i in b):
            counts[i] = counts.get(i, 0) + 1
        for i in range(n_samples):
            if counts.get(i, 0) != 1:
                return False, f"{where}: index {i} appears {counts.get(i, 0)} times, not once"
        extra = sorted(set(counts) - set(range(n_samples)))
        if extra:
            return False, f"{where}: index {extra[0]} is out of range(0, {n_samples})"
    return True, (f"every epoch has every index 0-{n_samples - 1} exactly once, "
                  f"in batches of {sizes}")


def _first_difference(expected, got, label="batch"):
    """Message for the first batch that differs, or None."""
    if not isinstance(got, list):
        return f"expected a list of batches, got {got!r}"
    for i, (e, g) in enumerate(zip(expected, got)):
        if e != g:
            return f"{label} {i}: expected {e}, got {g}"
    if len(got) != len(expected):
        return f"expected {len(expected)} {label}es, got {len(got)}"
    return None


def _order(expected, got, seed):
    problem = _first_difference(expected["batches"], got.get("batches"))
    if problem is None:
        return True, f"the batches follow np.random.default_rng({seed}).permutation(n)"
    flat = [i for b in got.get("batches") or [] if isinstance(b, list) for i in b]
    if flat == sorted(flat) and len(flat) > 1:
        problem += " - the indices are in order: shuffle=True must permute them"
    return False, problem + f" (the order must be np.random.default_rng({seed}).permutation(n))"


def _repeatable(expected, got, seed):
    problem = _first_difference(got.get("batches"), got.get("again"))
    if problem is None:
        return True, f"two calls with seed={seed} give the same batches"
    return False, f"two calls with seed={seed} give different batches: second call, {problem}"


def _per_epoch(expected, got):
    epochs = got.get("epochs")
    if not isinstance(epochs, list) or len(epochs) != len(expected["epochs"]):
        return False, f"expected {len(expected['epochs'])} epochs, got {epochs!r}"
    for e, (want, have) in enumerate(zip(expected["epochs"], epochs)):
        problem = _first_difference(want, have)
        if problem is not None:
            detail = f"epoch {e}, {problem}"
            if e > 0 and have == epochs[0]:
                detail += (" - the same order as epoch 0: with a Generator as seed each call "
                           "must draw the next permutation (np.random.default_rng passes a "
                           "Generator through unchanged)")
            return False, detail
    return True, f"{len(epochs)} epochs drawn from one Generator, a new permutation each"


def _no_shuffle(expected, got):
    problem = _first_difference(expected["batches"], got.get("batches"))
    if problem is None:
        return True, "shuffle=False keeps the order 0, 1, 2, ..."
    return False, problem + " (shuffle=False keeps the order 0, 1, 2, ...)"


def minibatch_checks(n_samples, batch_size, seed, epochs, *, suffix="", hidden=False,
                     points=(2, 2, 1, 2)):
    """Checks of ``minibatch_indices(n_samples, batch_size, seed)``: coverage
    and sizes, the documented order, repeatability, a new order every epoch.
    `points` for (cover, order, repeatable, per_epoch); 0 leaves one out."""
    args = {"n_samples": n_samples, "batch_size": batch_size, "seed": seed, "epochs": epochs}
    title = f"minibatch_indices({n_samples}, {batch_size}, seed={seed})"
    specs = [
        ("cover", partial(_cover, n_samples=n_samples, batch_size=batch_size),
         f"{title}: every index once per epoch, partial last batch kept"),
        ("order", partial(_order, seed=seed),
         f"{title}: the order is np.random.default_rng(seed).permutation(n)"),
        ("repeatable", partial(_repeatable, seed=seed), f"{title}: same seed, same batches"),
        ("per_epoch", _per_epoch,
         f"{title}: a Generator as seed gives a new permutation every epoch"),
    ]
    return [Check(f"{LAB}.minibatches.{what}{suffix}", p,
                  "iris_basics.minibatches", args, fn, description, hidden)
            for (what, fn, description), p in zip(specs, points) if p]


# -- task training --------------------------------------------------------------
MLP = {"inputs": 4, "layers": [[5, "tanh"], [3, "softmax"]], "weights_seed": 0}
SOFTMAX_REGRESSION = {"inputs": 4, "layers": [[3, "softmax"]], "weights_seed": 1}
# BatchNormalization normalizes with the batch's statistics, and updates its
# moving mean and variance, only when called with training=True.
MLP_BATCHNORM = {"inputs": 4, "layers": [[5, "tanh"], ["BatchNormalization", {"momentum": 0.9}],
                                         [3, "softmax"]], "weights_seed": 2}


def _diagnose(expected, got):
    """Why weights differ, when the pattern says so."""
    initial = got.get("initial")
    weights, want = got.get("weights"), expected["weights"]
    if not (isinstance(initial, list) and isinstance(weights, list)
            and len(weights) == len(want) == len(initial)):
        return ""
    if weights == initial:
        return " - the weights did not change: are the gradients applied?"
    moved = [g - i for g, i in zip(weights, initial)]
    wanted = [e - i for e, i in zip(want, initial)]
    if all(math.isclose(m, -w, rel_tol=1e-3, abs_tol=1e-7) for m, w in zip(moved, wanted)):
        return " - every weight moved the opposite way: the update climbs the gradient"
    return ""


def _weights(expected, got, rtol=1e-5):
    ok, message = compare.sequence(expected["weights"], got.get("weights"), label="weight",
                                   rtol=rtol, atol=1e-6, what="weights")
    if ok:
        return True, f"all {len(expected['weights'])} weights after the update match Keras"
    return False, message + _diagnose(expected, got)


def _moving_unchanged(expected, got):
    """The message when the BatchNormalization moving statistics kept their
    values (the forward pass ran in inference mode), else None."""
    moving, initial, weights = expected.get("moving"), got.get("initial"), got.get("weights")
    if not (moving and isinstance(initial, list) and isinstance(weights, list)
            and len(initial) == len(weights) == len(expected["weights"])):
        return None
    changed = [i for i in moving if not math.isclose(expected["weights"][i], initial[i],
                                                      rel_tol=1e-5, abs_tol=1e-6)]
    if not changed or any(weights[i] != initial[i] for i in moving):
        return None
    i = changed[0]
    return (f"weight {i} (a BatchNormalization moving statistic): expected "
            f"{_fmt(expected['weights'][i])}, got {_fmt(weights[i])}, its value before the "
            "steps - the moving mean and variance never changed: call the model with "
            "training=True, which normalizes with the batch's statistics and updates them")


def _training_mode(expected, got):
    message = _moving_unchanged(expected, got)
    if message:
        return False, message
    ok, message = _weights(expected, got)
    if not ok:
        return False, message
    ok, message = compare.sequence(expected["losses"], got.get("losses"), label="call",
                                   rtol=1e-5, atol=1e-7, what="returned losses")
    if not ok:
        return False, message + (" (the loss of model(x, training=True): BatchNormalization "
                                 "normalizes with the batch's statistics)")
    return True, (f"the losses and all {len(expected['weights'])} weights, the moving mean and "
                  "variance included, match Keras's train_on_batch")


def _step_losses(expected, got):
    ok, message = compare.sequence(expected["losses"], got.get("losses"), label="call",
                                   rtol=1e-5, atol=1e-7, what="returned losses")
    if ok:
        return True, "train_step returns the batch loss before the update"
    return False, message + " (train_step returns the batch's loss before the update)"


def _fit(expected, got):
    ok, message = compare.sequence(expected["loss"], got.get("loss"), label="epoch",
                                   rtol=1e-5, atol=1e-7, what="epoch losses")
    if not ok:
        return False, message
    ok, message = compare.sequence(expected["weights"], got.get("weights"), label="weight",
                                   rtol=1e-4, atol=1e-6, what="final weights")
    if not ok:
        return False, "the epoch losses match but the final weights differ: " + message
    return True, f"{len(expected['loss'])} epoch losses and the final weights match"


def step_checks(model, optimizer, n_samples, data_seed, steps, *, suffix, points, hidden=False,
                title, loss_points=0):
    args = {"model": model, "optimizer": optimizer, "n_samples": n_samples,
            "data_seed": data_seed, "steps": steps}
    checks = [Check(f"{LAB}.training.train_step{suffix}", points,
                    "iris_basics.train_step", args, _weights,
                    f"train_step: weights after {title} equal Keras's train_on_batch", hidden)]
    if loss_points:
        checks.append(Check(f"{LAB}.training.train_step_loss{suffix}",
                            loss_points, "iris_basics.train_step", args, _step_losses,
                            "train_step returns the batch loss before the update", hidden))
    return checks


def training_mode_check(model, optimizer, n_samples, data_seed, steps, *, suffix, points,
                        hidden=False, title):
    """``iris_basics.training.train_step<suffix>``: `steps` calls of
    train_step on a model with a BatchNormalization layer; the returned
    losses and all weights (moving statistics included) against Keras."""
    args = {"model": model, "optimizer": optimizer, "n_samples": n_samples,
            "data_seed": data_seed, "steps": steps}
    return Check(f"{LAB}.training.train_step{suffix}", points,
                 "iris_basics.train_step", args, _training_mode,
                 f"train_step in training mode: losses and weights after {title} equal "
                 "Keras's train_on_batch", hidden)


def fit_check(name, model, optimizer, n_samples, data_seed, batch_size, epochs, seed, *,
              shuffle=True, points=1, hidden=False, title=""):
    args = {"model": model, "optimizer": optimizer, "n_samples": n_samples,
            "data_seed": data_seed, "batch_size": batch_size, "epochs": epochs, "seed": seed,
            "shuffle": shuffle}
    return Check(f"{LAB}.training.{name}", points, "iris_basics.fit", args,
                 _fit, title or f"fit_loop: {n_samples} samples, batch_size={batch_size}, "
                 f"{epochs} epochs, seed={seed}: epoch losses and final weights", hidden)


def _gate(expected, got, threshold, epochs):
    accuracy = got.get("test_accuracy")
    if not isinstance(accuracy, (int, float)):
        return False, f"no test accuracy: {got!r}"
    if not got.get("finite"):
        return False, f"the epoch losses are not finite numbers (last: {got.get('final_loss')!r})"
    summary = (f"test accuracy {accuracy:.3f} ({round(accuracy * 30)} of 30 flowers) after "
               f"{epochs} epochs of your fit_loop")
    if accuracy >= threshold:
        return True, f"{summary}; the gate is {threshold}"
    return False, (f"{summary}, below the gate {threshold} (the reference reaches "
                   f"{expected['test_accuracy']:.3f}; final training loss "
                   f"{_fmt(got.get('final_loss'))} vs {_fmt(expected['final_loss'])})")


def gate_check(name, seed, epochs, batch_size, learning_rate, *, points, hidden=False,
               threshold=GATE_ACCURACY):
    return Check(f"{LAB}.training.{name}", points, "iris_basics.trained_iris",
                 {"seed": seed, "epochs": epochs, "batch_size": batch_size,
                  "learning_rate": learning_rate},
                 partial(_gate, threshold=threshold, epochs=epochs),
                 f"the lecture's Iris MLP trained with your fit_loop (Adam({learning_rate}), "
                 f"batch_size={batch_size}, {epochs} epochs) reaches test accuracy {threshold}",
                 hidden, timeout=60.0, gate=True)


# -- task metrics ---------------------------------------------------------------
def _float_value(expected, got, what):
    value = got.get("value")
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False, f"{what}: expected a number, got {value!r} ({got.get('type')})"
    if not math.isclose(value, expected["value"], rel_tol=1e-9, abs_tol=1e-12):
        return False, f"{what}: expected {_fmt(expected['value'])}, got {_fmt(value)}"
    return True, f"{what} = {_fmt(value)}, as scikit-learn's"


def _matrix(expected, got):
    want, have = expected["value"], got.get("value")
    n = len(want)
    if (not isinstance(have, list) or len(have) != n
            or any(not isinstance(r, list) or len(r) != n for r in have)):
        return False, f"expected a {n} x {n} matrix, got {have!r}"
    for i in range(n):
        for j in range(n):
            if have[i][j] != want[i][j]:
                detail = (f"element ({i}, {j}) (true class {i}, predicted {j}): expected "
                          f"{want[i][j]}, got {_fmt(have[i][j])}")
                if all(have[a][b] == want[b][a] for a in range(n) for b in range(n)):
                    detail += " - the matrix is transposed: rows are true classes"
                return False, detail
    return True, "the confusion matrix equals scikit-learn's"


def _per_class(expected, got, what):
    ok, message = compare.sequence(expected["value"], got.get("value"), label="class",
                                   rtol=1e-9, atol=1e-12, what=what)
    if not ok and "not finite" in message:
        message += " - a ratio 0 / 0 is 0.0 by the convention"
    return ok, message if not ok else f"{what} of every class equal scikit-learn's"


def _counts(expected, got):
    names = ("TP", "FN", "FP", "TN")
    have = got.get("value")
    if not isinstance(have, list) or len(have) != 4:
        return False, f"expected four arrays (tp, fn, fp, tn), got {have!r}"
    for name, want, values in zip(names, expected["value"], have):
        ok, message = compare.sequence(want, values, label="class", what=f"{name} counts")
        if not ok:
            return False, f"{name}: {message}"
    return True, "TP, FN, FP and TN of every class match"


def metric_checks(case, y_true, y_pred, n_classes, *, points, hidden=False, suffix=""):
    """Checks of the metrics on one pair of label arrays.

    `points` maps each of ``accuracy``, ``confusion_matrix``, ``counts``,
    ``sensitivity`` and ``specificity`` to its points (missing: no check).
    """
    compares = {
        "accuracy": partial(_float_value, what="accuracy"),
        "confusion_matrix": _matrix,
        "counts": _counts,
        "sensitivity": partial(_per_class, what="sensitivities"),
        "specificity": partial(_per_class, what="specificities"),
    }
    functions = {"counts": "one_vs_rest_counts"}
    checks = []
    for what, p in points.items():
        name = functions.get(what, what)
        args = {"name": name, "y_true": list(y_true), "y_pred": list(y_pred)}
        if what != "accuracy":
            args["n_classes"] = n_classes
        checks.append(Check(f"{LAB}.metrics.{what}{suffix}", p,
                            "iris_basics.metric", args, compares[what],
                            f"{name}: {case}, against scikit-learn", hidden))
    return checks


# 12 flowers of 3 classes, 8 predicted right.
Y_TRUE = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]
Y_PRED = [0, 0, 1, 0, 1, 1, 2, 1, 2, 0, 2, 1]
# Class 2 occurs but is never predicted: its sensitivity is 0, its specificity 1.
Y_TRUE_NEVER = [0, 1, 2, 2, 1, 0, 2, 1, 0, 2]
Y_PRED_NEVER = [0, 1, 1, 1, 1, 0, 0, 1, 0, 1]

CHECKS = [
    *iteration_checks("lecture", [LECTURE_CASE], points=1, epochs=LECTURE_EPOCHS,
                      title=f"the lecture's 200 samples in batches of 5, over "
                            f"{LECTURE_EPOCHS:,} epochs"),
    *iteration_checks("partial",
                      [(201, 5), (199, 5), (90, 16), (10, 4), (1, 5), (150, 200), (91, 9)],
                      title="iterations_per_epoch with a partial last batch"),
    *iteration_checks("exact", [(5, 5), (0, 5), (1, 1), (150, 150), (96, 16)],
                      points=1, title="iterations_per_epoch when the batches fit exactly",
                      bad=[("n_samples", -1), ("batch_size", 0), ("batch_size", 2.5),
                           ("batch_size", -4)]),
    *minibatch_checks(10, 4, seed=3, epochs=3),
    Check(f"{LAB}.minibatches.no_shuffle", 1, "iris_basics.minibatches",
          {"n_samples": 10, "batch_size": 3, "seed": 0, "shuffle": False, "epochs": 1},
          _no_shuffle, "minibatch_indices(10, 3, shuffle=False): indices in order"),
    *step_checks(SOFTMAX_REGRESSION, {"name": "SGD", "kwargs": {"learning_rate": 0.5}},
                 n_samples=6, data_seed=0, steps=1, suffix="", points=2, loss_points=1,
                 title="one SGD step on a softmax regression"),
    *step_checks(MLP, {"name": "Adam", "kwargs": {"learning_rate": 0.05}}, n_samples=8,
                 data_seed=1, steps=3, suffix="_adam", points=2,
                 title="three Adam steps on a small MLP"),
    training_mode_check(MLP_BATCHNORM, {"name": "SGD", "kwargs": {"learning_rate": 0.1}},
                        n_samples=8, data_seed=4, steps=2, suffix="_batchnorm", points=2,
                        title="two SGD steps on an MLP with BatchNormalization"),
    fit_check("fit_minibatch", MLP, {"name": "SGD", "kwargs": {"learning_rate": 0.2}},
              n_samples=10, data_seed=2, batch_size=4, epochs=3, seed=1, points=3,
              title="fit_loop, mini-batch: 10 samples in batches of 4 (4, 4, 2), 3 epochs, "
                    "seed=1: epoch losses and final weights"),
    fit_check("fit_batch_gd", MLP, {"name": "SGD", "kwargs": {"learning_rate": 0.2}},
              n_samples=10, data_seed=2, batch_size=10, epochs=3, seed=1,
              title="fit_loop, batch gradient descent (batch_size=10 of 10 samples), 3 epochs"),
    fit_check("fit_sgd", MLP, {"name": "SGD", "kwargs": {"learning_rate": 0.05}},
              n_samples=6, data_seed=3, batch_size=1, epochs=2, seed=2,
              title="fit_loop, stochastic gradient descent (batch_size=1), 2 epochs, seed=2"),
    fit_check("fit_no_shuffle", MLP, {"name": "SGD", "kwargs": {"learning_rate": 0.2}},
              n_samples=10, data_seed=2, batch_size=4, epochs=2, seed=1, shuffle=False,
              title="fit_loop(shuffle=False) equals Keras fit(shuffle=False)"),
    gate_check("gate", seed=0, epochs=60, batch_size=16, learning_rate=0.01, points=3),
    *metric_checks("12 flowers, 3 classes", Y_TRUE, Y_PRED, 3,
                   points={"accuracy": 1, "confusion_matrix": 2, "counts": 1,
                           "sensitivity": 2, "specificity": 2}),
    *metric_checks("class 2 never predicted", Y_TRUE_NEVER, Y_PRED_NEVER, 3,
                   points={"confusion_matrix": 1, "sensitivity": 1, "specificity": 1},
                   suffix="_never_predicted"),
]
