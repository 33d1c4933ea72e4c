"""Learning-rate schedules as Keras callbacks.

Lab ``schedules``. You write the bodies that raise ``NotImplementedError``
in your copy (each says what to do in a ``TODO`` line above it). Everything
else is given; read it, it is the contract your code must meet.

Lab ``regularization``: `EarlyStopping`, at the end of this file (its own
docstring states its conventions).

Conventions that change the numbers (from the course contract):

- Epochs and iterations are counted from 0, exactly as Keras passes them to
  the callback hooks. The lecture numbers epochs from 1: its table
  "0.2 -> 0.1, 0.0667, 0.05, 0.04" for ``InverseTimeDecay(0.2, 1.0)`` is
  epochs 1-4 of 0, 1, 2, 3, 4 here (epoch 0 runs at 0.2).
- A schedule sets ``model.optimizer.learning_rate`` *before* the epoch (or
  batch) it governs: in ``on_epoch_begin`` for ``per="epoch"``, in
  ``on_train_batch_begin`` for ``per="batch"``.
- The global iteration of a batch is ``model.optimizer.iterations``, the
  number of updates the optimizer has applied before it (0 for the first
  batch of the first ``fit``; it keeps counting across epochs and across
  ``fit`` calls, and is restored from a ``.keras`` file).
- At the end of every epoch the callback records the optimizer's current
  rate (the rate of the last batch) as ``logs["learning_rate"]``.
- Bad arguments raise ``ValueError`` naming the argument and ending with
  ``Received: ...``: use the helpers in ``dlkit._validation``.

Example:

>>> import keras
>>> from dlkit.callbacks import InverseTimeDecay
>>> schedule = InverseTimeDecay(0.2, decay_rate=1.0)
>>> [round(schedule.schedule(e), 4) for e in range(5)]
[0.2, 0.1, 0.0667, 0.05, 0.04]
>>> # model.fit(x, y, epochs=5, callbacks=[schedule])
"""

import math
import numbers
import warnings

import keras

from dlkit._validation import (
    as_integer,
    check_in_range,
    check_non_negative,
    check_one_of,
    check_positive,
    check_positive_int,
)

__all__ = [
    "ScheduleCallback",
    "StepDecay",
    "InverseTimeDecay",
    "ExponentialDecay",
    "CyclicLR",
    "EarlyStopping",
]


def _as_float(value):
    return float(keras.ops.convert_to_numpy(value))


class ScheduleCallback(keras.callbacks.Callback):
    """Base class: drives the optimizer's learning rate from `schedule(step)`.

    Subclasses implement `schedule(step)`, the rate for epoch `step`
    (``per="epoch"``) or global iteration `step` (``per="batch"``).

    Args:
        per: ``"epoch"`` to change the rate before every epoch, or
            ``"batch"`` to change it before every training batch.
            Defaults to ``"epoch"``.
    """

    def __init__(self, per="epoch"):
        super().__init__()
        check_one_of("per", per, ("epoch", "batch"))
        self.per = per

    @classmethod
    def from_config(cls, config):
        """Rebuilds the callback from `get_config()`'s dict."""
        return cls(**config)

    def schedule(self, step):
        """Returns the learning rate (a Python float) for `step`."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement schedule(step)."
        )

    def _set_rate(self, step):
        self.model.optimizer.learning_rate = float(self.schedule(step))

    def on_epoch_begin(self, epoch, logs=None):
        """Sets the rate of epoch `epoch` (0-based) when ``per="epoch"``."""
        ### BEGIN SOLUTION
        ### HINT: a schedule with per='epoch' changes the rate before each epoch, using the epoch number Keras passes (counted from 0); per='batch' schedules do nothing here. The base class already has a helper that sets the rate.
        if self.per == "epoch":
            self._set_rate(epoch)
        ### END SOLUTION

    def on_train_batch_begin(self, batch, logs=None):
        """Sets the rate of the coming batch when ``per="batch"``.

        `batch` is the index within the epoch; the schedule needs the global
        iteration, ``self.model.optimizer.iterations`` (read it as an int).
        """
        ### BEGIN SOLUTION
        ### HINT: only when self.per == "batch": the step is the optimizer's iteration count, int(...) of it.
        if self.per == "batch":
            iteration = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
            self._set_rate(iteration)
        ### END SOLUTION

    def on_epoch_end(self, epoch, logs=None):
        """Records the optimizer's current rate as ``logs["learning_rate"]``."""
        ### BEGIN SOLUTION
        ### HINT: logs may be None; store a Python float read from self.model.optimizer.learning_rate.
        if logs is not None:
            logs["learning_rate"] = _as_float(self.model.optimizer.learning_rate)
        ### END SOLUTION


@keras.saving.register_keras_serializable(package="dlkit")
class StepDecay(ScheduleCallback):
    """Drops the learning rate by a factor every `epochs_per_drop` epochs.

    ``lr(e) = initial_learning_rate * drop ** floor(e / epochs_per_drop)``
    for epoch ``e`` counted from 0.

    Args:
        initial_learning_rate: rate of epochs ``0 .. epochs_per_drop - 1``;
            a positive number.
        drop: factor applied at every drop, in ``(0, 1]``. Defaults to 0.5.
        epochs_per_drop: epochs between two drops, a positive integer (an
            integral float such as ``10.0`` is taken as that integer).
            Defaults to 10.

    Example:

    >>> [StepDecay(0.1, drop=0.5, epochs_per_drop=2).schedule(e) for e in range(5)]
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """

    def __init__(self, initial_learning_rate, drop=0.5, epochs_per_drop=10):
        super().__init__(per="epoch")
        epochs_per_drop = as_integer(epochs_per_drop)  # 10.0 is taken as 10
        self.initial_learning_rate = initial_learning_rate
        self.drop = drop
        self.epochs_per_drop = epochs_per_drop
        ### BEGIN SOLUTION
        ### HINT: validate every argument with the helpers imported from dlkit._validation (a positive rate, a drop factor in (0, 1], a positive integer period) before storing it; the docstring lists each rule.
        check_positive("initial_learning_rate", initial_learning_rate)
        check_in_range("drop", drop, 0, 1)
        check_positive_int("epochs_per_drop", epochs_per_drop)
        ### END SOLUTION

    def schedule(self, step):
        """Returns the rate for epoch `step` (0-based) as a Python float."""
        ### BEGIN SOLUTION
        ### HINT: the rate is multiplied by `drop` once every `epochs_per_drop` epochs: how many whole periods have passed is a floor division (math.floor). Pitfall: epochs count from 0, so epochs 0 to epochs_per_drop - 1 keep the initial rate; return a Python float.
        ### MORE: Check against the docstring's table before running the check cell: with drop 0.5 every 10 epochs, epoch 9 still has lr0 and epoch 10 has lr0 / 2.
        exponent = math.floor(step / self.epochs_per_drop)
        return float(self.initial_learning_rate * self.drop**exponent)
        ### END SOLUTION

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "drop": self.drop,
            "epochs_per_drop": self.epochs_per_drop,
        }


@keras.saving.register_keras_serializable(package="dlkit")
class InverseTimeDecay(ScheduleCallback):
    """Time-based decay: ``lr(t) = initial_learning_rate / (1 + decay_rate * t)``.

    ``t`` is the epoch (``per="epoch"``) or the global iteration
    (``per="batch"``), counted from 0. It equals
    ``keras.optimizers.schedules.InverseTimeDecay`` with ``decay_steps=1``.

    Args:
        initial_learning_rate: rate at ``t = 0``; a positive number.
        decay_rate: how fast the rate falls; a non-negative number
            (0 keeps it constant).
        per: ``"epoch"`` or ``"batch"``. Defaults to ``"epoch"``.

    Example (the lecture's table, epochs 0-4):

    >>> [round(InverseTimeDecay(0.2, 1.0).schedule(e), 4) for e in range(5)]
    [0.2, 0.1, 0.0667, 0.05, 0.04]
    """

    def __init__(self, initial_learning_rate, decay_rate, per="epoch"):
        super().__init__(per=per)
        self.initial_learning_rate = initial_learning_rate
        self.decay_rate = decay_rate
        ### BEGIN SOLUTION
        ### HINT: check_positive for the rate, check_non_negative for decay_rate.
        check_positive("initial_learning_rate", initial_learning_rate)
        check_non_negative("decay_rate", decay_rate)
        ### END SOLUTION

    def schedule(self, step):
        """Returns the rate for epoch or iteration `step` as a Python float."""
        ### BEGIN SOLUTION
        ### HINT: inverse time decay: the initial rate divided by a denominator that grows linearly with the step (the docstring's formula). Pitfall: the step counts from 0, so step 0 gives the initial rate; the lecture's table starts at epoch 1. Return a Python float.
        ### MORE: With decay_rate 1 the rate halves by step 1 and is a third at step 2: the rate falls fast at first, then slowly. keras.optimizers.schedules.InverseTimeDecay is the same rule per optimizer step (staircase=False).
        return float(self.initial_learning_rate / (1.0 + self.decay_rate * step))
        ### END SOLUTION

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_rate": self.decay_rate,
            "per": self.per,
        }


@keras.saving.register_keras_serializable(package="dlkit")
class ExponentialDecay(ScheduleCallback):
    """Exponential decay: ``lr(t) = initial_learning_rate * exp(-decay_rate * t)``.

    ``t`` is the epoch (``per="epoch"``) or the global iteration
    (``per="batch"``), counted from 0. Keras writes the same curve as
    ``keras.optimizers.schedules.ExponentialDecay(lr0, decay_steps=1,
    decay_rate=exp(-decay_rate))``: note the two meanings of "decay rate".

    Args:
        initial_learning_rate: rate at ``t = 0``; a positive number.
        decay_rate: the exponent's factor ``k``; a non-negative number.
        per: ``"epoch"`` or ``"batch"``. Defaults to ``"epoch"``.

    Example:

    >>> round(ExponentialDecay(0.1, decay_rate=0.5).schedule(2), 6)
    0.036788
    """

    def __init__(self, initial_learning_rate, decay_rate, per="epoch"):
        super().__init__(per=per)
        self.initial_learning_rate = initial_learning_rate
        self.decay_rate = decay_rate
        ### BEGIN SOLUTION
        ### HINT: check_positive for the rate, check_non_negative for decay_rate.
        check_positive("initial_learning_rate", initial_learning_rate)
        check_non_negative("decay_rate", decay_rate)
        ### END SOLUTION

    def schedule(self, step):
        """Returns the rate for epoch or iteration `step` as a Python float."""
        ### BEGIN SOLUTION
        ### HINT: exponential decay in continuous form: the initial rate times e to the power of minus decay_rate times the step (math.exp for one Python number). Pitfall: not Keras's decay_rate ** (step / decay_steps) form; step counts from 0; return a Python float.
        ### MORE: The rate falls by the same factor every step: after 1 / decay_rate steps it is about 37 % of the initial rate.
        return float(self.initial_learning_rate * math.exp(-self.decay_rate * step))
        ### END SOLUTION

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_rate": self.decay_rate,
            "per": self.per,
        }


CYCLIC_MODES = ("triangular", "triangular2", "exp_range")


@keras.saving.register_keras_serializable(package="dlkit")
class CyclicLR(ScheduleCallback):
    """Cyclical learning rate (Smith 2017), changed before every batch.

    For global iteration ``i`` (from 0)::

        cycle = floor(1 + i / (2 * step_size))
        x     = abs(i / step_size - 2 * cycle + 1)
        lr    = base_lr + (max_lr - base_lr) * max(0, 1 - x) * scale

    with ``scale = 1`` (``"triangular"``), ``1 / 2 ** (cycle - 1)``
    (``"triangular2"``: the amplitude halves every cycle) or ``gamma ** i``
    (``"exp_range"``). Batch ``i`` trains with ``lr(i)``: the rate starts at
    `base_lr`, peaks at `max_lr` after `step_size` iterations and is back at
    `base_lr` after ``2 * step_size``.

    Args:
        base_lr: lowest rate; a non-negative number.
        max_lr: highest rate; a number >= `base_lr`.
        step_size: iterations in half a cycle; a positive integer (an integral
            float such as ``2000.0`` is taken as that integer).
        mode: ``"triangular"``, ``"triangular2"`` or ``"exp_range"``.
            Defaults to ``"triangular"``.
        gamma: per-iteration factor of ``"exp_range"``; a number in
            ``(0, 1]``. Defaults to 1.0.

    Example:

    >>> clr = CyclicLR(0.001, 0.006, step_size=2)
    >>> [round(clr.schedule(i), 4) for i in range(5)]
    [0.001, 0.0035, 0.006, 0.0035, 0.001]
    """

    def __init__(self, base_lr, max_lr, step_size, mode="triangular", gamma=1.0):
        super().__init__(per="batch")
        step_size = as_integer(step_size)  # 2000.0 (4 * len(x) / batch_size) is taken as 2000
        self.base_lr = base_lr
        self.max_lr = max_lr
        self.step_size = step_size
        self.mode = mode
        self.gamma = gamma
        ### BEGIN SOLUTION
        ### HINT: base_lr >= 0, max_lr >= base_lr (raise ValueError yourself, same message shape), step_size a positive int, mode in CYCLIC_MODES, gamma in (0, 1].
        check_non_negative("base_lr", base_lr)
        check_non_negative("max_lr", max_lr)
        if max_lr < base_lr:
            raise ValueError(
                "Argument `max_lr` must be >= `base_lr`. "
                f"Received: max_lr={max_lr!r}, base_lr={base_lr!r}"
            )
        check_positive_int("step_size", step_size)
        check_one_of("mode", mode, CYCLIC_MODES)
        check_in_range("gamma", gamma, 0, 1)
        ### END SOLUTION

    def schedule(self, step):
        """Returns the rate for global iteration `step` as a Python float."""
        ### BEGIN SOLUTION
        ### HINT: follow the class docstring line by line; the scale depends on self.mode.
        cycle = math.floor(1 + step / (2 * self.step_size))
        x = abs(step / self.step_size - 2 * cycle + 1)
        if self.mode == "triangular":
            scale = 1.0
        elif self.mode == "triangular2":
            scale = 1.0 / 2.0 ** (cycle - 1)
        else:
            scale = self.gamma**step
        return float(self.base_lr + (self.max_lr - self.base_lr) * max(0.0, 1.0 - x) * scale)
        ### END SOLUTION

    def get_config(self):
        return {
            "base_lr": self.base_lr,
            "max_lr": self.max_lr,
            "step_size": self.step_size,
            "mode": self.mode,
            "gamma": self.gamma,
        }


# -- Lab "regularization": early stopping --------------------------------------

EARLY_STOPPING_MODES = ("auto", "min", "max")


def _check_non_negative_int(name, value):
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral)
            or value < 0):
        raise ValueError(
            f"Argument `{name}` must be a non-negative integer. Received: {name}={value!r}"
        )


def _compiled_metrics(model):
    """The metrics compiled into `model`, flattened the way Keras flattens them.

    ``model.metrics`` holds the loss tracker and one container
    (``CompileMetrics``) whose ``.metrics`` are the metrics given to
    ``compile``; the containers exist (are built) once the model has run a
    training or evaluation step.
    """
    from keras.src.trainers import compile_utils

    containers = tuple(
        getattr(compile_utils, name) for name in ("CompileMetrics", "MetricsList")
        if hasattr(compile_utils, name)
    )
    found = []
    for metric in getattr(model, "metrics", None) or []:
        if isinstance(metric, containers):
            found.extend(metric.metrics)
    return found


def metric_direction(model, name):
    """The direction Keras gives the compiled metric `name` of `model`.

    Every Keras metric class says whether a larger value is better:
    ``"up"`` for accuracies, AUC, precision, recall, ...; ``"down"`` for
    errors and losses (``mae``, ``mse``, ...).

    Args:
        model: a compiled Keras model that has run at least one step (or
            any object: one without compiled metrics has none).
        name: metric name without the ``val_`` prefix, e.g. ``"accuracy"``.

    Returns:
        ``"up"``, ``"down"``, or None when `model` has no compiled metric
        of that name (the last match wins, as in Keras).
    """
    direction = None
    for metric in _compiled_metrics(model):
        if metric.name == name and hasattr(metric, "_direction"):
            direction = metric._direction
    return direction


@keras.saving.register_keras_serializable(package="dlkit")
class EarlyStopping(keras.callbacks.Callback):
    """Stops training when a monitored quantity has stopped improving.

    The same rules as ``keras.callbacks.EarlyStopping`` (Keras 3), which is
    the oracle of the checks. At the end of every epoch ``fit`` passes
    ``logs`` (``loss``, ``val_loss``, ``accuracy``, ...); the callback reads
    ``current = logs[monitor]`` and, from epoch `start_from_epoch` on:

    1. **Direction.** The first time, it resolves the mode: ``"min"`` and
       ``"max"`` are used as given; ``"auto"`` strips a ``val_`` prefix
       from `monitor` and minimizes ``"loss"``, but a compiled metric of
       that name decides when there is one: maximize if
       ``metric_direction(model, name) == "up"`` (``accuracy``, ``auc``,
       ...), minimize if ``"down"``. A name neither rule covers raises
       ``ValueError``. The mode is resolved once and kept.
    2. **Improvement** against the best value so far, `best`, never
       against the previous epoch: in ``"min"`` mode
       ``current + min_delta < best``, in ``"max"`` mode
       ``current - min_delta > best`` (strict: a change of exactly
       `min_delta` is no improvement). While `best` is None (the first
       monitored epoch) every value is an improvement.
    3. **Counting.** ``wait`` is incremented first. On an improvement,
       ``best = current`` and ``best_epoch = epoch`` (and, with
       `restore_best_weights`, ``best_weights = model.get_weights()``);
       ``wait`` is reset to 0 only if `baseline` is None or ``current``
       is also an improvement over `baseline` (the same rule, with
       `baseline` in place of `best`); the epoch ends there. Otherwise,
       if ``wait >= patience`` and ``epoch > 0``, the callback sets
       ``stopped_epoch = epoch`` and ``model.stop_training = True``.
       So training stops at the end of the `patience`-th epoch in a row
       without improvement: ``stopped_epoch = best_epoch + patience``
       for ``patience >= 1`` and no baseline. ``patience=0`` acts like
       ``patience=1``: both stop at the first epoch that does not improve.
    4. **Restoring.** With `restore_best_weights`, the weights of the first
       monitored epoch are kept as ``best_weights`` (with ``best_epoch``)
       before anything else, and at the end of training, stopped early or
       not, the model gets ``best_weights`` back. Without it the model
       keeps the weights of its last epoch.

    Epochs are counted from 0, as Keras passes them: ``stopped_epoch`` and
    ``best_epoch`` are 0-based (Keras's own messages print them + 1).
    Epochs before `start_from_epoch` (warm-up) and epochs whose logs lack
    `monitor` change nothing; a missing `monitor` warns (``UserWarning``,
    ``Early stopping conditioned on metric ... which is not available.``).
    ``on_train_begin`` resets ``wait``, ``stopped_epoch``, ``best``,
    ``best_epoch`` and ``best_weights``, so one instance can serve several
    ``fit`` calls. Comparisons use Python floats; Keras compares in float32,
    which can differ only for values closer than float32 resolves.

    Args:
        monitor: the key of ``logs`` to watch. Defaults to ``"val_loss"``.
        min_delta: the smallest change that counts as an improvement; a
            non-negative number. Defaults to 0.0.
        patience: the number of epochs in a row without improvement after
            which training stops; an integer >= 0. Defaults to 0.
        mode: ``"auto"``, ``"min"`` or ``"max"``. Defaults to ``"auto"``.
        baseline: a value the monitored quantity must beat for ``wait`` to
            be reset, or None. Defaults to None.
        restore_best_weights: restore the weights of the best epoch at the
            end of training. Defaults to False.
        start_from_epoch: epochs of warm-up during which nothing is
            monitored; an integer >= 0. Defaults to 0.

    Attributes:
        wait: epochs counted since the last improvement (see rule 3).
        best: the best monitored value so far, or None.
        best_epoch: the epoch of `best` (0-based).
        stopped_epoch: the epoch at which training was stopped, 0 if not.
        best_weights: ``model.get_weights()`` at `best_epoch` with
            `restore_best_weights`, else None.

    Raises:
        ValueError: for a negative `min_delta`, `patience` or
            `start_from_epoch`, an unknown `mode`, a `baseline` that is
            not a number, or (at the first epoch end) an ``"auto"`` mode
            that cannot be resolved; the message names the argument and
            ends with ``Received: ...``. (Keras itself warns and falls
            back to ``"auto"`` for an unknown mode, and uses
            ``abs(min_delta)``; the course contract asks for errors.)

    Example:

    >>> stop = EarlyStopping(monitor="val_loss", patience=5,
    ...                      restore_best_weights=True)
    >>> # history = model.fit(x, y, validation_data=(x_val, y_val),
    >>> #                     epochs=500, callbacks=[stop])
    >>> # stop.stopped_epoch, stop.best_epoch
    """

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        patience, start_from_epoch = as_integer(patience), as_integer(start_from_epoch)
        ### BEGIN SOLUTION
        ### HINT: check_non_negative for min_delta; patience and start_from_epoch must be non-negative integers (_check_non_negative_int); mode one of EARLY_STOPPING_MODES (check_one_of); baseline None or a number (check_non_negative does not fit: raise ValueError yourself, same message shape).
        check_non_negative("min_delta", min_delta)
        _check_non_negative_int("patience", patience)
        check_one_of("mode", mode, EARLY_STOPPING_MODES)
        if baseline is not None and (isinstance(baseline, bool)
                                     or not isinstance(baseline, numbers.Real)):
            raise ValueError(
                f"Argument `baseline` must be None or a number. Received: baseline={baseline!r}"
            )
        _check_non_negative_int("start_from_epoch", start_from_epoch)
        ### END SOLUTION
        self.monitor = monitor
        self.min_delta = min_delta
        self.patience = patience
        self.mode = mode
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.monitor_mode = None  # "min" or "max", resolved at the first epoch end
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None

    @classmethod
    def from_config(cls, config):
        """Rebuilds the callback from `get_config()`'s dict."""
        return cls(**config)

    def get_config(self):
        return {
            "monitor": self.monitor,
            "min_delta": self.min_delta,
            "patience": self.patience,
            "mode": self.mode,
            "baseline": self.baseline,
            "restore_best_weights": self.restore_best_weights,
            "start_from_epoch": self.start_from_epoch,
        }

    def get_monitor_value(self, logs):
        """``logs[monitor]``, or None with a warning when it is missing."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs)}",
                stacklevel=2,
            )
        return value

    def _resolve_mode(self):
        """Returns ``"min"`` or ``"max"`` for this callback (rule 1)."""
        ### BEGIN SOLUTION
        ### HINT: mode 'auto' decides whether smaller or larger is better: a loss (with or without the val_ prefix) is minimized, and the given metric_direction helper knows the model's compiled metrics. Pitfall: when neither tells, raise the ValueError the docstring describes, naming `monitor`.
        ### MORE: str.removeprefix strips 'val_'. The explicit modes 'min' and 'max' are returned as they are.
        if self.mode != "auto":
            return self.mode
        name = self.monitor.removeprefix("val_")
        mode = "min" if name == "loss" else None
        direction = metric_direction(self.model, name)
        if direction is not None:
            mode = "max" if direction == "up" else "min"
        if mode is None:
            raise ValueError(
                "Argument `monitor` names a quantity whose direction mode='auto' cannot "
                "tell: pass mode='min' or mode='max'. "
                f"Received: monitor={self.monitor!r}"
            )
        return mode
        ### END SOLUTION

    def _is_improvement(self, current, reference):
        """True if `current` beats `reference` by more than `min_delta` (rule 2)."""
        ### BEGIN SOLUTION
        ### HINT: an improvement must beat the reference by more than min_delta, in the direction of self.monitor_mode; with no reference yet anything improves. Pitfall: the inequality is strict, and for 'max' the margin is subtracted from the current value, not added.
        if reference is None:
            return True
        if self.monitor_mode == "min":
            return current + self.min_delta < reference
        return current - self.min_delta > reference
        ### END SOLUTION

    def on_train_begin(self, logs=None):
        """Resets the state, so that the callback can be reused across fits."""
        ### BEGIN SOLUTION
        ### HINT: wait = 0, stopped_epoch = 0, best = None, best_weights = None, best_epoch = 0.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0
        ### END SOLUTION

    def on_epoch_end(self, epoch, logs=None):
        """Applies rules 1-4 to ``logs[monitor]`` of epoch `epoch` (0-based)."""
        ### BEGIN SOLUTION
        ### HINT: follow keras.callbacks.EarlyStopping.on_epoch_end (Keras 3) step by step: read the monitored value, skip warm-up epochs, count the wait, and on an improvement record the best value, epoch and (if restoring) weights. Pitfall: an improvement that does not beat the baseline does not reset the wait, and training never stops at epoch 0.
        ### MORE: Order matters: the wait is increased before the improvement test, then reset on an improvement. Keep the first weights when restoring so that a run that never improves still has weights to restore.
        if self.monitor_mode is None:
            self.monitor_mode = self._resolve_mode()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
        ### END SOLUTION

    def on_train_end(self, logs=None):
        """Restores the best weights when asked to (rule 4)."""
        ### BEGIN SOLUTION
        ### HINT: at the end of training, put back the weights of the best epoch, but only when asked to and when some were recorded (Keras restores them even without an early stop).
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)
        ### END SOLUTION
