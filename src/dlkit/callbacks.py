"""Learning-rate schedules as Keras callbacks.

Lab ``schedules``. You write the bodies that raise ``NotImplementedError``
in your copy (each says what to do in a ``TODO`` line above it). Everything
else is given; read it, it is the contract your code must meet.

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

import keras

from dlkit._validation import (
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
        ### HINT: only when self.per == "epoch": self._set_rate(epoch).
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
        epochs_per_drop: epochs between two drops, a positive integer.
            Defaults to 10.

    Example:

    >>> [StepDecay(0.1, drop=0.5, epochs_per_drop=2).schedule(e) for e in range(5)]
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """

    def __init__(self, initial_learning_rate, drop=0.5, epochs_per_drop=10):
        super().__init__(per="epoch")
        self.initial_learning_rate = initial_learning_rate
        self.drop = drop
        self.epochs_per_drop = epochs_per_drop
        ### BEGIN SOLUTION
        ### HINT: validate the three arguments with check_positive, check_in_range(..., 0, 1) and check_positive_int.
        check_positive("initial_learning_rate", initial_learning_rate)
        check_in_range("drop", drop, 0, 1)
        check_positive_int("epochs_per_drop", epochs_per_drop)
        ### END SOLUTION

    def schedule(self, step):
        """Returns the rate for epoch `step` (0-based) as a Python float."""
        ### BEGIN SOLUTION
        ### HINT: lr0 * drop ** floor(step / epochs_per_drop); math.floor gives the floor.
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
        ### HINT: lr0 / (1 + decay_rate * step).
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
        ### HINT: lr0 * math.exp(-decay_rate * step).
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
        step_size: iterations in half a cycle; a positive integer.
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
