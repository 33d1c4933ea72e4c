"""A training loop written by hand: what ``model.fit`` does, step by step.

Lab ``iris_basics``. You write the bodies that raise ``NotImplementedError``
in your copy (`train_step`, and the epoch loop of `fit_loop`); the rest is
given. With them you train the same model with batch gradient descent
(``batch_size = n_samples``), stochastic gradient descent (``batch_size =
1``) and mini-batch gradient descent, and compare their loss curves.

Conventions that change the numbers (the checks compare them with Keras):

- One *step* (iteration) = one batch: forward pass, loss, gradients of the
  loss with respect to ``model.trainable_variables``, one optimizer update.
  The loss a step reports is the batch's loss *before* its update, as
  Keras's ``train_on_batch`` reports it.
- An epoch visits the samples in the order of
  ``dlkit.data.minibatch_indices``; with ``shuffle=True`` the order of every
  epoch is the next permutation of one Generator,
  ``rng = np.random.default_rng(seed)``, made once before the first epoch:
  epoch 0 uses ``rng.permutation(n)``, epoch 1 the next
  ``rng.permutation(n)``, and so on.
- The epoch's loss is the mean per-sample loss over the epoch: every batch
  loss weighted by its batch size, ``sum(loss_b * len(b)) / n_samples``,
  the number Keras's ``fit`` puts in ``history.history["loss"]`` (a partial
  last batch weighs less).
- No regularization penalties (``model.losses``) are added: the lab's
  models have none.

Example:

>>> import keras
>>> from dlkit.data import load_iris
>>> from dlkit.models import iris_mlp
>>> (x, y), validation, _ = load_iris()
>>> model = iris_mlp()
>>> history = fit_loop(model, keras.losses.CategoricalCrossentropy(),
...                    keras.optimizers.Adam(0.01), x, y, batch_size=16,
...                    epochs=5, seed=0, validation_data=validation)
>>> sorted(history)
['loss', 'val_accuracy', 'val_loss']
"""

import numpy as np
import tensorflow as tf

from dlkit._validation import check_positive_int
from dlkit.data import minibatch_indices

__all__ = ["train_step", "fit_loop", "evaluate"]


def train_step(model, loss_fn, optimizer, x, y):
    """One gradient-descent update of `model` on one batch.

    The step records the forward pass on a ``tf.GradientTape``, computes
    the batch loss ``loss_fn(y, model(x, training=True))`` (a scalar: the
    mean over the batch for Keras losses), takes its gradient with respect
    to every variable in ``model.trainable_variables`` and lets `optimizer`
    apply the update (for plain SGD, ``w <- w - learning_rate * gradient``).
    It equals Keras's ``model.train_on_batch(x, y)`` for a model compiled
    with the same loss and optimizer. A tape records what runs inside its
    block and differentiates it afterwards::

        with tf.GradientTape() as tape:
            ...                                 # the computation to differentiate
        tape.gradient(target, sources)          # d target / d each source

    `fit_loop` runs this function as a TensorFlow graph (``tf.function``),
    so it must not leave TensorFlow: return the loss tensor itself (no
    ``float(loss)`` or ``loss.numpy()``) and use no NumPy on tensors.

    Args:
        model: a built Keras model (its inputs known, as ``iris_mlp()``).
        loss_fn: a Keras loss, called as ``loss_fn(y_true, y_pred)``.
        optimizer: a Keras optimizer.
        x: the batch's features, shape ``(batch, n_features)``.
        y: the batch's labels in the form `loss_fn` expects (one-hot for
            ``CategoricalCrossentropy``).

    Returns:
        The batch's loss before the update, a scalar tensor.

    Example (``model, x, y`` as in the module docstring)::

        loss = train_step(model, keras.losses.CategoricalCrossentropy(),
                          keras.optimizers.SGD(0.1), x[:16], y[:16])
        float(loss)  # the loss of these 16 samples before the update
    """
    ### BEGIN SOLUTION
    ### HINT: record the forward pass (training=True) and the loss on a tf.GradientTape; take the gradient of the loss with respect to model.trainable_variables; optimizer.apply_gradients takes (gradient, variable) pairs; return the loss tensor.
    with tf.GradientTape() as tape:
        y_pred = model(x, training=True)
        loss = loss_fn(y, y_pred)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss
    ### END SOLUTION


def evaluate(model, loss_fn, x, y):
    """Loss and accuracy of `model` on ``(x, y)`` without training (given code).

    Args:
        model: a Keras model.
        loss_fn: a Keras loss.
        x: features.
        y: labels as `loss_fn` expects them.

    Returns:
        ``(loss, accuracy)`` as Python floats; the accuracy compares the
        ``argmax`` of the prediction with the ``argmax`` of one-hot `y`
        (or with `y` itself for class indices), or is NaN for one output.
    """
    y_pred = np.asarray(model(np.asarray(x), training=False))
    loss = float(loss_fn(y, y_pred))
    y = np.asarray(y)
    if y_pred.ndim != 2 or y_pred.shape[1] < 2:
        return loss, float("nan")
    y_true = np.argmax(y, axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(-1)
    return loss, float(np.mean(np.argmax(y_pred, axis=1) == y_true))


def _log_epoch(history, epoch_loss, model, loss_fn, validation_data):
    """Appends one epoch to `history`: its training loss, and the validation
    loss and accuracy when there is validation data (given code)."""
    history["loss"].append(float(epoch_loss))
    if validation_data is not None:
        val_loss, val_accuracy = evaluate(model, loss_fn, *validation_data)
        history["val_loss"].append(val_loss)
        history["val_accuracy"].append(val_accuracy)


def fit_loop(model, loss_fn, optimizer, x, y, batch_size=32, epochs=1, seed=0, shuffle=True,
             validation_data=None, compiled=True):
    """Trains `model` with `train_step`, epoch by epoch, batch by batch.

    For every epoch::

        for batch in minibatch_indices(n, batch_size, seed=rng, shuffle=shuffle):
            loss_b = step(model, loss_fn, optimizer, x[batch], y[batch])
        epoch loss = sum(loss_b * len(batch)) / n

    where ``rng = np.random.default_rng(seed)`` is made **once**, before the
    first epoch, so each epoch draws a new permutation (see the module
    docstring), and ``step`` is `train_step` (as a ``tf.function`` when
    `compiled`). After each epoch, the given ``_log_epoch(history,
    epoch_loss, model, loss_fn, validation_data)`` records the epoch.

    ``batch_size=len(x)`` is batch gradient descent (one update per epoch),
    ``batch_size=1`` stochastic gradient descent (``len(x)`` updates per
    epoch), anything between mini-batch gradient descent: an epoch applies
    ``iterations_per_epoch(len(x), batch_size)`` updates.

    Args:
        model: a built Keras model; trained in place.
        loss_fn: a Keras loss, e.g. ``keras.losses.CategoricalCrossentropy()``.
        optimizer: a Keras optimizer (a new one per model: it keeps state).
        x: training features, a NumPy array with one row per sample.
        y: training labels, one row per sample.
        batch_size: samples per batch, a positive integer. Defaults to 32.
        epochs: number of epochs, a positive integer. Defaults to 1.
        seed: seed of the shuffling Generator (an int, or None for fresh
            entropy). Defaults to 0.
        shuffle: shuffle every epoch (True) or keep the order of `x`
            (False). Defaults to True.
        validation_data: ``(x_val, y_val)`` evaluated after every epoch, or
            None. Defaults to None.
        compiled: run `train_step` as a ``tf.function`` graph (about 20
            times faster than eager execution on small models). Set False to
            debug your `train_step` eagerly (prints, breakpoints). Defaults
            to True.

    Returns:
        A dict of per-epoch lists like Keras's ``History.history``:
        ``"loss"`` (the epoch losses), and ``"val_loss"`` and
        ``"val_accuracy"`` when `validation_data` is given.

    Raises:
        ValueError: if `x` and `y` differ in length, or for a bad
            `batch_size` or `epochs`.

    Example (``model, x, y`` as in the module docstring)::

        history = fit_loop(model, keras.losses.CategoricalCrossentropy(),
                           keras.optimizers.SGD(0.05), x, y, batch_size=len(x),
                           epochs=3)  # batch gradient descent: 3 updates
        history["loss"]  # 3 epoch losses
    """
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(
            "Argument `y` must have one row per sample of `x`. "
            f"Received: len(x)={len(x)}, len(y)={len(y)}"
        )
    check_positive_int("batch_size", batch_size)
    check_positive_int("epochs", epochs)
    if not optimizer.built:  # its variables must exist before a tf.function runs it
        optimizer.build(model.trainable_variables)
    step = train_step
    if compiled:
        step = tf.function(train_step, reduce_retracing=True)
        # A new model or optimizer needs a new graph: each fit_loop traces its own,
        # on purpose, so TensorFlow's warning about frequent retracing does not apply.
        step._omit_frequent_tracing_warning = True
    history = {"loss": []}
    if validation_data is not None:
        history.update(val_loss=[], val_accuracy=[])
    ### BEGIN SOLUTION
    ### HINT: one random generator for the whole run, created before the first epoch so each epoch gets a new order; each epoch runs the compiled step on every mini-batch from minibatch_indices, and its loss is the per-sample mean (weight each batch loss by its size). Pitfall: the step returns a tensor: convert to a Python float outside the graph. Finish each epoch with the given _log_epoch.
    ### MORE: Reusing the int seed every epoch repeats the same batches; a plain mean of batch losses overweights the partial last batch.
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        total = 0.0
        for batch in minibatch_indices(len(x), batch_size, seed=rng, shuffle=shuffle):
            loss = step(model, loss_fn, optimizer, x[batch], y[batch])
            total += float(loss) * len(batch)
        _log_epoch(history, total / len(x), model, loss_fn, validation_data)
    ### END SOLUTION
    return history
