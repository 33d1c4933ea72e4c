"""Shared training code of the probes (not a probe module: the registry
skips names that start with ``_``).

Gate probes train the lecture's models with the student's components and
return raw metrics; the gate threshold lives in the check, in the parent.
"""

import numpy as np

from ._common import given


def seeded(seed):
    """Seeds Python, NumPy and the backend and makes TF ops deterministic."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(int(seed))
    tf.config.experimental.enable_op_determinism()


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
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy", *metrics])
    history = model.fit(x_tr, y_tr, epochs=epochs, batch_size=batch_size, verbose=0,
                        validation_data=(x_val, y_val))
    losses = history.history["loss"]

    def accuracy(x, y):
        predicted = np.argmax(model.predict(x, verbose=0), axis=1)
        return float(np.mean(predicted == np.argmax(y, axis=1)))

    return {"test_accuracy": accuracy(x_te, y_te), "val_accuracy": accuracy(x_val, y_val),
            "final_loss": float(losses[-1]) if np.isfinite(losses[-1]) else None,
            "finite": bool(np.all(np.isfinite(losses)))}


def train_titanic(seed, loss, optimizer, epochs=60, batch_size=32, data_seed=0, callbacks=(),
                  model_kwargs=None):
    """Trains the course's ``titanic_mlp`` on its ``load_titanic(data_seed)`` (`given`).

    Returns:
        ``{"test_accuracy", "val_accuracy", "final_loss", "finite", "epochs_run"}``
        (accuracy at threshold 0.5).
    """
    seeded(seed)
    (x_tr, y_tr), (x_val, y_val), (x_te, y_te) = given("data").load_titanic(seed=data_seed)
    model = given("models").titanic_mlp(n_features=x_tr.shape[1], **(model_kwargs or {}))
    model.compile(optimizer=optimizer, loss=loss)
    history = model.fit(x_tr, y_tr, epochs=epochs, batch_size=batch_size, verbose=0,
                        validation_data=(x_val, y_val), callbacks=list(callbacks))
    losses = history.history["loss"]

    def accuracy(x, y):
        predicted = model.predict(x, verbose=0) >= 0.5
        return float(np.mean(predicted == (y >= 0.5)))

    return {"test_accuracy": accuracy(x_te, y_te), "val_accuracy": accuracy(x_val, y_val),
            "final_loss": float(losses[-1]) if np.isfinite(losses[-1]) else None,
            "finite": bool(np.all(np.isfinite(losses))), "epochs_run": len(losses)}
