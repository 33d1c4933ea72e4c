"""Weight initializers as Keras initializers.

Lab ``initializers``. You write the bodies that raise ``NotImplementedError``
in your copy (each says what to do in a ``TODO`` line above it). Everything
else is given; read it, it is the contract your code must meet.

Why the initial weights matter. A ``Dense`` unit computes
``y = sum_i w_i * x_i`` over its ``fan_in`` inputs. With independent,
zero-mean weights and inputs, ``Var(y) = fan_in * Var(w) * Var(x)``: unless
``Var(w)`` is about ``1 / fan_in``, the activations grow or shrink by the
same factor in every layer, and so do the gradients on the way back. The
variance-scaling initializers pick ``Var(w) = scale / fan``:

=============  =======  ========================  =================================
initializer    scale    fan                       distribution
=============  =======  ========================  =================================
GlorotUniform  1        (fan_in + fan_out) / 2    uniform in [-limit, limit]
GlorotNormal   1        (fan_in + fan_out) / 2    normal truncated at 2 std devs
HeNormal       2        fan_in                    normal truncated at 2 std devs
HeUniform      2        fan_in                    uniform in [-limit, limit]
LecunNormal    1        fan_in                    normal truncated at 2 std devs
=============  =======  ========================  =================================

Glorot (Xavier) keeps the variance of the activations and of the gradients
about constant for ``tanh``-like units; He doubles it because ReLU zeroes
half of its inputs; LeCun is the ``fan_in`` half of Glorot (SELU networks).
Constant weights (``Zeros``, ``Constant``) give every hidden unit of a layer
the same output and the same gradient, so the units stay identical however
long the network trains (``distinct_units`` measures that).

Conventions that change the numbers (Keras 3's, the course contract's):

- Fans are channels-last, as Keras computes them (``compute_fans``): a
  ``Dense`` kernel has shape ``(fan_in, fan_out)``; a convolution kernel
  ``(*kernel_size, in_channels, out_channels)`` has
  ``fan_in = in_channels * receptive_field`` and
  ``fan_out = out_channels * receptive_field``, where ``receptive_field`` is
  the product of the ``kernel_size`` dimensions.
- A uniform distribution with variance ``v`` is ``U(-sqrt(3 v), sqrt(3 v))``:
  Glorot's ``limit = sqrt(6 / (fan_in + fan_out))``. The lecture's rule
  ``U(-1 / sqrt(n), 1 / sqrt(n))`` (Glorot & Bengio's "commonly used
  heuristic") has variance ``1 / (3 n)``, a third of LeCun's: it is not
  what Keras's ``GlorotUniform`` does.
- The ``*Normal`` variance-scaling initializers draw from a normal truncated
  at two standard deviations (values beyond are redrawn). Truncation shrinks
  the standard deviation by ``TRUNCATION_STDDEV = 0.8796...``, so Keras
  divides by it first: ``stddev = sqrt(scale / fan) / 0.87962566103423978``
  and the draws lie in ``[-2 * stddev, 2 * stddev]`` with standard deviation
  ``sqrt(scale / fan)``. ``RandomNormal`` is not truncated.
- An integer seed gives the same values on every call (and for every
  instance with that seed); ``seed=None`` picks a seed when the initializer
  is built, from Python's ``random`` (so ``keras.utils.set_random_seed``
  makes it repeatable). One instance shared by two layers therefore makes
  two identical kernels; pass a ``keras.random.SeedGenerator`` as `seed` to
  get new values on every call.
- Bad arguments raise ``ValueError`` naming the argument and ending with
  ``Received: ...``: use ``check_positive`` from ``dlkit._validation``.

Write the random draws with ``keras.random`` (``normal``, ``uniform``,
``truncated_normal``) and ``keras.ops``, always passing ``seed=self.seed``
and ``dtype=dtype``, so the code runs on every Keras backend.

Example:

>>> import keras
>>> from dlkit.initializers import HeNormal, compute_fans
>>> compute_fans((3, 3, 16, 32))
(144, 288)
>>> layer = keras.layers.Dense(64, activation="relu",
...                            kernel_initializer=HeNormal(seed=0))
"""

import math
import numbers
import random

import keras
import numpy as np

from dlkit._validation import check_positive

__all__ = [
    "TRUNCATION_STDDEV",
    "compute_fans",
    "Zeros",
    "Constant",
    "RandomNormal",
    "RandomUniform",
    "GlorotUniform",
    "GlorotNormal",
    "HeNormal",
    "HeUniform",
    "LecunNormal",
    "distinct_units",
    "symmetry_experiment",
]

TRUNCATION_STDDEV = 0.87962566103423978
"""Standard deviation of a standard normal truncated to ``[-2, 2]``.

``keras.random.truncated_normal(shape, stddev=s)`` draws from a normal of
standard deviation `s` and redraws every value beyond ``2 * s``; what is
left has standard deviation ``s * TRUNCATION_STDDEV``.
"""


def _check_shape(shape):
    """Returns `shape` as a tuple of Python ints (given code).

    Raises ``ValueError`` unless `shape` is a sequence of positive integers
    (``()``, a scalar, is allowed).
    """
    try:
        dims = tuple(shape)
    except TypeError:
        dims = None
    if dims is None or not all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) and d >= 1 for d in dims
    ):
        raise ValueError(
            "Argument `shape` must be a tuple of positive integers. "
            f"Received: shape={shape!r}"
        )
    return tuple(int(d) for d in dims)


def _standardize(shape, dtype):
    """Validated `shape` and `dtype`, ``keras.config.floatx()`` when None (given code)."""
    return _check_shape(shape), dtype or keras.config.floatx()


def compute_fans(shape):
    """Returns ``(fan_in, fan_out)`` of a weight of shape `shape`, as Keras does.

    - ``()`` (a scalar): ``(1, 1)``;
    - ``(n,)`` (a bias or a vector): ``(n, n)``;
    - ``(n_in, n_out)`` (a ``Dense`` kernel): ``(n_in, n_out)``;
    - ``(*kernel_size, in_channels, out_channels)`` (a convolution kernel,
      channels-last): ``(in_channels * r, out_channels * r)`` with the
      receptive field ``r = prod(kernel_size)``.

    Args:
        shape: the weight's shape, a tuple of positive integers.

    Returns:
        A tuple of two Python ints ``(fan_in, fan_out)``.

    Raises:
        ValueError: if a dimension is not a positive integer.

    Example:

    >>> compute_fans((784, 10))
    (784, 10)
    >>> compute_fans((3, 3, 16, 32))  # Conv2D(32, 3) on 16 channels
    (144, 288)
    """
    shape = _check_shape(shape)
    ### BEGIN SOLUTION
    ### HINT: fans are counted as Keras counts them: scalars and vectors are special cases (see the docstring); for a kernel, the last two axes are input and output channels and every other axis is the receptive field, which multiplies both fans. API: math.prod. Pitfall: channels-last order.
    ### MORE: A Dense kernel of shape (in, out) has receptive field 1; a Conv2D kernel (3, 3, 16, 32) has 9, so fan_in = 144 and fan_out = 288.
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field
    ### END SOLUTION


@keras.saving.register_keras_serializable(package="dlkit")
class Zeros(keras.initializers.Initializer):
    """Initializes every value to 0 (``keras.initializers.Zeros``).

    The default for biases. For kernels it is the classic mistake: every
    hidden unit of a layer computes the same output and gets the same
    gradient, so the units never become different.

    Example:

    >>> Zeros()((2, 3))  # a float32 tensor of zeros
    """

    def __call__(self, shape, dtype=None):
        """Returns a tensor of `shape` and `dtype` (default: floatx) filled with 0."""
        shape, dtype = _standardize(shape, dtype)
        ### BEGIN SOLUTION
        ### HINT: keras.ops.zeros with the shape and dtype.
        return keras.ops.zeros(shape, dtype=dtype)
        ### END SOLUTION

    def get_config(self):
        return {}


@keras.saving.register_keras_serializable(package="dlkit")
class Constant(keras.initializers.Initializer):
    """Initializes every value to `value` (``keras.initializers.Constant``).

    The values are exactly `value` in the requested dtype (in float64 too,
    where Keras's own ``Constant`` rounds `value` to float32 first).

    Args:
        value: the constant, a Python number. Defaults to 0.0.

    Example:

    >>> Constant(0.5)((2, 2))  # [[0.5, 0.5], [0.5, 0.5]], float32
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        """Returns a tensor of `shape` and `dtype` (default: floatx) filled with `value`."""
        shape, dtype = _standardize(shape, dtype)
        ### BEGIN SOLUTION
        ### HINT: keras.ops.full with the shape, self.value and the dtype.
        return keras.ops.full(shape, self.value, dtype=dtype)
        ### END SOLUTION

    def get_config(self):
        return {"value": self.value}


class _RandomInitializer(keras.initializers.Initializer):
    """Base of the random initializers: keeps the seed (given code).

    Args:
        seed: an integer (the same values on every call), ``None`` (a seed
            is picked now, from Python's ``random``) or a
            ``keras.random.SeedGenerator`` (new values on every call).
            Defaults to None.
    """

    def __init__(self, seed=None):
        if isinstance(seed, dict):  # a serialized SeedGenerator, from get_config()
            seed = keras.saving.deserialize_keras_object(seed)
        is_int = isinstance(seed, numbers.Integral) and not isinstance(seed, bool)
        if not (seed is None or is_int or isinstance(seed, keras.random.SeedGenerator)):
            raise ValueError(
                "Argument `seed` must be an integer, a keras.random.SeedGenerator or None. "
                f"Received: seed={seed!r}"
            )
        self._init_seed = int(seed) if is_int else seed
        # What keras.random's `seed=` gets: the int, the generator, or one
        # drawn now, as Keras does for seed=None.
        self.seed = random.randint(1, 10**9) if seed is None else self._init_seed

    def get_config(self):
        return {"seed": keras.saving.serialize_keras_object(self._init_seed)}


@keras.saving.register_keras_serializable(package="dlkit")
class RandomNormal(_RandomInitializer):
    """Draws from the normal ``N(mean, stddev ** 2)``, not truncated
    (``keras.initializers.RandomNormal``).

    Args:
        mean: mean of the values. Defaults to 0.0.
        stddev: standard deviation, a positive number. Defaults to 0.05.
        seed: an integer, None or a ``keras.random.SeedGenerator`` (see the
            module docstring). Defaults to None.

    Raises:
        ValueError: if `stddev` is not positive.

    Example:

    >>> RandomNormal(stddev=0.01, seed=0)((784, 10)).shape
    TensorShape([784, 10])
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed=seed)
        self.mean = mean
        self.stddev = stddev
        ### BEGIN SOLUTION
        ### HINT: check_positive for stddev.
        check_positive("stddev", stddev)
        ### END SOLUTION

    def __call__(self, shape, dtype=None):
        """Returns normal draws of `shape` and `dtype` (default: floatx)."""
        shape, dtype = _standardize(shape, dtype)
        ### BEGIN SOLUTION
        ### HINT: draw from keras.random.normal with this initializer's mean and standard deviation, and pass the dtype and the seed on. Pitfall: a seed of None must stay None (fresh values every call).
        return keras.random.normal(shape, mean=self.mean, stddev=self.stddev, dtype=dtype,
                                   seed=self.seed)
        ### END SOLUTION

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@keras.saving.register_keras_serializable(package="dlkit")
class RandomUniform(_RandomInitializer):
    """Draws from the uniform ``U(minval, maxval)``
    (``keras.initializers.RandomUniform``).

    Args:
        minval: lower bound. Defaults to -0.05.
        maxval: upper bound, greater than `minval`. Defaults to 0.05.
        seed: an integer, None or a ``keras.random.SeedGenerator`` (see the
            module docstring). Defaults to None.

    Raises:
        ValueError: if ``maxval <= minval``.

    Example:

    >>> RandomUniform(-1.0, 1.0, seed=0)((2, 3))  # values in [-1, 1)
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed=seed)
        self.minval = minval
        self.maxval = maxval
        ### BEGIN SOLUTION
        ### HINT: raise ValueError unless minval < maxval, naming `maxval` and ending with "Received: minval=..., maxval=..." (the message shape of dlkit._validation).
        if not minval < maxval:
            raise ValueError(
                "Argument `maxval` must be greater than `minval`. "
                f"Received: minval={minval!r}, maxval={maxval!r}"
            )
        ### END SOLUTION

    def __call__(self, shape, dtype=None):
        """Returns uniform draws in ``[minval, maxval)`` of `shape` and `dtype`."""
        shape, dtype = _standardize(shape, dtype)
        ### BEGIN SOLUTION
        ### HINT: draw from keras.random.uniform with this initializer's bounds; pass the dtype and the seed on, as in RandomNormal.
        return keras.random.uniform(shape, minval=self.minval, maxval=self.maxval, dtype=dtype,
                                    seed=self.seed)
        ### END SOLUTION

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


@keras.saving.register_keras_serializable(package="dlkit")
class GlorotUniform(_RandomInitializer):
    """Glorot (Xavier) uniform: ``U(-limit, limit)`` with
    ``limit = sqrt(6 / (fan_in + fan_out))`` (``keras.initializers.GlorotUniform``,
    Keras's default kernel initializer).

    The variance is ``limit ** 2 / 3 = 2 / (fan_in + fan_out)``, the
    compromise of Glorot & Bengio (2010) between keeping the forward
    activations (``1 / fan_in``) and the backward gradients
    (``1 / fan_out``) at constant variance. Fans from ``compute_fans``.

    Args:
        seed: an integer, None or a ``keras.random.SeedGenerator``.
            Defaults to None.

    Example:

    >>> w = GlorotUniform(seed=0)((500, 100))  # limit sqrt(6 / 600) = 0.1
    """

    def __call__(self, shape, dtype=None):
        """Returns draws of `shape` and `dtype` (default: floatx)."""
        shape, dtype = _standardize(shape, dtype)
        ### BEGIN SOLUTION
        ### HINT: Glorot (Xavier): keep the variance of activations and gradients equal across layers, so the uniform limit is the docstring's square root of 6 over the sum of the fans. API: compute_fans, math.sqrt, keras.random.uniform symmetric around 0. Pitfall: pass the dtype and the seed on.
        ### MORE: A uniform distribution on [-a, a] has variance a squared over 3; set it equal to Glorot's target variance (2 over the sum of the fans) and solve for a.
        fan_in, fan_out = compute_fans(shape)
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        return keras.random.uniform(shape, minval=-limit, maxval=limit, dtype=dtype,
                                    seed=self.seed)
        ### END SOLUTION

    def get_config(self):
        return super().get_config()


@keras.saving.register_keras_serializable(package="dlkit")
class GlorotNormal(_RandomInitializer):
    """Glorot (Xavier) normal: variance ``2 / (fan_in + fan_out)``, from a
    normal truncated at two standard deviations
    (``keras.initializers.GlorotNormal``).

    ``keras.random.truncated_normal`` is called with
    ``stddev = sqrt(2 / (fan_in + fan_out)) / TRUNCATION_STDDEV``, so that the
    draws, all within ``2 * stddev`` of 0, have standard deviation
    ``sqrt(2 / (fan_in + fan_out))``.

    Args:
        seed: an integer, None or a ``keras.random.SeedGenerator``.
            Defaults to None.

    Example:

    >>> w = GlorotNormal(seed=0)((500, 100))  # std 0.0577, |w| < 0.131
    """

    def __call__(self, shape, dtype=None):
        """Returns draws of `shape` and `dtype` (default: floatx)."""
        shape, dtype = _standardize(shape, dtype)
        ### BEGIN SOLUTION
        ### HINT: Glorot's variance with a normal distribution truncated at two standard deviations: keras.random.truncated_normal, with the standard deviation divided by the module's truncation constant so the variance after truncation is the target. Pitfall: forgetting the correction makes the weights about 12 % too small.
        ### MORE: The docstring gives the formula and the constant (TRUNCATION_STDDEV); mean 0, dtype and seed passed on as in the uniform case.
        fan_in, fan_out = compute_fans(shape)
        stddev = math.sqrt(2.0 / (fan_in + fan_out)) / TRUNCATION_STDDEV
        return keras.random.truncated_normal(shape, mean=0.0, stddev=stddev, dtype=dtype,
                                             seed=self.seed)
        ### END SOLUTION

    def get_config(self):
        return super().get_config()


@keras.saving.register_keras_serializable(package="dlkit")
class HeNormal(_RandomInitializer):
    """He (Kaiming) normal: variance ``2 / fan_in``, from a normal truncated
    at two standard deviations (``keras.initializers.HeNormal``).

    ReLU zeroes half of its inputs, so He et al. (2015) double LeCun's
    variance ``1 / fan_in``. ``keras.random.truncated_normal`` is called with
    ``stddev = sqrt(2 / fan_in) / TRUNCATION_STDDEV``.

    Args:
        seed: an integer, None or a ``keras.random.SeedGenerator``.
            Defaults to None.

    Example:

    >>> w = HeNormal(seed=0)((500, 100))  # std sqrt(2 / 500) = 0.0632
    """

    def __call__(self, shape, dtype=None):
        """Returns draws of `shape` and `dtype` (default: floatx)."""
        shape, dtype = _standardize(shape, dtype)
        ### BEGIN SOLUTION
        ### HINT: like GlorotNormal with stddev = sqrt(2 / fan_in) / TRUNCATION_STDDEV.
        fan_in, fan_out = compute_fans(shape)
        stddev = math.sqrt(2.0 / fan_in) / TRUNCATION_STDDEV
        return keras.random.truncated_normal(shape, mean=0.0, stddev=stddev, dtype=dtype,
                                             seed=self.seed)
        ### END SOLUTION

    def get_config(self):
        return super().get_config()


@keras.saving.register_keras_serializable(package="dlkit")
class HeUniform(_RandomInitializer):
    """He (Kaiming) uniform: ``U(-limit, limit)`` with
    ``limit = sqrt(6 / fan_in)``, variance ``2 / fan_in``
    (``keras.initializers.HeUniform``).

    Args:
        seed: an integer, None or a ``keras.random.SeedGenerator``.
            Defaults to None.

    Example:

    >>> w = HeUniform(seed=0)((600, 100))  # limit sqrt(6 / 600) = 0.1
    """

    def __call__(self, shape, dtype=None):
        """Returns draws of `shape` and `dtype` (default: floatx)."""
        shape, dtype = _standardize(shape, dtype)
        ### BEGIN SOLUTION
        ### HINT: like GlorotUniform with limit = sqrt(6 / fan_in).
        fan_in, fan_out = compute_fans(shape)
        limit = math.sqrt(6.0 / fan_in)
        return keras.random.uniform(shape, minval=-limit, maxval=limit, dtype=dtype,
                                    seed=self.seed)
        ### END SOLUTION

    def get_config(self):
        return super().get_config()


@keras.saving.register_keras_serializable(package="dlkit")
class LecunNormal(_RandomInitializer):
    """LeCun normal: variance ``1 / fan_in``, from a normal truncated at two
    standard deviations (``keras.initializers.LecunNormal``).

    ``keras.random.truncated_normal`` is called with
    ``stddev = sqrt(1 / fan_in) / TRUNCATION_STDDEV``. It keeps the variance
    of the activations constant for units that are linear near 0 (and is
    the initializer SELU networks need).

    Args:
        seed: an integer, None or a ``keras.random.SeedGenerator``.
            Defaults to None.

    Example:

    >>> w = LecunNormal(seed=0)((400, 100))  # std sqrt(1 / 400) = 0.05
    """

    def __call__(self, shape, dtype=None):
        """Returns draws of `shape` and `dtype` (default: floatx)."""
        shape, dtype = _standardize(shape, dtype)
        ### BEGIN SOLUTION
        ### HINT: like HeNormal with stddev = sqrt(1 / fan_in) / TRUNCATION_STDDEV.
        fan_in, fan_out = compute_fans(shape)
        stddev = math.sqrt(1.0 / fan_in) / TRUNCATION_STDDEV
        return keras.random.truncated_normal(shape, mean=0.0, stddev=stddev, dtype=dtype,
                                             seed=self.seed)
        ### END SOLUTION

    def get_config(self):
        return super().get_config()


def distinct_units(kernel, bias=None, atol=1e-6):
    """Counts the distinct units of a ``Dense`` layer.

    Unit ``j`` is column ``j`` of `kernel` (its ``fan_in`` incoming weights)
    followed by ``bias[j]``. Two units are the same when each of their
    numbers differs by at most `atol`. Going through the units in order
    ``0, 1, ...``, a unit starts a new group unless it is the same as the
    first unit of a group found before; the result is the number of groups.

    Args:
        kernel: array-like of shape ``(fan_in, units)`` (NumPy, or a tensor
            or ``Variable``: convert it with ``np.asarray``).
        bias: array-like of shape ``(units,)``, or None (kernels only).
            Defaults to None.
        atol: largest difference of two numbers of the same unit, a
            non-negative number. Defaults to 1e-6.

    Returns:
        The number of distinct units, a Python int between 1 and ``units``.

    Example:

    >>> distinct_units(np.ones((4, 16)))  # 16 copies of one unit
    1
    >>> distinct_units(np.eye(3), bias=np.zeros(3))
    3
    """
    ### BEGIN SOLUTION
    ### HINT: a unit is a column of the kernel (its incoming weights), plus its bias when given; count groups of units that are equal within atol, comparing each unit with one representative of every group found so far. Pitfall: transpose (columns are units), and compare with the largest absolute difference, not np.allclose's relative tolerance.
    ### MORE: np.concatenate can append the bias as one more coordinate of each unit. Symmetric initial weights give one group: every unit computes the same function and gets the same gradient.
    units = np.asarray(kernel, dtype=np.float64).T
    if bias is not None:
        units = np.concatenate([units, np.asarray(bias, dtype=np.float64).reshape(-1, 1)], axis=1)
    groups = []
    for unit in units:
        if not any(np.max(np.abs(unit - first)) <= atol for first in groups):
            groups.append(unit)
    return len(groups)
    ### END SOLUTION


def symmetry_experiment(kernel_initializer, epochs=20, learning_rate=0.1, seed=0):
    """Trains the lecture's Iris network and counts its distinct hidden units
    (given code: run it in the notebook).

    Builds ``dlkit.models.iris_mlp(kernel_initializer=kernel_initializer)``
    (biases start at 0), trains it with plain SGD on the Iris training split
    in batches of 16, and applies ``distinct_units`` to every hidden layer.

    Args:
        kernel_initializer: the kernels' initializer (an object or a Keras name).
        epochs: training epochs. Defaults to 20.
        learning_rate: SGD's rate. Defaults to 0.1.
        seed: weight and shuffling seed. Defaults to 0.

    Returns:
        ``{"before": [...], "after": [...], "loss": [...], "model": model}``:
        the distinct units of each hidden layer before and after training,
        the training loss of every epoch and the trained model.
    """
    from dlkit.data import load_iris
    from dlkit.models import iris_mlp

    # Keras hides an initializer's errors while it builds a Sequential
    # model (the model stays empty): call it once, so that they show.
    keras.initializers.get(kernel_initializer)((2, 2))
    keras.utils.set_random_seed(seed)
    (x_train, y_train), _, _ = load_iris()
    model = iris_mlp(kernel_initializer=kernel_initializer)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  loss="categorical_crossentropy")
    hidden = model.layers[:-1]
    before = [distinct_units(*layer.get_weights()) for layer in hidden]
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=16, verbose=0)
    after = [distinct_units(*layer.get_weights()) for layer in hidden]
    return {"before": before, "after": after, "loss": history.history["loss"], "model": model}
