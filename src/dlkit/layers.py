"""Dropout and batch normalization as Keras layers.

Lab ``generalization``. You write the bodies that raise
``NotImplementedError`` in your copy (each says what to do in a ``TODO``
line above it). Everything else is given; read it, it is the contract your
code must meet. Both classes subclass ``keras.layers.Layer`` and behave like
the Keras layer of the same name (the checks compare with it). Write them
with ``keras.ops`` and ``keras.random``, never NumPy: Keras calls them on
tensors, inside a compiled ``tf.function`` during ``fit``, and
differentiates them.

Conventions that change the numbers:

- ``training``: Keras passes ``training=True`` to every layer during
  ``fit`` (and ``train_on_batch``) and ``training=False`` in ``predict`` and
  ``evaluate``. Called directly, ``layer(x)`` is inference
  (``training=False``): the default of ``call``.
- **Dropout is inverted dropout.** With ``training=True`` each unit is kept
  with probability ``1 - rate`` and the kept units are multiplied by
  ``1 / (1 - rate)``; the dropped ones are 0. The expected value of every
  output equals its input, so at inference the layer passes its input
  through unchanged, unscaled. (The original paper, and the lecture's first
  formula, scale by ``1 - rate`` at test time instead: the same network,
  with the factor moved to the other side.)
- **Dropout's mask** is random and different at every call: draw it with
  ``keras.random`` and the layer's ``self.seed_generator`` (a
  ``keras.random.SeedGenerator`` made from `seed`, given). Two layers made
  with the same integer `seed` draw the same sequence of masks. Keras draws
  its masks with another algorithm, so the checks test the mask's
  properties (keep rate, scale, seeding, sharing), not its exact values.
- ``noise_shape`` (Keras's rule) is the shape of the mask, broadcast
  against the input: an entry 1 shares one mask value along that axis, an
  entry ``None`` takes the input's size. ``Dropout(0.5, noise_shape=(None,
  1, 8))`` on inputs of shape ``(batch, time, 8)`` drops the same features
  at every time step. The given `Dropout.mask_shape` resolves it.
- **Batch normalization** in training mode normalizes with the mean and the
  **biased** variance (divided by the count, ``ddof=0``, as ``ops.moments``
  computes them) over every axis but `axis`::

      y = gamma * (x - mean) / sqrt(variance + epsilon) + beta

  with `epsilon` **inside** the square root, then updates the moving
  statistics with the batch's (`momentum` weighs the *old* value)::

      moving_mean = momentum * moving_mean + (1 - momentum) * mean
      moving_variance = momentum * moving_variance + (1 - momentum) * variance

  In inference mode it normalizes with ``moving_mean`` and
  ``moving_variance`` and updates nothing. The lecture writes the moving
  average with the weights the other way round (``beta * new + (1 - beta)
  * old``); Keras's `momentum` is close to 1.
- The statistics are vectors of the size of `axis`; the given
  `BatchNormalization.broadcast` reshapes one so that it broadcasts against
  the inputs whatever `axis` is.
- Float16 inputs are normalized in float32 and the result cast back (given).
- Bad arguments raise ``ValueError`` naming the argument and ending with
  ``Received: ...`` (given code, with ``dlkit._validation``).

Example:

>>> import numpy as np
>>> from dlkit.layers import BatchNormalization, Dropout
>>> x = np.ones((2, 4), dtype="float32")
>>> Dropout(0.5, seed=1)(x).numpy()                    # inference: unchanged
array([[1., 1., 1., 1.],
       [1., 1., 1., 1.]], dtype=float32)
>>> set(Dropout(0.5, seed=1)(x, training=True).numpy().ravel()) <= {0.0, 2.0}
True
>>> bn = BatchNormalization()
>>> y = bn(np.array([[1.0], [3.0]], "float32"), training=True)
>>> np.round(y.numpy().ravel(), 4), np.round(bn.moving_mean.numpy(), 4)
(array([-0.9995,  0.9995], dtype=float32), array([0.02], dtype=float32))
"""

import numbers

import keras
from keras import ops

from dlkit._validation import check_bool, check_fraction, check_positive

__all__ = ["Dropout", "BatchNormalization"]


def _fail(name, expected, value):
    raise ValueError(f"Argument `{name}` {expected}. Received: {name}={value!r}")


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


@keras.saving.register_keras_serializable(package="dlkit")
class Dropout(keras.layers.Layer):
    """Inverted dropout: zeroes each unit with probability `rate` in training.

    Args:
        rate: the probability of dropping a unit, ``0 <= rate < 1``.
        noise_shape: the mask's shape, broadcast against the inputs (``None``
            entries take the input's size). Defaults to ``None``: one mask
            value per unit.
        seed: integer seed of the masks. Defaults to ``None`` (a random
            seed: other masks in every run).
        **kwargs: base ``Layer`` arguments (``name``, ``dtype``, ...).

    Returns:
        From ``call``: a tensor of the inputs' shape and dtype.

    Example:

    >>> layer = Dropout(0.25, seed=0)
    >>> y = layer(np.full((1, 8), 3.0, "float32"), training=True)
    >>> sorted(set(y.numpy().ravel().tolist())) in ([0.0, 4.0], [4.0])
    True
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        check_fraction("rate", rate, include_one=False)
        if noise_shape is not None:
            if isinstance(noise_shape, str) or not hasattr(noise_shape, "__iter__"):
                _fail("noise_shape", "must be a tuple of positive integers or None", noise_shape)
            noise_shape = tuple(noise_shape)
            if not all(d is None or (_is_int(d) and d > 0) for d in noise_shape):
                _fail("noise_shape", "must be a tuple of positive integers or None", noise_shape)
        if seed is not None and not _is_int(seed):
            _fail("seed", "must be an integer or None", seed)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True

    def mask_shape(self, inputs):
        """The shape of the mask for `inputs` (given): ``inputs``' shape, or
        `noise_shape` with its ``None`` entries filled in from it."""
        shape = ops.shape(inputs)
        if self.noise_shape is None:
            return shape
        return tuple(shape[i] if d is None else d for i, d in enumerate(self.noise_shape))

    def call(self, inputs, training=False):
        """Returns `inputs` with dropout applied when `training` is true."""
        ### BEGIN SOLUTION
        ### HINT: inverted dropout: a random keep/drop mask drawn anew at every training call, kept units divided by the keep probability; inference returns the input as it is. Look up keras.random.uniform and ops.where. Pitfall: multiplying by the keep probability instead of dividing by it.
        ### MORE: draw the uniform numbers with the shape that self.mask_shape gives and seed=self.seed_generator (never an integer seed, which repeats the mask at every call); a unit is kept where its draw is below 1 - rate. Return early when training is false or rate is 0.
        if not training or self.rate == 0:
            return inputs
        keep = 1.0 - self.rate
        draws = keras.random.uniform(self.mask_shape(inputs), seed=self.seed_generator,
                                     dtype=inputs.dtype)
        return ops.where(draws < keep, inputs / keep, ops.zeros_like(inputs))
        ### END SOLUTION

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}


@keras.saving.register_keras_serializable(package="dlkit")
class BatchNormalization(keras.layers.Layer):
    """Normalizes each feature over the batch, then scales and shifts it.

    Args:
        axis: the features axis (the one *not* averaged over). Defaults to
            ``-1`` (channels last).
        momentum: weight of the old value in the moving averages, in
            ``[0, 1]``. Defaults to ``0.99``.
        epsilon: added to the variance inside the square root, ``> 0``.
            Defaults to ``1e-3``.
        center: learn an offset ``beta`` (initialized to 0). Defaults to
            ``True``.
        scale: learn a scale ``gamma`` (initialized to 1). Defaults to
            ``True``.
        **kwargs: base ``Layer`` arguments (``name``, ``dtype``, ...).

    Weights (attributes, named as in Keras): ``gamma`` and ``beta``
    (trainable; only with `scale` / `center`), ``moving_mean`` (initialized
    to 0) and ``moving_variance`` (initialized to 1), not trainable. Each is
    a vector with one entry per feature (the size of `axis`).

    Returns:
        From ``call``: a tensor of the inputs' shape and dtype.

    Example:

    >>> bn = BatchNormalization(momentum=0.9)
    >>> x = np.array([[0.0, 10.0], [2.0, 30.0]], "float32")
    >>> np.round(bn(x, training=True).numpy(), 4)
    array([[-0.9995, -1.    ],
           [ 0.9995,  1.    ]], dtype=float32)
    >>> np.round(bn.moving_mean.numpy(), 3), np.round(bn.moving_variance.numpy(), 3)
    (array([0.1, 2. ], dtype=float32), array([ 1. , 10.9], dtype=float32))
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 **kwargs):
        super().__init__(**kwargs)
        if not _is_int(axis):
            _fail("axis", "must be an integer", axis)
        check_fraction("momentum", momentum)
        check_positive("epsilon", epsilon)
        check_bool("center", center)
        check_bool("scale", scale)
        self.axis = axis
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.supports_masking = True

    def build(self, input_shape):
        """Creates the weights for inputs of `input_shape`."""
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            _fail("axis", f"must index a dimension of the inputs' shape {tuple(input_shape)}",
                  self.axis)
        self._axis = self.axis % rank
        self._reduction_axes = [i for i in range(rank) if i != self._axis]
        self._broadcast_shape = [1] * rank
        self._broadcast_shape[self._axis] = input_shape[self._axis]
        shape = (input_shape[self._axis],)
        ### BEGIN SOLUTION
        ### HINT: four weights made with self.add_weight, named as in Keras, of the vector shape above, with the initializers the class docstring gives. Pitfall: the moving statistics are changed by call, not by the optimizer: they must not be trainable.
        ### MORE: gamma exists only when scale is true and beta only when center is true. Pass autocast=False as Keras does, so that mixed precision keeps them in float32.
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name="gamma", initializer="ones",
                                         trainable=True, autocast=False)
        if self.center:
            self.beta = self.add_weight(shape=shape, name="beta", initializer="zeros",
                                        trainable=True, autocast=False)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean",
                                           initializer="zeros", trainable=False, autocast=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer="ones", trainable=False,
                                               autocast=False)
        ### END SOLUTION

    def broadcast(self, vector):
        """`vector` (one entry per feature) reshaped to broadcast against the
        inputs along `axis` (given)."""
        return ops.reshape(vector, self._broadcast_shape)

    def call(self, inputs, training=False):
        """Returns the normalized inputs (batch statistics when `training`
        is true and the layer is trainable, else the moving ones)."""
        x = ops.cast(inputs, keras.backend.result_type(inputs.dtype, "float32"))
        use_batch_statistics = bool(training) and self.trainable
        ### BEGIN SOLUTION
        ### HINT: training uses the batch's mean and biased variance (ops.moments over the reduction axes) and blends them into the moving weights with their assign method; inference reads the moving weights. Pitfall: the unbiased (n - 1) variance, or epsilon added outside the square root.
        ### MORE: momentum weighs the old moving value, 1 - momentum the batch's. Cast the statistics to the dtype their destination has (x's, or the variable's). Every per-feature vector goes through self.broadcast before it meets x; gamma and beta are applied only when scale and center are set.
        if use_batch_statistics:
            mean, variance = ops.moments(x, axes=self._reduction_axes)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean * m
                                    + ops.cast(mean, self.moving_mean.dtype) * (1.0 - m))
            self.moving_variance.assign(self.moving_variance * m
                                        + ops.cast(variance, self.moving_variance.dtype)
                                        * (1.0 - m))
        else:
            mean = ops.cast(self.moving_mean, x.dtype)
            variance = ops.cast(self.moving_variance, x.dtype)
        outputs = (x - self.broadcast(mean)) / ops.sqrt(self.broadcast(variance) + self.epsilon)
        if self.scale:
            outputs = outputs * self.broadcast(ops.cast(self.gamma, x.dtype))
        if self.center:
            outputs = outputs + self.broadcast(ops.cast(self.beta, x.dtype))
        ### END SOLUTION
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale}
