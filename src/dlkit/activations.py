"""Activation functions and their derivatives, in NumPy.

Lab ``losses``, tasks ``activations`` and ``softmax``. You write the bodies
that raise ``NotImplementedError`` in your copy (each says what to do in a
``TODO`` line above it). Everything else is given; read it, it is the
contract your code must meet.

These are the lecture's formulas, element-wise on NumPy arrays (no Keras:
Keras computes the same functions, and the checks compare with it). Every
function takes an array (or anything ``np.asarray`` accepts: a list, a
number) and returns a float64 NumPy array of the same shape.

Conventions that change the numbers:

- ``relu_derivative(0)`` is 0 and ``leaky_relu_derivative(0)`` is `alpha`:
  at the kink the derivative of the left side is used, as TensorFlow's
  gradients do (``x > 0`` decides the branch).
- The derivatives are functions of the *input* `x`, not of the activation's
  output: ``sigmoid_derivative(x) = sigmoid(x) * (1 - sigmoid(x))``.
- ``softmax`` subtracts the maximum along `axis` before exponentiating (the
  result is the same number, and ``exp`` can no longer overflow), so
  ``softmax([1000, 1001, 1002])`` is finite:
  ``[0.09003057, 0.24472847, 0.66524096]``.

Example:

>>> import numpy as np
>>> from dlkit.activations import relu, sigmoid_derivative, softmax
>>> relu(np.array([-2.0, 0.0, 3.0]))
array([0., 0., 3.])
>>> float(sigmoid_derivative(0.0))
0.25
>>> softmax(np.array([1000.0, 1001.0, 1002.0])).round(4)
array([0.09  , 0.2447, 0.6652])
"""

import numpy as np

__all__ = [
    "sigmoid", "sigmoid_derivative",
    "tanh", "tanh_derivative",
    "relu", "relu_derivative",
    "leaky_relu", "leaky_relu_derivative",
    "softmax",
]


def _as_array(x):
    return np.asarray(x, dtype=np.float64)


def sigmoid(x):
    """The logistic sigmoid ``1 / (1 + exp(-x))``, element-wise.

    Args:
        x: array of any shape.

    Returns:
        Array of `x`'s shape with values in ``[0, 1]``.

    Example:

    >>> sigmoid(np.array([0.0, 2.0])).round(4)
    array([0.5   , 0.8808])
    """
    x = _as_array(x)
    ### BEGIN SOLUTION
    ### HINT: 1 / (1 + np.exp(-x)). For very negative x, np.exp(-x) overflows to inf (a warning) and the result is still 0.
    z = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
    ### END SOLUTION


def sigmoid_derivative(x):
    """Derivative of `sigmoid` at `x`: ``sigmoid(x) * (1 - sigmoid(x))``.

    Its largest value is 0.25, at ``x = 0``: every sigmoid layer a gradient
    flows back through multiplies it by at most 0.25 (the vanishing
    gradient).

    Args:
        x: array of any shape (the sigmoid's input, not its output).

    Returns:
        Array of `x`'s shape with values in ``[0, 0.25]``.

    Example:

    >>> sigmoid_derivative(np.array([0.0, 2.0])).round(4)
    array([0.25 , 0.105])
    """
    x = _as_array(x)
    ### BEGIN SOLUTION
    ### HINT: the chain rule gives the derivative in terms of the sigmoid itself: compute the sigmoid once and reuse it (no second np.exp).
    ### MORE: Lecture: sigma'(x) = sigma(x) (1 - sigma(x)); its largest value is 0.25 at x = 0, the reason deep sigmoid networks learn slowly.
    s = sigmoid(x)
    return s * (1.0 - s)
    ### END SOLUTION


def tanh(x):
    """The hyperbolic tangent ``(e^x - e^-x) / (e^x + e^-x)``, element-wise.

    Args:
        x: array of any shape.

    Returns:
        Array of `x`'s shape with values in ``[-1, 1]``.

    Example:

    >>> tanh(np.array([0.0, 1.0])).round(4)
    array([0.    , 0.7616])
    """
    x = _as_array(x)
    ### BEGIN SOLUTION
    ### HINT: np.tanh (the formula overflows for |x| > 710).
    return np.tanh(x)
    ### END SOLUTION


def tanh_derivative(x):
    """Derivative of `tanh` at `x`: ``1 - tanh(x) ** 2``.

    Args:
        x: array of any shape (the input, not tanh's output).

    Returns:
        Array of `x`'s shape with values in ``[0, 1]`` (1 at ``x = 0``).

    Example:

    >>> tanh_derivative(np.array([0.0, 1.0])).round(4)
    array([1.  , 0.42])
    """
    x = _as_array(x)
    ### BEGIN SOLUTION
    ### HINT: 1 - tanh(x) ** 2.
    return 1.0 - np.tanh(x) ** 2
    ### END SOLUTION


def relu(x):
    """The rectified linear unit ``max(0, x)``, element-wise.

    Args:
        x: array of any shape.

    Returns:
        Array of `x`'s shape, non-negative.

    Example:

    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    x = _as_array(x)
    ### BEGIN SOLUTION
    ### HINT: np.maximum(0, x) (element-wise; Python's max is not).
    return np.maximum(0.0, x)
    ### END SOLUTION


def relu_derivative(x):
    """Derivative of `relu` at `x`: 1 where ``x > 0``, else 0.

    At the kink ``x = 0`` the derivative is 0 (TensorFlow's convention).

    Args:
        x: array of any shape.

    Returns:
        Array of `x`'s shape holding 0.0 and 1.0.

    Example:

    >>> relu_derivative(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    x = _as_array(x)
    ### BEGIN SOLUTION
    ### HINT: a step function: 1 where the unit is active, 0 elsewhere; np.where selects element-wise. Pitfall: the kink at exactly 0 gets 0 (strictly positive inputs only), and the result is float, not bool.
    ### MORE: Compare with Keras: tf.nn.relu's gradient at 0 is also 0. A boolean mask cast to float is another way, but check the dtype the tests expect.
    return np.where(x > 0, 1.0, 0.0)
    ### END SOLUTION


def leaky_relu(x, alpha=0.1):
    """Leaky ReLU: `x` where ``x > 0``, else ``alpha * x``.

    Keras calls `alpha` ``negative_slope`` (``keras.activations.leaky_relu``,
    whose default is 0.2; ours is the lecture's 0.1).

    Args:
        x: array of any shape.
        alpha: slope for ``x <= 0``. Defaults to 0.1.

    Returns:
        Array of `x`'s shape.

    Example:

    >>> leaky_relu(np.array([-2.0, 0.0, 3.0]))
    array([-0.2,  0. ,  3. ])
    """
    x = _as_array(x)
    ### BEGIN SOLUTION
    ### HINT: two branches chosen element-wise (np.where): positive inputs pass unchanged, the others are scaled by the slope alpha. Pitfall: Python's if works on one number, not on an array.
    ### MORE: Lecture: leaky ReLU keeps a small gradient for negative inputs, so a unit cannot die. alpha = 0 gives plain ReLU.
    return np.where(x > 0, x, alpha * x)
    ### END SOLUTION


def leaky_relu_derivative(x, alpha=0.1):
    """Derivative of `leaky_relu` at `x`: 1 where ``x > 0``, else `alpha`.

    At the kink ``x = 0`` the derivative is `alpha` (TensorFlow's convention).

    Args:
        x: array of any shape.
        alpha: slope for ``x <= 0``. Defaults to 0.1.

    Returns:
        Array of `x`'s shape holding 1.0 and `alpha`.

    Example:

    >>> leaky_relu_derivative(np.array([-2.0, 0.0, 3.0]))
    array([0.1, 0.1, 1. ])
    """
    x = _as_array(x)
    ### BEGIN SOLUTION
    ### HINT: the slope of each branch of leaky_relu, chosen element-wise with np.where; the kink at 0 takes the negative branch's slope. Pitfall: return floats even if alpha is an int.
    return np.where(x > 0, 1.0, float(alpha))
    ### END SOLUTION


def softmax(x, axis=-1):
    """Softmax along `axis`: ``exp(x_i) / sum_j exp(x_j)``, computed stably.

    Subtract the maximum along `axis` first (keep the dimension so it
    broadcasts): ``exp(x - max)`` is at most 1, so nothing overflows, and the
    quotient is unchanged because the factor ``exp(-max)`` cancels.

    Args:
        x: array of any shape (scores, or "logits").
        axis: the axis that sums to 1. Defaults to -1 (the last).

    Returns:
        Array of `x`'s shape, non-negative, summing to 1 along `axis`.

    Example:

    >>> softmax(np.array([1.0, 2.0, 3.0])).round(4)
    array([0.09  , 0.2447, 0.6652])
    >>> softmax(np.array([[1.0, 1.0], [0.0, 2.0]]), axis=0).round(4)
    array([[0.7311, 0.2689],
           [0.2689, 0.7311]])
    """
    x = _as_array(x)
    ### BEGIN SOLUTION
    ### HINT: shift by the maximum along `axis` before exponentiating (softmax does not change, np.exp no longer overflows), then normalize so each slice sums to 1. API: np.max, np.exp, np.sum with keepdims so the shapes broadcast. Pitfall: the axis argument, not always the last one.
    ### MORE: Without the shift, np.exp(1000) is inf and inf / inf is nan. keepdims=True keeps the reduced axis as size 1, so dividing a (n, k) array by the (n, 1) sums broadcasts row by row.
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
    ### END SOLUTION
