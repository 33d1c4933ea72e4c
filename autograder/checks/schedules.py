"""Public checks of the schedules lab (``dlkit.callbacks``).

`schedule_checks` builds the checks of one schedule configuration; the
hidden variants (instructor copy) call it with other hyperparameters.
"""

from functools import partial

from autograder.core import compare
from autograder.core.catalog import Check
from autograder.worker.probes.schedules import SENTINEL_RATE

LAB = "schedules"
# The notebook's tasks in order; a check id's second part names one (see core/catalog.py).
TASKS = ("step_decay", "inverse_time", "exponential", "cyclic")
# The files of src/dlkit this lab's student writes in (and their given code).
MODULES = ("callbacks.py",)


def _never_set(rate):
    """A hint when a rate is still the probe's starting rate."""
    if isinstance(rate, (int, float)) and not isinstance(rate, bool) and rate == SENTINEL_RATE:
        return f" - the rate was never set ({SENTINEL_RATE:g} is the grader's starting rate)"
    return ""


def _rates(expected, got, label):
    return compare.sequence(expected["batch_rates"], got.get("batch_rates"), label=label,
                            what="rates", explain=_never_set)


def _logs(expected, got):
    return compare.sequence(expected["epoch_logs"], got.get("epoch_logs"), label="epoch",
                            what='logs["learning_rate"] values', explain=_never_set)


def _fit(expected, got):
    return compare.sequence(expected["applied_rates"], got.get("applied_rates"),
                            label="batch", what="applied rates", rtol=1e-5,
                            explain=_never_set)


def _config(expected, got):
    ok, msg = compare.mapping(expected, got, keys=["config", "registered_name", "revived_type"])
    if not ok:
        return ok, msg
    for key in ("restored_rates", "revived_rates"):
        if got.get(key) != got.get("rates"):
            return False, f"a callback rebuilt from get_config() gives other rates ({key})"
    return True, "get_config() round-trips and the class is registered as " + got["registered_name"]


def _save_load(expected, got):
    pairs = [("loaded_rate", "rate"), ("loaded_iterations", "iterations"),
             ("loaded_next_rates", "next_rates")]
    for loaded, original in pairs:
        if got.get(loaded) != got.get(original):
            return False, (f"after .keras save/load, {loaded} = {got.get(loaded)!r} but the "
                           f"trained model has {original} = {got.get(original)!r}")
    if not got.get("weights_equal"):
        return False, "the loaded model's weights differ from the saved model's"
    return compare.mapping(expected, got, keys=["iterations"])


def schedule_checks(task, cls, kwargs, *, epochs, batches_per_epoch=1, bad=(), hidden=False,
                    suffix="", title="", fit=True):
    """The checks of one callback configuration.

    Args:
        task: notebook task id (``step_decay``, ...).
        cls: class name in ``dlkit.callbacks``.
        kwargs: constructor arguments.
        epochs: epochs to drive.
        batches_per_epoch: batches per epoch in the scripted run; per-batch
            schedules need more than one.
        bad: ``(argument, value)`` pairs that must raise ``ValueError``.
        hidden: True for instructor-only variants.
        suffix: appended to every check id (distinguishes variants).
        title: human-readable name of the configuration.
        fit: include the real-``fit`` check (each costs a ``fit`` call).
    """
    prefix = f"{LAB}.{task}{suffix}"
    title = title or f"{cls}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
    per_batch = batches_per_epoch > 1
    label = "iteration" if per_batch else "epoch"
    hooks = {"cls": cls, "kwargs": kwargs, "epochs": epochs,
             "batches_per_epoch": batches_per_epoch}
    n_samples = 5 * batches_per_epoch - 2 if per_batch else 7  # a partial last batch
    checks = [
        Check(f"{prefix}.rates", 2, "schedules.scripted_hooks", hooks,
              partial(_rates, label=label),
              f"{title}: rate before every {label}, {label}s 0-{epochs * batches_per_epoch - 1}",
              hidden),
        Check(f"{prefix}.logs", 1, "schedules.scripted_hooks", hooks, _logs,
              f'{title}: logs["learning_rate"] at the end of every epoch', hidden),
    ]
    if fit:
        checks.append(Check(f"{prefix}.fit", 2, "schedules.fit_rates",
              {"cls": cls, "kwargs": kwargs, "epochs": min(epochs, 6), "n_samples": n_samples,
               "batch_size": 5 if per_batch else 4},
              _fit, f"{title}: the rate the optimizer applied to every batch in a real fit",
              hidden))
    if hidden or suffix:  # variants re-test the numbers, not the plumbing
        return checks
    checks += [
        Check(f"{prefix}.config", 1, "schedules.config_roundtrip",
              {"cls": cls, "kwargs": kwargs, "steps": 12}, _config,
              f"{title}: get_config() round trip and Keras registration"),
        Check(f"{prefix}.save_load", 1, "schedules.save_load",
              {"cls": cls, "kwargs": kwargs, "epochs": 3, "more_epochs": 2}, _save_load,
              f"{title}: a model trained with it saves to .keras and resumes"),
    ]
    if bad:
        base = dict(kwargs)
        cases = [{**base, name: value} for name, value in bad]
        checks.append(
            Check(f"{prefix}.errors", 1, "schedules.bad_arguments",
                  {"cls": cls, "cases": cases}, partial(compare.value_errors, arguments=list(bad)),
                  f"{cls}: bad arguments raise ValueError naming the argument")
        )
    return checks


CHECKS = [
    *schedule_checks(
        "step_decay", "StepDecay",
        {"initial_learning_rate": 0.1, "drop": 0.5, "epochs_per_drop": 3}, epochs=12,
        bad=[("initial_learning_rate", -0.1), ("drop", 1.5), ("epochs_per_drop", 0)],
    ),
    *schedule_checks(
        "inverse_time", "InverseTimeDecay", {"initial_learning_rate": 0.2, "decay_rate": 1.0},
        epochs=10, bad=[("initial_learning_rate", 0.0), ("decay_rate", -1.0),
                        ("per", "step")],
        title="InverseTimeDecay(0.2, 1.0), the lecture's table",
    ),
    *schedule_checks(
        "inverse_time", "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_rate": 0.05, "per": "batch"},
        epochs=3, batches_per_epoch=5, suffix="_per_batch",
    ),
    *schedule_checks(
        "exponential", "ExponentialDecay", {"initial_learning_rate": 0.1, "decay_rate": 0.3},
        epochs=10, bad=[("initial_learning_rate", -1.0), ("decay_rate", -0.1)],
    ),
    *schedule_checks(
        "exponential", "ExponentialDecay",
        {"initial_learning_rate": 0.05, "decay_rate": 0.02, "per": "batch"},
        epochs=3, batches_per_epoch=5, suffix="_per_batch",
    ),
    *schedule_checks(
        "cyclic", "CyclicLR", {"base_lr": 0.001, "max_lr": 0.006, "step_size": 4},
        epochs=3, batches_per_epoch=7,
        bad=[("step_size", 0), ("mode", "sawtooth"), ("max_lr", 0.0001), ("gamma", 0.0)],
    ),
    *schedule_checks(
        "cyclic", "CyclicLR",
        {"base_lr": 0.001, "max_lr": 0.006, "step_size": 3, "mode": "triangular2"},
        epochs=3, batches_per_epoch=7, suffix="_triangular2", fit=False,
    ),
    *schedule_checks(
        "cyclic", "CyclicLR",
        {"base_lr": 0.001, "max_lr": 0.006, "step_size": 3, "mode": "exp_range",
         "gamma": 0.97},
        epochs=3, batches_per_epoch=7, suffix="_exp_range", fit=False,
    ),
]
