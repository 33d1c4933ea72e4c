"""The gates' training helper (`autograder/worker/probes/_training.fit`)
against Keras: the same step as ``model.train_on_batch``, the epoch-level
callback protocol of ``model.fit``, and its early stop."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from autograder.worker.probes._training import fit  # noqa: E402


def _problem(seed=0, n=37):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5, 0.0], dtype="float32") > 0).astype("float32")[:, None]
    return x, y


def _model(regularized=False):
    keras.utils.set_random_seed(1)
    penalty = keras.regularizers.L2(0.01) if regularized else None
    model = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(8, activation="tanh", kernel_regularizer=penalty),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    return model


@pytest.mark.parametrize("regularized", [False, True])
def test_fit_takes_the_steps_train_on_batch_takes(regularized):
    x, y = _problem()
    ours, keras_steps = _model(regularized), _model(regularized)
    fit(ours, x, y, epochs=3, batch_size=8, seed=5)
    rng = np.random.default_rng(5)  # fit's documented order: one permutation per epoch
    for _ in range(3):
        order = rng.permutation(len(x))
        for start in range(0, len(x), 8):  # 37 rows: the last batch holds 5
            rows = order[start:start + 8]
            keras_steps.train_on_batch(x[rows], y[rows])
    assert int(ours.optimizer.iterations) == int(keras_steps.optimizer.iterations) == 15
    for got, want in zip(ours.get_weights(), keras_steps.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


class _Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin", self.params.get("epochs")))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, sorted(logs)))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end",))


def test_fit_calls_the_epoch_hooks_with_the_logs_of_model_fit():
    x, y = _problem()
    recorder = _Recorder()
    history = fit(_model(), x, y, epochs=2, batch_size=16, seed=0, validation_data=_problem(1, 11),
                  callbacks=[recorder])
    assert recorder.calls == [("train_begin", 2), ("epoch_begin", 0),
                              ("epoch_end", 0, ["loss", "val_loss"]), ("epoch_begin", 1),
                              ("epoch_end", 1, ["loss", "val_loss"]), ("train_end",)]
    assert sorted(history) == ["loss", "val_loss"] and len(history["loss"]) == 2


def test_fit_validation_loss_is_evaluate_and_early_stopping_stops():
    x, y = _problem()
    x_val, y_val = _problem(1, 11)
    model = _model()
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=0, min_delta=10.0)
    history = fit(model, x, y, epochs=20, batch_size=16, seed=0, validation_data=(x_val, y_val),
                  callbacks=[stop])
    assert len(history["loss"]) == 2  # no epoch improves by 10: stops after patience 0
    np.testing.assert_allclose(history["val_loss"][-1], model.evaluate(x_val, y_val, verbose=0),
                               rtol=1e-5)


class _BatchRate(keras.callbacks.Callback):
    """Sets the rate before every batch, from the batch index (a batch-level
    schedule), and records the loss each batch reports."""

    def __init__(self):
        super().__init__()
        self.batch_losses = []

    def on_train_batch_begin(self, batch, logs=None):
        self.model.optimizer.learning_rate.assign(0.05 / (1 + batch))

    def on_train_batch_end(self, batch, logs=None):
        self.batch_losses.append(logs["loss"])

    def on_epoch_end(self, epoch, logs=None):
        logs["learning_rate"] = float(self.model.optimizer.learning_rate)


def test_fit_without_shuffling_equals_model_fit_with_batch_hooks():
    x, y = _problem()
    ours, theirs = _model(regularized=True), _model(regularized=True)
    ours_hooks, their_hooks = _BatchRate(), _BatchRate()
    history = fit(ours, x, y, epochs=3, batch_size=8, shuffle=False, callbacks=[ours_hooks])
    want = theirs.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0,
                      callbacks=[their_hooks]).history
    assert sorted(history) == sorted(want) == ["learning_rate", "loss"]
    np.testing.assert_allclose(history["loss"], want["loss"], rtol=1e-5)
    assert history["learning_rate"] == want["learning_rate"]
    np.testing.assert_allclose(ours_hooks.batch_losses, their_hooks.batch_losses, rtol=1e-5)
    assert len(ours_hooks.batch_losses) == 15
    for got, expected in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_fit_calls_the_batch_hooks_a_lambda_callback_sets():
    x, y = _problem()
    seen = []
    spy = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    fit(_model(), x, y, epochs=2, batch_size=16, shuffle=False, callbacks=[spy])
    assert seen == [0, 1, 2, 0, 1, 2]


def test_fit_from_initial_epoch_runs_the_remaining_epochs():
    x, y = _problem()
    epochs_seen = []
    spy = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: epochs_seen.append(epoch))
    history = fit(_model(), x, y, initial_epoch=2, epochs=4, batch_size=16, callbacks=[spy])
    assert epochs_seen == [2, 3] and len(history["loss"]) == 2
