"""Shared training code of the probes (not a probe module: the registry
skips names that start with ``_``).

Gate probes train the lecture's models with the student's components and
return raw metrics; the gate threshold lives in the check, in the parent.

They train with `fit`, below, rather than ``model.fit``: the same step
(Keras's own ``model.train_step``: forward pass, the compiled loss with
``model.losses``, gradients, ``optimizer.apply``) and the same epoch-level
callback hooks, but a whole epoch runs inside one traced function. For the
course's small models ``model.fit``'s per-step and per-epoch overhead (data
adapter, iterator, a validation pass through ``evaluate``) costs more than the
arithmetic, and grading runs these gates for every submission (``make bench``
prints the cost per lab).
"""

import numpy as np

from ._common import given


def seeded(seed):
    """Seeds Python, NumPy and the backend and makes TF ops deterministic."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(int(seed))
    tf.config.experimental.enable_op_determinism()


def fit(model, x, y, *, epochs, batch_size, seed, validation_data=None, callbacks=()):
    """Trains a compiled `model` like ``model.fit(x, y, shuffle=True)``.

    Each epoch visits the training rows in a fresh order drawn from
    ``numpy.random.default_rng(seed)`` (``model.fit`` draws its order from
    TensorFlow's generator), in mini-batches of `batch_size`, the last one
    smaller. Callbacks get the epoch-level hooks of ``model.fit`` (train
    begin/end, epoch begin/end with ``loss`` and, with `validation_data`,
    ``val_loss`` and the compiled metrics in the logs) and may stop training
    with ``model.stop_training``; batch-level hooks are not called.

    Returns:
        ``{name: [value per epoch]}``, as ``History.history``.
    """
    import keras
    import tensorflow as tf

    x, y = tf.constant(x), tf.constant(y)
    n = int(x.shape[0])
    rng = np.random.default_rng(int(seed))

    if not model.optimizer.built:  # its variables cannot be created inside the loop
        model.optimizer.build(model.trainable_variables)

    @tf.function
    def train_epoch(order):
        for start in tf.range(0, n, batch_size):
            rows = order[start:start + batch_size]
            logs = model.train_step((tf.gather(x, rows), tf.gather(y, rows)))
        return logs

    validate = None
    if validation_data is not None:
        x_val, y_val = (tf.constant(v) for v in validation_data)
        validate = tf.function(lambda: model.test_step((x_val, y_val)))

    hooks = keras.callbacks.CallbackList(list(callbacks), model=model, epochs=epochs,
                                         steps=-(-n // batch_size), verbose=0)
    history = {}
    model.stop_training = False
    hooks.on_train_begin()
    for epoch in range(epochs):
        hooks.on_epoch_begin(epoch)
        model.reset_metrics()
        logs = {k: float(v) for k, v in train_epoch(tf.constant(rng.permutation(n))).items()}
        if validate is not None:
            model.reset_metrics()
            logs.update({f"val_{k}": float(v) for k, v in validate().items()})
        hooks.on_epoch_end(epoch, logs)
        for key, value in logs.items():
            history.setdefault(key, []).append(value)
        if model.stop_training:
            break
    hooks.on_train_end()
    return history


def _outputs(model, x):
    return np.asarray(model(x, training=False))


def train_iris(seed, loss, optimizer, epochs=100, batch_size=16, data_seed=0, metrics=()):
    """Trains the course's ``iris_mlp`` on its ``load_iris(data_seed)`` (`given`).

    Args:
        seed: weight-initialization and shuffling seed.
        loss: a loss object (the student's or Keras's).
        optimizer: an optimizer object.
        epochs: training epochs. Defaults to 100.
        batch_size: mini-batch size. Defaults to 16.
        data_seed: split seed. Defaults to 0 (the labs' fixed split).
        metrics: extra compile metrics.

    Returns:
        ``{"test_accuracy", "val_accuracy", "final_loss", "finite"}``.
    """
    seeded(seed)
    (x_tr, y_tr), (x_val, y_val), (x_te, y_te) = given("data").load_iris(seed=data_seed)
    model = given("models").iris_mlp()
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    losses = fit(model, x_tr, y_tr, epochs=epochs, batch_size=batch_size, seed=seed)["loss"]

    def accuracy(x, y):
        return float(np.mean(np.argmax(_outputs(model, x), axis=1) == np.argmax(y, axis=1)))

    return {"test_accuracy": accuracy(x_te, y_te), "val_accuracy": accuracy(x_val, y_val),
            "final_loss": float(losses[-1]) if np.isfinite(losses[-1]) else None,
            "finite": bool(np.all(np.isfinite(losses)))}


def train_titanic(seed, loss, optimizer, epochs=60, batch_size=32, data_seed=0, callbacks=(),
                  model_kwargs=None):
    """Trains the course's ``titanic_mlp`` on its ``load_titanic(data_seed)`` (`given`).

    The validation split is evaluated after every epoch only when a callback
    needs it (`callbacks`).

    Returns:
        ``{"test_accuracy", "val_accuracy", "final_loss", "finite", "epochs_run"}``
        (accuracy at threshold 0.5).
    """
    seeded(seed)
    (x_tr, y_tr), (x_val, y_val), (x_te, y_te) = given("data").load_titanic(seed=data_seed)
    model = given("models").titanic_mlp(n_features=x_tr.shape[1], **(model_kwargs or {}))
    model.compile(optimizer=optimizer, loss=loss)
    losses = fit(model, x_tr, y_tr, epochs=epochs, batch_size=batch_size, seed=seed,
                 validation_data=(x_val, y_val) if callbacks else None,
                 callbacks=callbacks)["loss"]

    def accuracy(x, y):
        return float(np.mean((_outputs(model, x) >= 0.5) == (y >= 0.5)))

    return {"test_accuracy": accuracy(x_te, y_te), "val_accuracy": accuracy(x_val, y_val),
            "final_loss": float(losses[-1]) if np.isfinite(losses[-1]) else None,
            "finite": bool(np.all(np.isfinite(losses))), "epochs_run": len(losses)}
