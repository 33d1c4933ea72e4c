"""The reference EarlyStopping against keras.callbacks.EarlyStopping (the
oracle) on scripted logs and in a real fit, its configuration and its
error messages."""

import warnings

import keras
import numpy as np
import pytest

from autograder.worker.probes.regularization import (
    _marker_model,
    _overfitting_data,
    run_sequence,
)
from dlkit.callbacks import EarlyStopping
from instructor.oracles.regularization import keras_run


def ours(kwargs, values):
    return run_sequence(EarlyStopping(**kwargs), _marker_model(), kwargs.get("monitor", "val_loss"),
                        values)


def assert_same_as_keras(kwargs, values):
    got, want = ours(kwargs, values), keras_run(kwargs, values)
    assert got["epochs"] == want["epochs"], (kwargs, values)
    assert (got["restored"], got["best_weights"]) == (want["restored"], want["best_weights"])
    assert len(got["warnings"]) == len(want["warnings"])
    return got


SEQUENCES = {
    "plateau": [1.0, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.6],
    "noise": [0.9, 0.7, 0.75, 0.72, 0.65, 0.66, 0.8, 0.7, 0.64, 0.9, 0.95],
    "improving": [1.0, 0.9, 0.8, 0.7, 0.6, 0.5],
    "rising": [0.5, 0.6, 0.7, 0.8, 0.9],
    "small_steps": [1.0, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125],
    "dip": [1.0, 2.0, 0.875, 0.5, 0.375, 0.25, 0.3, 0.35],
    "missing": [None, 0.5, None, 0.6, 0.7, None, 0.4],
    "accuracy": [0.6, 0.7, 0.65, 0.68, 0.72, 0.72, 0.71, 0.7],
}
KWARGS = [
    {}, {"patience": 1}, {"patience": 3}, {"min_delta": 0.125, "patience": 2},
    {"min_delta": 0.25, "patience": 1}, {"baseline": 0.55, "patience": 2},
    {"baseline": 0.9, "patience": 1, "restore_best_weights": True},
    {"start_from_epoch": 2, "patience": 1}, {"start_from_epoch": 4, "restore_best_weights": True},
    {"restore_best_weights": True, "patience": 2},
    {"mode": "max", "patience": 2}, {"mode": "max", "min_delta": 0.0625, "patience": 1},
    {"monitor": "val_accuracy", "patience": 2}, {"monitor": "val_auc", "patience": 1},
    {"monitor": "val_mae", "patience": 2}, {"monitor": "loss", "patience": 1},
    {"monitor": "val_accuracy", "mode": "min", "patience": 1, "baseline": 0.65},
]


@pytest.mark.parametrize("kwargs", KWARGS, ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()))
def test_scripted_sequences_equal_keras(kwargs):
    for values in SEQUENCES.values():
        assert_same_as_keras(kwargs, values)


def test_random_sequences_equal_keras():
    # Values and min_delta are multiples of 1/64: exact in float32 (Keras's
    # comparison) and float64 (ours), ties included.
    rng = np.random.default_rng(0)
    for _ in range(60):
        values = (rng.integers(0, 64, size=int(rng.integers(1, 15))) / 64).tolist()
        kwargs = {
            "patience": int(rng.integers(0, 4)),
            "min_delta": float(rng.choice([0.0, 1 / 64, 2 / 64, 0.25])),
            "mode": str(rng.choice(["min", "max", "auto"])),
            "restore_best_weights": bool(rng.integers(2)),
            "start_from_epoch": int(rng.integers(0, 3)),
        }
        if rng.integers(2):
            kwargs["baseline"] = float(rng.integers(0, 64) / 64)
        assert_same_as_keras(kwargs, values)


def test_patience_counts_epochs_without_improvement():
    run = ours({"patience": 2}, SEQUENCES["plateau"])
    assert [e["wait"] for e in run["epochs"]] == [0, 0, 0, 1, 2]
    assert run["epochs"][-1]["stopped_epoch"] == 4 and run["epochs"][-1]["stop_training"]


def test_min_delta_is_measured_against_the_best_value_strictly():
    run = ours({"min_delta": 0.25, "patience": 3}, SEQUENCES["small_steps"])
    assert [e["best"] for e in run["epochs"]][:4] == [1.0, 1.0, 1.0, 0.625]  # 0.25 is not > 0.25
    run = ours({"min_delta": 0.25, "patience": 2}, SEQUENCES["dip"])
    assert run["epochs"][2]["wait"] == 2 and run["epochs"][2]["stop_training"]


def test_baseline_never_beaten_stops_after_patience_improvements_or_not():
    run = ours({"baseline": 0.5, "patience": 2}, [0.9, 0.8, 0.85, 0.9])
    assert [e["wait"] for e in run["epochs"]] == [1, 2, 3]
    assert run["epochs"][-1]["stopped_epoch"] == 2


def test_auto_mode_maximizes_accuracy_and_refuses_unknown_names():
    run = ours({"monitor": "val_accuracy", "patience": 1}, [0.6, 0.7, 0.65])
    assert run["epochs"][1]["best"] == 0.7 and run["epochs"][2]["stop_training"]
    with pytest.raises(ValueError, match="monitor"):
        ours({"monitor": "val_f1_score"}, [0.5])


def test_best_weights_come_back_without_an_early_stop():
    run = assert_same_as_keras({"patience": 5, "restore_best_weights": True},
                               [0.9, 0.5, 0.6, 0.7])
    assert not run["epochs"][-1]["stop_training"]
    assert run["restored"] == run["best_weights"] == 1.0


def test_missing_monitor_warns_like_keras():
    with pytest.warns(UserWarning, match="val_loss.*not available.*Available metrics are: loss"):
        EarlyStopping().get_monitor_value({"loss": 1.0})
    run = assert_same_as_keras({"patience": 2}, SEQUENCES["missing"])
    assert len(run["warnings"]) == 2 and [e["wait"] for e in run["epochs"]] == [0, 0, 0, 1, 2]


def test_real_fit_restores_best_weights_like_keras():
    def train(callback):
        (x, y), validation = _overfitting_data(1)  # 24 noisy points: overfits in a few epochs
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy")
        snapshots = []
        spy = keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
        history = model.fit(x, y, validation_data=validation, epochs=40, batch_size=24,
                            shuffle=False, verbose=0, callbacks=[spy, callback])
        return history.history, model.get_weights(), callback, snapshots

    kwargs = {"patience": 3, "min_delta": 0.001, "restore_best_weights": True}
    got_history, got_weights, got, snapshots = train(EarlyStopping(**kwargs))
    want_history, want_weights, want, _ = train(keras.callbacks.EarlyStopping(**kwargs))
    assert got_history == want_history
    assert 0 < got.best_epoch < got.stopped_epoch == len(got_history["loss"]) - 1 < 39
    assert (got.stopped_epoch, got.best_epoch, got.wait) == (
        want.stopped_epoch, want.best_epoch, want.wait)
    # the weights after fit are those at the end of the best epoch, as Keras restores them
    assert np.argmin(got_history["val_loss"]) == got.best_epoch
    assert all(np.array_equal(a, b) for a, b in zip(got_weights, snapshots[got.best_epoch]))
    assert all(np.array_equal(a, b) for a, b in zip(got_weights, want_weights))


def test_keras_docstring_example_runs_four_epochs():
    keras.utils.set_random_seed(0)
    model = keras.models.Sequential([keras.layers.Dense(10)])
    model.compile(keras.optimizers.SGD(), loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(np.arange(100).reshape(5, 20), np.zeros(5), epochs=10, batch_size=1,
                            callbacks=[EarlyStopping(monitor="loss", patience=3)], verbose=0)
    assert len(history.history["loss"]) == 4


def test_config_round_trip_and_registration():
    cb = EarlyStopping(monitor="val_accuracy", min_delta=0.01, patience=4, mode="max",
                       baseline=0.6, restore_best_weights=True, start_from_epoch=2)
    config = cb.get_config()
    assert config == {"monitor": "val_accuracy", "min_delta": 0.01, "patience": 4, "mode": "max",
                      "baseline": 0.6, "restore_best_weights": True, "start_from_epoch": 2}
    assert EarlyStopping.from_config(config).get_config() == config
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(cb))
    assert type(revived) is EarlyStopping and revived.get_config() == config
    assert keras.saving.get_registered_name(EarlyStopping) == "dlkit>EarlyStopping"
    assert isinstance(cb, keras.callbacks.Callback)


def test_defaults_follow_the_contract():
    assert EarlyStopping().get_config() == {
        "monitor": "val_loss", "min_delta": 0.0, "patience": 0, "mode": "auto",
        "baseline": None, "restore_best_weights": False, "start_from_epoch": 0}


@pytest.mark.parametrize("kwargs,argument", [
    ({"patience": -1}, "patience"),
    ({"patience": 2.5}, "patience"),
    ({"patience": True}, "patience"),
    ({"mode": "maximum"}, "mode"),
    ({"min_delta": -0.01}, "min_delta"),
    ({"min_delta": float("nan")}, "min_delta"),
    ({"start_from_epoch": -1}, "start_from_epoch"),
    ({"baseline": "0.5"}, "baseline"),
])
def test_bad_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ValueError) as info:
        EarlyStopping(**kwargs)
    message = str(info.value)
    assert f"`{argument}`" in message
    assert message.splitlines()[-1].split("Received: ")[1].startswith(argument)
