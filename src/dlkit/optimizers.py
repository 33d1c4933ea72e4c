"""Gradient-descent optimizers as Keras 3 optimizers, and clipping by norm.

Lab ``optimizers``. You write the bodies that raise ``NotImplementedError``
in your copy: the slot creation in each ``build``, each ``update_step``, and
`clip_by_norm`. Everything else is given; read it, it is the contract your
code must meet.

Each optimizer subclasses ``keras.optimizers.Optimizer`` the way Keras's own
``keras/src/optimizers/adam.py`` does. The base class owns everything but
the update rule: the ``iterations`` counter, the learning rate (a float32
variable, or a ``LearningRateSchedule``), clipping (``clipnorm``,
``clipvalue``, ``global_clipnorm``) and weight decay, all applied *before*
your ``update_step`` sees the gradient. You write two methods:

- ``build(var_list)`` creates the *slots*, the optimizer's per-weight state,
  one variable of the weight's shape and dtype per weight, with
  ``self.add_variable_from_reference(variable, name=..., initializer=...)``.
  Keras names such a slot ``<weight path>_<name>``, for example
  ``dense_kernel_momentum``; use the slot names given below.
- ``update_step(gradient, variable, learning_rate)`` updates one weight.
  Find its slots with ``self._get_variable_index(variable)``, an index into
  the lists you built. Cast `gradient` and `learning_rate` to
  ``variable.dtype`` first (the rate is float32 even for float64 weights),
  compute with ``keras.ops`` (no Python ``if`` on a tensor: the step runs
  compiled), and write only through ``self.assign``, ``self.assign_add`` and
  ``self.assign_sub``.

Conventions that change the numbers (from the course contract: each class
equals the Keras built-in of the same name, and the checks compare with it
over hundreds of steps). ``g`` is the gradient, ``lr`` the learning rate
of this step, ``eps`` the class's `epsilon`; every operation is element-wise:

- ``SGD``: slot ``"momentum"``, the velocity ``v``, starts at 0.
  ``v <- momentum * v - lr * g`` then ``w <- w + v``. The lecture writes
  ``change_t = momentum * change_{t-1} + lr * g``, ``w <- w - change_t``:
  the same update, with ``change = -v``; the slot holds Keras's ``v``.
  Nesterov: ``v`` as above, then ``w <- w + momentum * v - lr * g`` (with
  the new ``v``). With ``momentum == 0`` there is no slot and
  ``w <- w - lr * g``.
- ``Adagrad``: slot ``"accumulator"`` starts at `initial_accumulator_value`
  (not 0). ``a <- a + g**2`` then ``w <- w - lr * g / sqrt(a + eps)``:
  epsilon *inside* the square root.
- ``RMSprop``: slot ``"velocity"`` starts at 0.
  ``v <- rho * v + (1 - rho) * g**2`` then ``w <- w - lr * g / sqrt(v + eps)``:
  epsilon *inside* the square root (not centered, no momentum).
- ``Adam``: slots ``"momentum"`` (``m``) and ``"velocity"`` (``v``) start at
  0; ``t = iterations + 1`` is the number of this step, from 1.
  ``m <- beta_1 * m + (1 - beta_1) * g``, ``v <- beta_2 * v + (1 - beta_2) * g**2``,
  ``alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)`` (the bias
  correction, folded into the rate) and
  ``w <- w - alpha * m / (sqrt(v) + eps)``: epsilon *outside* the square
  root of the *uncorrected* ``v`` (Kingma and Ba's "epsilon hat"). The
  lecture's ``m_hat / (sqrt(v_hat) + eps)`` with ``m_hat = m / (1 - beta_1**t)``
  and ``v_hat = v / (1 - beta_2**t)`` is the same step with a smaller
  epsilon; the two differ when ``sqrt(v_hat)`` is not much larger than
  ``eps``.
- `clip_by_norm` is the lecture's rule on the whole tensor: if
  ``norm(g) >= max_norm`` then ``g <- max_norm * g / norm(g)``, with ``norm``
  the Euclidean norm of all elements. It equals what ``clipnorm`` does to
  each gradient.
- Bad arguments raise ``ValueError`` naming the argument and ending with
  ``Received: ...`` (given code, using ``dlkit._validation``).

Example:

>>> import keras
>>> from dlkit.optimizers import SGD
>>> w = keras.Variable([1.0, -2.0, 3.0], name="w")
>>> optimizer = SGD(learning_rate=0.1, momentum=0.9)
>>> g = keras.ops.convert_to_tensor([1.0, 2.0, -4.0])
>>> optimizer.apply_gradients([(g, w)])  # v = [-0.1, -0.2, 0.4]
>>> optimizer.apply_gradients([(g, w)])  # v = [-0.19, -0.38, 0.76]
>>> w.numpy()  # approximately [0.71, -2.58, 4.16]
"""


import keras
from keras import ops

from dlkit._validation import check_bool, check_fraction, check_non_negative, check_positive

__all__ = ["SGD", "Adagrad", "RMSprop", "Adam", "clip_by_norm"]


def _learning_rate(learning_rate):
    """A float rate >= 0, or a schedule / callable, as the base class takes it."""
    if isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule) or callable(
        learning_rate
    ):
        return learning_rate
    check_non_negative("learning_rate", learning_rate)
    return float(learning_rate)


@keras.saving.register_keras_serializable(package="dlkit")
class SGD(keras.optimizers.Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    Equals ``keras.optimizers.SGD``. With ``momentum == 0``::

        w <- w - lr * g

    Otherwise, with the velocity slot ``v`` (named ``"momentum"``, zeros
    at the start)::

        v <- momentum * v - lr * g
        w <- w + v                        # nesterov=False
        w <- w + momentum * v - lr * g    # nesterov=True (v is the new one)

    The lecture's ``change_t = momentum * change_{t-1} + lr * g``,
    ``w <- w - change_t`` is the same update with ``change = -v``. Momentum
    is an exponentially weighted average of the past steps: with
    ``momentum = 0.9`` the velocity is about ``lr`` times the sum of the
    last ~10 gradients, so it builds speed along a consistent direction and
    cancels gradients that keep changing sign.

    Args:
        learning_rate: the step size, a float >= 0, or a
            ``keras.optimizers.schedules.LearningRateSchedule``.
            Defaults to 0.01.
        momentum: the velocity's decay, a number in ``[0, 1)``; 0 is plain
            gradient descent (no slot). Defaults to 0.0.
        nesterov: whether to use Nesterov momentum. Defaults to False.
        **kwargs: the base class's arguments: ``clipnorm``, ``clipvalue``,
            ``global_clipnorm`` (at most one), ``weight_decay``, ``name``, ...

    Example:

    >>> w = keras.Variable([1.0, -2.0, 3.0])
    >>> SGD(learning_rate=0.1).apply_gradients([(keras.ops.ones(3), w)])
    >>> w.numpy()  # [0.9, -2.1, 2.9]
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        learning_rate = _learning_rate(learning_rate)
        check_fraction("momentum", momentum, include_one=False)
        check_bool("nesterov", nesterov)
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, var_list):
        """Creates one ``"momentum"`` slot (zeros) per variable when
        ``momentum != 0``, none otherwise."""
        if self.built:
            return
        super().build(var_list)
        ### BEGIN SOLUTION
        ### HINT: one slot variable per trained variable, shaped like it and starting at zero (add_variable_from_reference); without momentum no slots are needed (keep an empty list so update_step can tell).
        self.velocities = []
        if self.momentum != 0:
            self.velocities = [
                self.add_variable_from_reference(variable, name="momentum")
                for variable in var_list
            ]
        ### END SOLUTION

    def update_step(self, gradient, variable, learning_rate):
        """Applies one SGD step to `variable` (see the class docstring)."""
        ### BEGIN SOLUTION
        ### HINT: cast the rate, the gradient and the momentum to variable.dtype (keras.ops.cast); with momentum 0 subtract lr * g from the variable; else update the velocity slot (self._get_variable_index(variable) finds it) with self.assign, then add it to the variable (Nesterov: add momentum * v - lr * g).
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        if self.momentum == 0:
            self.assign_sub(variable, ops.multiply(gradient, lr))
            return
        momentum = ops.cast(self.momentum, variable.dtype)
        velocity = self.velocities[self._get_variable_index(variable)]
        self.assign(velocity, ops.subtract(ops.multiply(velocity, momentum),
                                           ops.multiply(gradient, lr)))
        if self.nesterov:
            self.assign_add(variable, ops.subtract(ops.multiply(velocity, momentum),
                                                   ops.multiply(gradient, lr)))
        else:
            self.assign_add(variable, velocity)
        ### END SOLUTION

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config


@keras.saving.register_keras_serializable(package="dlkit")
class Adagrad(keras.optimizers.Optimizer):
    """Adagrad: a per-parameter rate that shrinks with the gradients seen.

    Equals ``keras.optimizers.Adagrad``. With the slot ``a`` (named
    ``"accumulator"``, starting at `initial_accumulator_value`, not 0)::

        a <- a + g**2
        w <- w - lr * g / sqrt(a + epsilon)     # epsilon inside the root

    A parameter with large past gradients takes small steps; one with
    small or rare gradients keeps a larger step. The accumulator only
    grows, so every step size falls towards 0 over training.

    Args:
        learning_rate: a float >= 0 or a ``LearningRateSchedule``.
            Defaults to 0.001.
        initial_accumulator_value: starting value of every accumulator,
            a number >= 0. Defaults to 0.1.
        epsilon: a number >= 0 added under the square root. Defaults to 1e-7.
        **kwargs: the base class's arguments (``clipnorm``, ``name``, ...).

    Example:

    >>> w = keras.Variable([1.0, 2.0])
    >>> opt = Adagrad(learning_rate=0.1, initial_accumulator_value=0.05, epsilon=0.04)
    >>> opt.apply_gradients([(keras.ops.convert_to_tensor([0.4, -0.4]), w)])
    >>> w.numpy()  # a = 0.05 + 0.16; step 0.1 * 0.4 / sqrt(0.25) = 0.08: [0.92, 2.08]
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 **kwargs):
        learning_rate = _learning_rate(learning_rate)
        check_non_negative("initial_accumulator_value", initial_accumulator_value)
        check_non_negative("epsilon", epsilon)
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        """Creates one ``"accumulator"`` slot per variable, filled with
        `initial_accumulator_value`."""
        if self.built:
            return
        super().build(var_list)
        ### BEGIN SOLUTION
        ### HINT: one accumulator slot per variable, shaped like it but starting at initial_accumulator_value: add_variable_from_reference takes an initializer (keras.initializers.Constant).
        initializer = keras.initializers.Constant(self.initial_accumulator_value)
        self.accumulators = [
            self.add_variable_from_reference(variable, name="accumulator",
                                             initializer=initializer)
            for variable in var_list
        ]
        ### END SOLUTION

    def update_step(self, gradient, variable, learning_rate):
        """Applies one Adagrad step to `variable` (see the class docstring)."""
        ### BEGIN SOLUTION
        ### HINT: cast the rate and the gradient to variable.dtype; add g**2 to the weight's accumulator, then subtract lr * g / sqrt(accumulator + epsilon) from the variable (keras.ops, self.assign_add / assign_sub).
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        accumulator = self.accumulators[self._get_variable_index(variable)]
        self.assign_add(accumulator, ops.square(gradient))
        self.assign_sub(variable, ops.divide(ops.multiply(lr, gradient),
                                             ops.sqrt(ops.add(accumulator, self.epsilon))))
        ### END SOLUTION

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config


@keras.saving.register_keras_serializable(package="dlkit")
class RMSprop(keras.optimizers.Optimizer):
    """RMSprop: divides each step by a running RMS of recent gradients.

    Equals ``keras.optimizers.RMSprop(centered=False, momentum=0.0)``. With
    the slot ``v`` (named ``"velocity"``, zeros at the start)::

        v <- rho * v + (1 - rho) * g**2        # EWMA of the squared gradient
        w <- w - lr * g / sqrt(v + epsilon)    # epsilon inside the root

    Unlike Adagrad's sum, the average forgets: ``rho = 0.9`` averages about
    the last 10 squared gradients, so the step size does not decay to 0.

    Args:
        learning_rate: a float >= 0 or a ``LearningRateSchedule``.
            Defaults to 0.001.
        rho: decay of the average, a number in ``[0, 1)``. Defaults to 0.9.
        epsilon: a number >= 0 added under the square root. Defaults to 1e-7.
        **kwargs: the base class's arguments (``clipnorm``, ``name``, ...).

    Example:

    >>> w = keras.Variable([1.0, -1.0])
    >>> opt = RMSprop(learning_rate=0.01, rho=0.9, epsilon=0.06)
    >>> opt.apply_gradients([(keras.ops.convert_to_tensor([1.0, -1.0]), w)])
    >>> w.numpy()  # v = 0.1; step 0.01 * 1 / sqrt(0.16) = 0.025: [0.975, -0.975]
    """

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, **kwargs):
        learning_rate = _learning_rate(learning_rate)
        check_fraction("rho", rho, include_one=False)
        check_non_negative("epsilon", epsilon)
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        """Creates one ``"velocity"`` slot (zeros) per variable."""
        if self.built:
            return
        super().build(var_list)
        ### BEGIN SOLUTION
        ### HINT: a list of self.add_variable_from_reference(v, name="velocity"), one per variable.
        self.velocities = [
            self.add_variable_from_reference(variable, name="velocity") for variable in var_list
        ]
        ### END SOLUTION

    def update_step(self, gradient, variable, learning_rate):
        """Applies one RMSprop step to `variable` (see the class docstring)."""
        ### BEGIN SOLUTION
        ### HINT: cast the rate and the gradient to variable.dtype; move the velocity slot to rho * v + (1 - rho) * g**2 (self.assign), then subtract lr * g / sqrt(v + epsilon) from the variable.
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        velocity = self.velocities[self._get_variable_index(variable)]
        self.assign(velocity, ops.add(ops.multiply(self.rho, velocity),
                                      ops.multiply(1 - self.rho, ops.square(gradient))))
        self.assign_sub(variable, ops.divide(ops.multiply(lr, gradient),
                                             ops.sqrt(ops.add(velocity, self.epsilon))))
        ### END SOLUTION

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config


@keras.saving.register_keras_serializable(package="dlkit")
class Adam(keras.optimizers.Optimizer):
    """Adam: momentum and an RMSprop-style rate, with bias correction.

    Equals ``keras.optimizers.Adam(amsgrad=False)``. With the slots ``m``
    (named ``"momentum"``) and ``v`` (named ``"velocity"``), zeros at the
    start, and ``t = iterations + 1``, the number of this step (from 1)::

        m <- beta_1 * m + (1 - beta_1) * g
        v <- beta_2 * v + (1 - beta_2) * g**2
        alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w <- w - alpha * m / (sqrt(v) + epsilon)   # epsilon outside the root

    ``m`` and ``v`` start at 0, so early on they underestimate the
    averages; ``alpha`` folds both bias corrections into the rate. The
    lecture divides ``m_hat = m / (1 - beta_1**t)`` by
    ``sqrt(v_hat) + epsilon`` with ``v_hat = v / (1 - beta_2**t)``: the
    same step except that its epsilon is added to ``sqrt(v_hat)`` instead
    of ``sqrt(v)`` (Keras's epsilon is Kingma and Ba's "epsilon hat").

    Args:
        learning_rate: a float >= 0 or a ``LearningRateSchedule``.
            Defaults to 0.001.
        beta_1: decay of the first moment ``m``, in ``[0, 1)``.
            Defaults to 0.9.
        beta_2: decay of the second moment ``v``, in ``[0, 1)``.
            Defaults to 0.999.
        epsilon: a number >= 0 added to ``sqrt(v)``. Defaults to 1e-7.
        **kwargs: the base class's arguments (``clipnorm``, ``name``, ...).

    Example:

    >>> w = keras.Variable([1.0, -1.0])
    >>> opt = Adam(learning_rate=0.1, beta_1=0.9, beta_2=0.96, epsilon=0.05)
    >>> opt.apply_gradients([(keras.ops.convert_to_tensor([1.0, -1.0]), w)])
    >>> w.numpy()  # m = 0.1, sqrt(v) = 0.2, alpha = 0.2: step 0.2 * 0.1 / 0.25 = 0.08
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        learning_rate = _learning_rate(learning_rate)
        check_fraction("beta_1", beta_1, include_one=False)
        check_fraction("beta_2", beta_2, include_one=False)
        check_non_negative("epsilon", epsilon)
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        """Creates a ``"momentum"`` and a ``"velocity"`` slot (zeros) per variable."""
        if self.built:
            return
        super().build(var_list)
        ### BEGIN SOLUTION
        ### HINT: two lists, of self.add_variable_from_reference(v, name="momentum") and of ...(v, name="velocity").
        self.momentums = [
            self.add_variable_from_reference(variable, name="momentum") for variable in var_list
        ]
        self.velocities = [
            self.add_variable_from_reference(variable, name="velocity") for variable in var_list
        ]
        ### END SOLUTION

    def update_step(self, gradient, variable, learning_rate):
        """Applies one Adam step to `variable` (see the class docstring)."""
        ### BEGIN SOLUTION
        ### HINT: cast the rate and the gradient to variable.dtype; t is self.iterations + 1, cast too; update m and v as the class docstring says, then fold both bias corrections into alpha and subtract alpha * m / (sqrt(v) + epsilon), epsilon outside the root.
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        step = ops.cast(self.iterations + 1, variable.dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, variable.dtype), step)
        beta_2_power = ops.power(ops.cast(self.beta_2, variable.dtype), step)
        index = self._get_variable_index(variable)
        m, v = self.momentums[index], self.velocities[index]
        alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1 - self.beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v), 1 - self.beta_2))
        self.assign_sub(variable, ops.divide(ops.multiply(m, alpha),
                                             ops.add(ops.sqrt(v), self.epsilon)))
        ### END SOLUTION

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config


def clip_by_norm(gradient, max_norm):
    """Rescales `gradient` so that its Euclidean norm is at most `max_norm`.

    The lecture's rule, on the whole tensor::

        if norm(g) >= max_norm:
            g <- max_norm * g / norm(g)

    with ``norm(g) = sqrt(sum(g**2))`` over all elements. A gradient whose
    norm is below `max_norm` comes back unchanged; a longer one keeps its
    direction and gets length `max_norm`. This is what the optimizers'
    ``clipnorm=max_norm`` does to each gradient. Use ``keras.ops`` only
    (``keras.ops.where`` or ``keras.ops.maximum``, no Python ``if`` on a
    tensor): the function must also run inside a compiled training step.

    Args:
        gradient: a float tensor or array of any shape.
        max_norm: the largest norm allowed, a number > 0.

    Returns:
        A tensor of `gradient`'s shape and dtype.

    Example:

    >>> clip_by_norm([3.0, 4.0], 1.0)  # norm 5 -> [0.6, 0.8]
    >>> clip_by_norm([0.3, 0.4], 1.0)  # norm 0.5 < 1: unchanged
    """
    check_positive("max_norm", max_norm)
    ### BEGIN SOLUTION
    ### HINT: g = keras.ops.convert_to_tensor(gradient); norm = sqrt(sum(g**2)); return g * c / max(norm, c) (which is g when norm < c), with c cast to g.dtype.
    gradient = ops.convert_to_tensor(gradient)
    limit = ops.cast(max_norm, gradient.dtype)
    norm = ops.sqrt(ops.sum(ops.square(gradient)))
    return ops.divide(ops.multiply(gradient, limit), ops.maximum(norm, limit))
    ### END SOLUTION
