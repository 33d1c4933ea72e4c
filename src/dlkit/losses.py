"""Loss functions as Keras losses, and which output layer goes with which loss.

Lab ``losses``. You write the bodies that raise ``NotImplementedError`` in
your copy (each says what to do in a ``TODO`` line above it). Everything else
is given; read it, it is the contract your code must meet.

Every class subclasses ``keras.losses.Loss`` and implements
``call(y_true, y_pred)``, which returns **one loss per sample**: it reduces
the last axis (``axis=-1``, the features or classes) and keeps the others.
Keras's ``Loss.__call__`` (given by Keras, not by you) turns these into the
number ``model.fit`` minimizes: with the default
``reduction="sum_over_batch_size"`` it is their sum divided by how many there
are, their mean. The values equal those of the ``keras.losses`` class of the
same name. Write ``call`` with ``keras.ops`` (``ops.mean``, ``ops.log``,
``ops.clip``, ...), never NumPy: Keras calls it on tensors, inside a compiled
``tf.function`` during ``fit``, and differentiates it.

Conventions that change the numbers (Keras's, which the checks compare with):

- The first line of every ``call`` (given) prepares the inputs: `y_pred`
  becomes a float tensor, `y_true` is cast to its dtype, and if their ranks
  differ by one where the last axis has size 1 they are matched, so labels of
  shape ``(n,)`` against predictions of shape ``(n, 1)`` become ``(n, 1)``.
- ``epsilon = keras.config.epsilon()`` (1e-7). A probability goes through
  ``ops.clip(p, epsilon, 1 - epsilon)`` before its log is taken, so a
  prediction of exactly 0 or 1 gives a large, finite loss (about 16.1), never
  ``inf`` or ``nan``. The lecture writes the formulas without the clip.
- ``CategoricalCrossentropy`` (and ``SparseCategoricalCrossentropy``) with
  probabilities first divides `y_pred` by its sum along the last axis, then
  clips. On rows that already sum to 1 the value is unchanged, but the
  gradient is that of the normalized distribution (Keras's).
- ``from_logits=True``: `y_pred` holds logits (a layer's output before the
  sigmoid/softmax). Use the stable forms, never ``log(sigmoid(x))`` or
  ``log(softmax(x))`` computed in two steps, which give ``inf``/``nan`` for
  logits of a few hundred: ``-log(sigmoid(x)) = softplus(-x)`` and
  ``-log(1 - sigmoid(x)) = softplus(x)``, so the binary cross-entropy is
  ``softplus(x) - y * x``; ``ops.log_softmax`` is ``log(softmax(x))`` computed
  by the log-sum-exp trick. Logits of magnitude 1e4 must give finite values
  and gradients.
- ``label_smoothing`` ``s`` replaces the labels before the loss: binary
  ``y * (1 - s) + 0.5 * s``; categorical ``y * (1 - s) + s / K`` with ``K``
  classes (the size of the last axis).
- Bad arguments raise ``ValueError`` naming the argument and ending with
  ``Received: ...``: use ``check_bool`` and ``check_fraction`` (imported
  from ``dlkit._validation``).

Example:

>>> import numpy as np
>>> from dlkit.losses import BinaryCrossentropy, CategoricalCrossentropy
>>> y_true = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
>>> y_pred = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
>>> cce = CategoricalCrossentropy()
>>> np.round(cce.call(y_true, y_pred).numpy(), 4)       # one loss per sample
array([0.0513, 2.3026])
>>> round(float(cce(y_true, y_pred)), 4)                   # their mean
1.1769
>>> # model.compile(optimizer="adam", loss=CategoricalCrossentropy())
"""

import keras
from keras import ops

from dlkit._validation import check_bool, check_fraction

__all__ = [
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanSquaredLogarithmicError",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "Hinge",
    "SquaredHinge",
    "KLDivergence",
    "output_choices",
    "prepare_inputs",
    "prepare_sparse_inputs",
    "to_signed_labels",
]


# -- given helpers ---------------------------------------------------------------
def prepare_inputs(y_true, y_pred):
    """Returns ``(y_true, y_pred)`` as tensors of one float dtype and matched rank.

    `y_pred` is converted to a tensor (float32 unless it already is a float
    tensor), `y_true` is cast to its dtype. When the ranks differ by one and
    the longer one's last axis has size 1, that axis is dropped, or the
    rank-1 one gets a last axis of size 1 (Keras's rule): ``(n,)`` labels and
    ``(n, 1)`` predictions become ``(n, 1)`` and ``(n, 1)``.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    if "float" not in keras.backend.standardize_dtype(y_pred.dtype):
        y_pred = ops.cast(y_pred, keras.config.floatx())
    y_true = ops.cast(y_true, y_pred.dtype)
    true_rank, pred_rank = len(y_true.shape), len(y_pred.shape)
    if true_rank == pred_rank + 1 and y_true.shape[-1] == 1:
        if pred_rank == 1:
            y_pred = ops.expand_dims(y_pred, axis=-1)
        else:
            y_true = ops.squeeze(y_true, axis=-1)
    elif pred_rank == true_rank + 1 and y_pred.shape[-1] == 1:
        if true_rank == 1:
            y_true = ops.expand_dims(y_true, axis=-1)
        else:
            y_pred = ops.squeeze(y_pred, axis=-1)
    return y_true, y_pred


def prepare_sparse_inputs(y_true, y_pred):
    """Returns ``(labels, y_pred)`` for the sparse categorical cross-entropy.

    `y_pred` (shape ``(..., K)``) becomes a float tensor; `y_true` holds
    class indices of shape ``(...)``, or ``(..., 1)``, which is squeezed, and
    becomes an int32 tensor of shape ``y_pred.shape[:-1]``.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    if "float" not in keras.backend.standardize_dtype(y_pred.dtype):
        y_pred = ops.cast(y_pred, keras.config.floatx())
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    return ops.cast(y_true, "int32"), y_pred


def to_signed_labels(y_true):
    """Hinge labels: 0/1 labels become -1/+1; -1/+1 labels stay as they are.

    The conversion happens only when *every* label is 0 or 1 (Keras's rule);
    it works on tensors inside ``fit`` (no Python ``if`` on a tensor).
    """
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


# -- regression losses -------------------------------------------------------------
@keras.saving.register_keras_serializable(package="dlkit")
class MeanSquaredError(keras.losses.Loss):
    """Mean squared error: ``mean((y_true - y_pred) ** 2)`` over the last axis.

    Args:
        reduction: how Keras combines the per-sample losses. Defaults to
            ``"sum_over_batch_size"`` (their mean).
        name: the loss's name. Defaults to ``"mean_squared_error"``.
        dtype: computation dtype. Defaults to ``None`` (Keras's floatx,
            float32).

    Example:

    >>> MeanSquaredError().call([[0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 0.0]])
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([0.5, 0.5], dtype=float32)>
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        """Returns the per-sample losses: `y_pred`'s shape without its last axis."""
        y_true, y_pred = prepare_inputs(y_true, y_pred)
        ### BEGIN SOLUTION
        ### HINT: the per-sample loss is the average of the squared errors over the last axis, computed with keras.ops (so it runs in graph mode and on every backend). Pitfall: average over the last axis only; the reduction over the batch is Keras's.
        return ops.mean(ops.square(y_true - y_pred), axis=-1)
        ### END SOLUTION


@keras.saving.register_keras_serializable(package="dlkit")
class MeanAbsoluteError(keras.losses.Loss):
    """Mean absolute error: ``mean(|y_true - y_pred|)`` over the last axis.

    Args:
        reduction: how Keras combines the per-sample losses. Defaults to
            ``"sum_over_batch_size"`` (their mean).
        name: the loss's name. Defaults to ``"mean_absolute_error"``.
        dtype: computation dtype. Defaults to ``None`` (float32).

    Example:

    >>> MeanAbsoluteError().call([[0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 0.0]])
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([0.5, 0.5], dtype=float32)>
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        """Returns the per-sample losses: `y_pred`'s shape without its last axis."""
        y_true, y_pred = prepare_inputs(y_true, y_pred)
        ### BEGIN SOLUTION
        ### HINT: like MeanSquaredError with the absolute error instead of the square (keras.ops has both), averaged over the last axis only.
        return ops.mean(ops.abs(y_true - y_pred), axis=-1)
        ### END SOLUTION


@keras.saving.register_keras_serializable(package="dlkit")
class MeanSquaredLogarithmicError(keras.losses.Loss):
    """Mean squared logarithmic error, over the last axis::

        mean((log(max(y_pred, epsilon) + 1) - log(max(y_true, epsilon) + 1)) ** 2)

    Values below ``epsilon = keras.config.epsilon()`` (zeros and negative
    numbers, for which ``log(y + 1)`` is not meant) count as epsilon, in both
    `y_true` and `y_pred`. It penalizes relative errors: predicting 110 for
    100 costs as much as 11 for 10.

    Args:
        reduction: how Keras combines the per-sample losses. Defaults to
            ``"sum_over_batch_size"`` (their mean).
        name: the loss's name. Defaults to ``"mean_squared_logarithmic_error"``.
        dtype: computation dtype. Defaults to ``None`` (float32).

    Example:

    >>> loss = MeanSquaredLogarithmicError().call([[3.0, 0.0]], [[1.0, -2.0]])
    >>> np.round(loss.numpy(), 4)
    array([0.2402], dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size",
                 name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        """Returns the per-sample losses: `y_pred`'s shape without its last axis."""
        y_true, y_pred = prepare_inputs(y_true, y_pred)
        ### BEGIN SOLUTION
        ### HINT: compare log(1 + y) of prediction and target, each first clamped below at keras.config.epsilon() so that negative values do not reach the logarithm; then the mean squared difference over the last axis. API: keras.ops.log, keras.ops.maximum.
        epsilon = keras.config.epsilon()
        log_pred = ops.log(ops.maximum(y_pred, epsilon) + 1.0)
        log_true = ops.log(ops.maximum(y_true, epsilon) + 1.0)
        return ops.mean(ops.square(log_pred - log_true), axis=-1)
        ### END SOLUTION


# -- cross-entropies ---------------------------------------------------------------
@keras.saving.register_keras_serializable(package="dlkit")
class BinaryCrossentropy(keras.losses.Loss):
    """Binary cross-entropy, averaged over the last axis.

    For a label ``y`` in [0, 1] and a predicted probability ``p``::

        -(y * log(p) + (1 - y) * log(1 - p))

    with ``p`` clipped to ``[epsilon, 1 - epsilon]`` first
    (``epsilon = keras.config.epsilon()``). With ``from_logits=True``,
    `y_pred` holds logits ``x`` (``p = sigmoid(x)``) and the same number is
    ``softplus(x) - y * x``, finite for any ``x`` (no clip). With
    ``label_smoothing=s`` the labels become ``y * (1 - s) + 0.5 * s`` first.
    Each element is one independent yes/no question (several per sample for
    multi-label problems); the per-sample loss is their mean.

    Args:
        from_logits: whether `y_pred` holds logits instead of probabilities.
            Defaults to False.
        label_smoothing: ``s`` in ``[0, 1]``; 0 leaves the labels as they
            are. Defaults to 0.0.
        reduction: how Keras combines the per-sample losses. Defaults to
            ``"sum_over_batch_size"`` (their mean).
        name: the loss's name. Defaults to ``"binary_crossentropy"``.
        dtype: computation dtype. Defaults to ``None`` (float32).

    Raises:
        ValueError: `from_logits` is not a bool, or `label_smoothing` is not
            a number in ``[0, 1]``.

    Example:

    >>> bce = BinaryCrossentropy()
    >>> np.round(bce.call([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]).numpy(), 4)
    array([0.9163, 0.7136], dtype=float32)
    >>> float(BinaryCrossentropy(from_logits=True).call([[1.0]], [[-1e4]])[0])
    10000.0
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, reduction="sum_over_batch_size",
                 name="binary_crossentropy", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        ### BEGIN SOLUTION
        ### HINT: check_bool for from_logits, check_fraction for label_smoothing (both imported at the top, from dlkit._validation).
        check_bool("from_logits", from_logits)
        check_fraction("label_smoothing", label_smoothing)
        ### END SOLUTION

    def call(self, y_true, y_pred):
        """Returns the per-sample losses: `y_pred`'s shape without its last axis."""
        y_true, y_pred = prepare_inputs(y_true, y_pred)
        ### BEGIN SOLUTION
        ### HINT: three steps, as the docstring says: label smoothing pulls the labels towards 1/2; with logits use the numerically stable form written with softplus (never sigmoid then log: it overflows for large logits); with probabilities clip them away from 0 and 1 before the log. Then the mean over the last axis.
        ### MORE: The stable form comes from log(sigmoid(z)) = -softplus(-z) and softplus(z) - softplus(-z) = z. Check the docstring for the smoothing formula and the clip bounds (keras.config.epsilon()).
        if self.label_smoothing:
            y_true = y_true * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing
        if self.from_logits:
            per_element = ops.softplus(y_pred) - y_true * y_pred
        else:
            epsilon = keras.config.epsilon()
            p = ops.clip(y_pred, epsilon, 1.0 - epsilon)
            per_element = -(y_true * ops.log(p) + (1.0 - y_true) * ops.log(1.0 - p))
        return ops.mean(per_element, axis=-1)
        ### END SOLUTION

    def get_config(self):
        config = super().get_config()
        config.update({"from_logits": self.from_logits, "label_smoothing": self.label_smoothing})
        return config


@keras.saving.register_keras_serializable(package="dlkit")
class CategoricalCrossentropy(keras.losses.Loss):
    """Categorical cross-entropy over the last axis (the classes).

    For one-hot (or smoothed) labels ``y`` and predicted probabilities ``p``
    of ``K`` classes: ``-sum_k y_k * log(p_k)``. Keras's steps, in order:

    1. ``label_smoothing=s``: ``y = y * (1 - s) + s / K``.
    2. ``from_logits=True``: `y_pred` holds logits; the loss is
       ``-sum_k y_k * log_softmax(y_pred)_k`` (``ops.log_softmax``, stable for
       any logits). Done.
    3. Otherwise ``p = y_pred / sum_k y_pred_k`` (normalized along the last
       axis), then clipped to ``[epsilon, 1 - epsilon]``
       (``epsilon = keras.config.epsilon()``), then ``-sum_k y_k * log(p_k)``.

    Args:
        from_logits: whether `y_pred` holds logits instead of probabilities.
            Defaults to False.
        label_smoothing: ``s`` in ``[0, 1]``; 0 leaves the labels as they
            are. Defaults to 0.0.
        reduction: how Keras combines the per-sample losses. Defaults to
            ``"sum_over_batch_size"`` (their mean).
        name: the loss's name. Defaults to ``"categorical_crossentropy"``.
        dtype: computation dtype. Defaults to ``None`` (float32).

    Raises:
        ValueError: `from_logits` is not a bool, or `label_smoothing` is not
            a number in ``[0, 1]``.

    Example:

    >>> cce = CategoricalCrossentropy()
    >>> np.round(cce.call([[0.0, 1.0, 0.0]], [[0.05, 0.95, 0.0]]).numpy(), 4)
    array([0.0513], dtype=float32)
    >>> round(float(CategoricalCrossentropy().call([[1.0, 0.0]], [[0.0, 1.0]])[0]), 4)
    16.1181
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, reduction="sum_over_batch_size",
                 name="categorical_crossentropy", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        ### BEGIN SOLUTION
        ### HINT: check_bool for from_logits, check_fraction for label_smoothing, as in BinaryCrossentropy.
        check_bool("from_logits", from_logits)
        check_fraction("label_smoothing", label_smoothing)
        ### END SOLUTION

    def call(self, y_true, y_pred):
        """Returns the per-sample losses: `y_pred`'s shape without its last axis."""
        y_true, y_pred = prepare_inputs(y_true, y_pred)
        ### BEGIN SOLUTION
        ### HINT: follow the docstring's steps 1-3: smooth the labels over the K classes, then with logits use keras.ops.log_softmax (stable), else normalize the probabilities to sum to 1, clip them away from 0 and 1, and take the log; sum over the class axis. Pitfall: keepdims when dividing by a sum.
        ### MORE: Keras renormalizes y_pred before clipping, so probabilities that do not sum to 1 give Keras's value, not the textbook formula's.
        if self.label_smoothing:
            num_classes = y_true.shape[-1]
            y_true = y_true * (1.0 - self.label_smoothing) + self.label_smoothing / num_classes
        if self.from_logits:
            return -ops.sum(y_true * ops.log_softmax(y_pred, axis=-1), axis=-1)
        epsilon = keras.config.epsilon()
        p = y_pred / ops.sum(y_pred, axis=-1, keepdims=True)
        p = ops.clip(p, epsilon, 1.0 - epsilon)
        return -ops.sum(y_true * ops.log(p), axis=-1)
        ### END SOLUTION

    def get_config(self):
        config = super().get_config()
        config.update({"from_logits": self.from_logits, "label_smoothing": self.label_smoothing})
        return config


@keras.saving.register_keras_serializable(package="dlkit")
class SparseCategoricalCrossentropy(keras.losses.Loss):
    """Categorical cross-entropy with integer class labels.

    `y_true` holds class indices (shape ``(n,)`` or ``(n, 1)`` for `y_pred`
    of shape ``(n, K)``) instead of one-hot rows. The value is exactly
    ``CategoricalCrossentropy(from_logits)`` of the one-hot labels (no label
    smoothing): with probabilities, `y_pred` is normalized along the last
    axis and clipped to ``[epsilon, 1 - epsilon]`` before the log. (Keras's
    own sparse loss clips first and normalizes after: the values agree, only
    the gradient at a probability of exactly 0 differs.)

    Args:
        from_logits: whether `y_pred` holds logits instead of probabilities.
            Defaults to False.
        reduction: how Keras combines the per-sample losses. Defaults to
            ``"sum_over_batch_size"`` (their mean).
        name: the loss's name. Defaults to ``"sparse_categorical_crossentropy"``.
        dtype: computation dtype. Defaults to ``None`` (float32).

    Raises:
        ValueError: `from_logits` is not a bool.

    Example:

    >>> scce = SparseCategoricalCrossentropy()
    >>> np.round(scce.call([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]).numpy(), 4)
    array([0.0513, 2.3026], dtype=float32)
    """

    def __init__(self, from_logits=False, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.from_logits = from_logits
        ### BEGIN SOLUTION
        ### HINT: check_bool for from_logits.
        check_bool("from_logits", from_logits)
        ### END SOLUTION

    def call(self, y_true, y_pred):
        """Returns the per-sample losses: `y_pred`'s shape without its last axis."""
        y_true, y_pred = prepare_sparse_inputs(y_true, y_pred)
        ### BEGIN SOLUTION
        ### HINT: integer labels become one-hot rows (keras.ops.one_hot, as many classes as y_pred has columns, in y_pred's dtype); then the loss is categorical cross-entropy, so reuse your CategoricalCrossentropy rather than writing it again. Pitfall: keep from_logits.
        one_hot = ops.one_hot(y_true, y_pred.shape[-1], dtype=y_pred.dtype)
        return CategoricalCrossentropy(from_logits=self.from_logits).call(one_hot, y_pred)
        ### END SOLUTION

    def get_config(self):
        config = super().get_config()
        config.update({"from_logits": self.from_logits})
        return config


# -- margin and divergence losses ----------------------------------------------------
@keras.saving.register_keras_serializable(package="dlkit")
class Hinge(keras.losses.Loss):
    """Hinge loss: ``mean(max(1 - y_true * y_pred, 0))`` over the last axis.

    Labels are -1 or +1 (0/1 labels are converted first: call the given
    ``to_signed_labels(y_true)``); `y_pred` is a raw score, positive for the
    +1 class. A score on the right side with margin at least 1 costs nothing.

    Args:
        reduction: how Keras combines the per-sample losses. Defaults to
            ``"sum_over_batch_size"`` (their mean).
        name: the loss's name. Defaults to ``"hinge"``.
        dtype: computation dtype. Defaults to ``None`` (float32).

    Example:

    >>> Hinge().call([[1.0, -1.0]], [[0.3, -2.0]])
    <tf.Tensor: shape=(1,), dtype=float32, numpy=array([0.35], dtype=float32)>
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        """Returns the per-sample losses: `y_pred`'s shape without its last axis."""
        y_true, y_pred = prepare_inputs(y_true, y_pred)
        ### BEGIN SOLUTION
        ### HINT: the hinge loss wants labels in {-1, 1} (the given to_signed_labels converts 0/1 labels); the per-element loss is zero once the margin label * prediction reaches 1 and grows linearly below; average over the last axis. API: keras.ops.maximum.
        y_true = to_signed_labels(y_true)
        return ops.mean(ops.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)
        ### END SOLUTION


@keras.saving.register_keras_serializable(package="dlkit")
class SquaredHinge(keras.losses.Loss):
    """Squared hinge loss: ``mean(max(1 - y_true * y_pred, 0) ** 2)`` over the last axis.

    Labels as for `Hinge` (0/1 labels are converted with the given
    ``to_signed_labels``).

    Args:
        reduction: how Keras combines the per-sample losses. Defaults to
            ``"sum_over_batch_size"`` (their mean).
        name: the loss's name. Defaults to ``"squared_hinge"``.
        dtype: computation dtype. Defaults to ``None`` (float32).

    Example:

    >>> np.round(SquaredHinge().call([[1.0, -1.0]], [[0.3, -2.0]]).numpy(), 4)
    array([0.245], dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        """Returns the per-sample losses: `y_pred`'s shape without its last axis."""
        y_true, y_pred = prepare_inputs(y_true, y_pred)
        ### BEGIN SOLUTION
        ### HINT: as Hinge, with the ops.square of the margin term.
        y_true = to_signed_labels(y_true)
        return ops.mean(ops.square(ops.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)
        ### END SOLUTION


@keras.saving.register_keras_serializable(package="dlkit")
class KLDivergence(keras.losses.Loss):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))`` over the last axis.

    Both distributions are clipped to ``[epsilon, 1]`` first
    (``epsilon = keras.config.epsilon()``), so zeros in either give finite
    values: a class with ``y_true = 0`` contributes about 0.

    Args:
        reduction: how Keras combines the per-sample losses. Defaults to
            ``"sum_over_batch_size"`` (their mean).
        name: the loss's name. Defaults to ``"kl_divergence"``.
        dtype: computation dtype. Defaults to ``None`` (float32).

    Example:

    >>> np.round(KLDivergence().call([[0.5, 0.5]], [[0.9, 0.1]]).numpy(), 4)
    array([0.5108], dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        """Returns the per-sample losses: `y_pred`'s shape without its last axis."""
        y_true, y_pred = prepare_inputs(y_true, y_pred)
        ### BEGIN SOLUTION
        ### HINT: Kullback-Leibler divergence: the sum over the last axis of p times the log of the ratio p / q, with both distributions clipped into [keras.config.epsilon(), 1] first so that log(0) never happens. Pitfall: the sum, not the mean.
        epsilon = keras.config.epsilon()
        y_true = ops.clip(y_true, epsilon, 1.0)
        y_pred = ops.clip(y_pred, epsilon, 1.0)
        return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)
        ### END SOLUTION


# -- which output layer, which loss ----------------------------------------------------
PROBLEMS = ("regression", "binary", "multiclass", "multilabel")
ACTIVATIONS = ("linear", "sigmoid", "softmax", "tanh", "relu")


def output_choices():
    """The lecture's table: the output activation and the loss for each problem.

    Problems (the keys, all four): ``"regression"`` (predict real numbers),
    ``"binary"`` (two classes, one output unit), ``"multiclass"`` (one of K
    classes, one-hot labels), ``"multilabel"`` (any subset of K labels may be
    true at once).

    Returns:
        A dict mapping each problem in ``PROBLEMS`` to a tuple
        ``(activation, loss)``: `activation` is a Keras activation name from
        ``ACTIVATIONS`` (``"linear"`` means none) and `loss` is the name of a
        class of this module, such as ``"MeanSquaredError"``.

    Example (the format, not an answer):

    >>> choices = output_choices()
    >>> sorted(choices) == sorted(PROBLEMS)
    True
    """
    ### BEGIN SOLUTION
    ### HINT: for each kind of output, the last layer's activation (its Keras name) and the loss class that goes with it, as the lecture's table pairs them; the docstring gives the dict's keys and value shape.
    ### MORE: Multilabel: each label is its own yes/no question.
    return {
        "regression": ("linear", "MeanSquaredError"),
        "binary": ("sigmoid", "BinaryCrossentropy"),
        "multiclass": ("softmax", "CategoricalCrossentropy"),
        "multilabel": ("sigmoid", "BinaryCrossentropy"),
    }
    ### END SOLUTION
