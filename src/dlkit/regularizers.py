"""Weight penalties as Keras regularizers: L1, L2 and both.

Lab ``generalization``. You write the bodies that raise
``NotImplementedError`` in your copy; everything else is given. Each class
subclasses ``keras.regularizers.Regularizer``: Keras calls
``regularizer(weights)`` on a layer's kernel and adds the number it returns
to the loss that ``fit`` minimizes (the layer's ``losses``, collected in
``model.losses``). Write ``__call__`` with ``keras.ops``: it runs on
tensors inside a compiled training step and is differentiated.

Conventions that change the numbers (Keras's, which the checks compare with):

- ``L1(l1)(w) = l1 * sum(|w|)`` and ``L2(l2)(w) = l2 * sum(w ** 2)``: sums
  over **every** weight of the tensor, not means, and **no factor 1/2**. The
  lecture writes the L2 penalty as ``lambda / 2 * ||w||**2`` (so that its
  gradient is ``lambda * w``); Keras's ``l2`` is that ``lambda / 2``, and
  the gradient of ``L2(l2)`` is ``2 * l2 * w``.
- ``L1L2(l1, l2)(w)`` is the sum of both penalties (elastic net); with a
  coefficient 0 that part is left out. Its defaults are 0 and 0 (no penalty),
  unlike ``L1`` and ``L2``, whose default coefficient is 0.01.
- The penalty has the dtype of the weights (a float64 kernel gives a
  float64 penalty). The gradient of ``|w|`` at ``w = 0`` is 0 (``ops.abs``'s;
  ``sqrt(w ** 2)`` gives ``nan`` there).
- Coefficients are non-negative finite numbers; anything else raises
  ``ValueError`` naming the argument and ending with ``Received: ...``
  (given).

Example:

>>> import numpy as np
>>> from dlkit.regularizers import L1, L1L2, L2
>>> w = np.array([[1.0, -2.0], [0.5, 0.0]], dtype="float32")
>>> [round(float(penalty(w)), 6) for penalty in (L1(0.1), L2(0.1), L1L2(l1=0.1, l2=0.1))]
[0.35, 0.525, 0.875]
>>> # keras.layers.Dense(16, kernel_regularizer=L2(1e-3))
"""

import keras
from keras import ops

from dlkit._validation import check_non_negative

__all__ = ["L1", "L2", "L1L2"]


def _coefficient(name, value):
    check_non_negative(name, value)
    return float(value)


@keras.saving.register_keras_serializable(package="dlkit")
class L1(keras.regularizers.Regularizer):
    """The L1 penalty ``l1 * sum(|w|)``: drives small weights to exactly 0.

    Args:
        l1: the coefficient, ``>= 0``. Defaults to ``0.01``.

    Returns:
        From ``__call__(weights)``: a scalar tensor of the weights' dtype.

    Example:

    >>> float(L1(0.5)(np.array([1.0, -3.0], "float32")))
    2.0
    """

    def __init__(self, l1=0.01):
        self.l1 = _coefficient("l1", l1)

    def __call__(self, weights):
        weights = ops.convert_to_tensor(weights)
        ### BEGIN SOLUTION
        ### HINT: the coefficient times the sum of the absolute values of every weight (ops.abs, ops.sum). Pitfall: a mean instead of a sum.
        ### MORE: ops.sum with no axis sums the whole tensor, whatever its rank. Use ops.abs rather than a square root of the square: its gradient at 0 is 0, not nan.
        return self.l1 * ops.sum(ops.abs(weights))
        ### END SOLUTION

    def get_config(self):
        return {"l1": self.l1}


@keras.saving.register_keras_serializable(package="dlkit")
class L2(keras.regularizers.Regularizer):
    """The L2 penalty ``l2 * sum(w ** 2)`` (weight decay): shrinks every weight.

    Args:
        l2: the coefficient, ``>= 0``. Defaults to ``0.01``.

    Returns:
        From ``__call__(weights)``: a scalar tensor of the weights' dtype.

    Example:

    >>> float(L2(0.5)(np.array([1.0, -3.0], "float32")))
    5.0
    """

    def __init__(self, l2=0.01):
        self.l2 = _coefficient("l2", l2)

    def __call__(self, weights):
        weights = ops.convert_to_tensor(weights)
        ### BEGIN SOLUTION
        ### HINT: the coefficient times the sum of the squared weights (ops.square, ops.sum). Pitfall: the lecture's factor 1/2, which Keras does not have.
        ### MORE: sum over every element of the tensor (no axis), not a mean and not the norm itself (no square root).
        return self.l2 * ops.sum(ops.square(weights))
        ### END SOLUTION

    def get_config(self):
        return {"l2": self.l2}


@keras.saving.register_keras_serializable(package="dlkit")
class L1L2(keras.regularizers.Regularizer):
    """Both penalties: ``l1 * sum(|w|) + l2 * sum(w ** 2)`` (elastic net).

    Args:
        l1: the L1 coefficient, ``>= 0``. Defaults to ``0.0``.
        l2: the L2 coefficient, ``>= 0``. Defaults to ``0.0``.

    Returns:
        From ``__call__(weights)``: a scalar tensor of the weights' dtype.

    Example:

    >>> float(L1L2(l1=0.5, l2=0.5)(np.array([1.0, -3.0], "float32")))
    7.0
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _coefficient("l1", l1)
        self.l2 = _coefficient("l2", l2)

    def __call__(self, weights):
        weights = ops.convert_to_tensor(weights)
        ### BEGIN SOLUTION
        ### HINT: start from a zero of the weights' dtype and add each penalty whose coefficient is not 0. Pitfall: forgetting one of the two terms, or swapping the coefficients.
        ### MORE: ops.zeros with an empty shape and the weights' dtype makes the scalar zero; the two terms are the L1 and L2 penalties of this file, each added only when its coefficient is non-zero.
        penalty = ops.zeros((), dtype=weights.dtype)
        if self.l1:
            penalty = penalty + self.l1 * ops.sum(ops.abs(weights))
        if self.l2:
            penalty = penalty + self.l2 * ops.sum(ops.square(weights))
        return penalty
        ### END SOLUTION

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}
