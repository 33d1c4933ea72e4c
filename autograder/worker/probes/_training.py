"""Shared training code of the probes (not a probe module: the registry
skips names that start with ``_``).

Gate probes train the lecture's models with the student's components and
return raw metrics; the gate threshold lives in the check, in the parent.

Probes that train a model (the gates, and the save/load, schedule, early
stopping and penalty probes) use `fit`, below, rather than ``model.fit``.
The others train otherwise on purpose: the ``iris_basics`` probes run the
student's own ``train_step`` and ``fit_loop``, and the optimizer lab's
trajectory and save/load probes trace their own loop or step eagerly. `fit`
runs the same step (Keras's own ``model.train_step``: forward pass, the
compiled loss with ``model.losses``, gradients, ``optimizer.apply``) and the
same callback hooks, but a whole epoch runs inside one traced function (one
traced step per batch when a callback has batch hooks). For the course's
small models ``model.fit``'s per-step and per-epoch overhead (data adapter,
iterator, a validation pass through ``evaluate``, a function traced with
autograph) costs more than the arithmetic, and grading runs these probes for
every submission (``make bench`` prints the cost per lab).
"""

import numpy as np

from ._common import given


def seeded(seed):
    """Seeds Python, NumPy and the backend and makes TF ops deterministic."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(int(seed))
    tf.config.experimental.enable_op_determinism()


def build_optimizer(optimizer, variables):
    """Builds `optimizer` for `variables` as its first ``apply`` would (in
    its name scope), unless built: a traced loop cannot create variables."""
    import keras

    if not optimizer.built:
        with keras.name_scope(optimizer.name, caller=optimizer):
            optimizer.build(variables)
        optimizer.built = True


def _overrides_batch_hooks(callback):
    import keras

    base = keras.callbacks.Callback
    for hook in ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end"):
        method = getattr(callback, hook)  # a LambdaCallback sets its hooks on the instance
        if getattr(method, "__func__", method) is not getattr(base, hook):
            return True
    return False


def fit(model, x, y, *, epochs, batch_size, seed=0, shuffle=True, validation_data=None,
        callbacks=(), initial_epoch=0):
    """Trains a compiled `model` like ``model.fit(x, y, verbose=0)``.

    With `shuffle`, each epoch visits the training rows in a fresh order
    drawn from ``numpy.random.default_rng(seed)`` (``model.fit`` draws its
    order from TensorFlow's generator); without, in the given order. Rows go
    in mini-batches of `batch_size`, the last one smaller. Callbacks get the
    hooks of ``model.fit`` (train begin/end, epoch begin/end with ``loss``
    and, with `validation_data`, ``val_loss`` and the compiled metrics in the
    logs) and may stop training with ``model.stop_training``. When a callback
    overrides a batch hook, each batch is its own call and the batch hooks
    are called around it, with the batch index within the epoch.

    Returns:
        ``{name: [value per epoch]}``, as ``History.history`` (what the
        callbacks wrote into the epoch's logs included).
    """
    import keras
    import tensorflow as tf

    x, y = tf.constant(x), tf.constant(y)
    n = int(x.shape[0])
    rows_spec = tf.TensorSpec([None], tf.int64)
    rng = np.random.default_rng(int(seed))
    callbacks = list(callbacks)
    per_batch = any(_overrides_batch_hooks(c) for c in callbacks)

    build_optimizer(model.optimizer, model.trainable_variables)

    # autograph=False: nothing to convert (the loop is a tf.while_loop), as in
    # model.fit, whose step Keras does not convert either. One signature for
    # every batch: the smaller last one reuses the graph instead of tracing
    # its own.
    @tf.function(autograph=False, input_signature=[rows_spec])
    def train_batch(rows):
        return model.train_step((tf.gather(x, rows), tf.gather(y, rows)))

    @tf.function(autograph=False, input_signature=[rows_spec])
    def train_epoch(order):
        def step(start):
            rows = order[start:start + batch_size]
            model.train_step((tf.gather(x, rows), tf.gather(y, rows)))
            return (start + batch_size,)

        tf.while_loop(lambda start: start < n, step, (tf.constant(0, order.dtype),))
        return model.get_metrics_result()

    validate = None
    if validation_data is not None:
        x_val, y_val = (tf.constant(v) for v in validation_data)
        validate = tf.function(lambda: model.test_step((x_val, y_val)), autograph=False)

    hooks = keras.callbacks.CallbackList(callbacks, add_history=True, model=model,
                                         epochs=epochs, steps=-(-n // batch_size), verbose=0)
    model.stop_training = False
    hooks.on_train_begin()
    for epoch in range(initial_epoch, epochs):
        hooks.on_epoch_begin(epoch)
        model.reset_metrics()
        order = (rng.permutation(n) if shuffle else np.arange(n)).astype(np.int64)
        if per_batch:
            for batch, start in enumerate(range(0, n, batch_size)):
                hooks.on_train_batch_begin(batch)
                logs = train_batch(tf.constant(order[start:start + batch_size]))
                hooks.on_train_batch_end(batch, {k: float(v) for k, v in logs.items()})
                if model.stop_training:
                    break
        else:
            logs = train_epoch(tf.constant(order))
        logs = {k: float(v) for k, v in logs.items()}
        if validate is not None:
            model.reset_metrics()
            logs.update({f"val_{k}": float(v) for k, v in validate().items()})
        hooks.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    hooks.on_train_end()
    return dict(model.history.history)


def evaluate(model, x, y):
    """``model.evaluate(x, y)``'s loss for data that is one batch, computed
    eagerly (no traced function to build for one call)."""
    model.reset_metrics()
    return float(model.test_step((x, y))["loss"])


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
