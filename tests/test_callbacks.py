"""The reference schedules against the Keras built-ins (the oracle), the
lecture's worked examples, and the contract's error messages."""

import math

import keras
import numpy as np
import pytest

from autograder.worker.probes.schedules import scripted_hooks
from dlkit import callbacks
from instructor.oracles.schedules import keras_schedule, smith_cyclic


def test_lecture_table_inverse_time_decay():
    rates = [callbacks.InverseTimeDecay(0.2, 1.0).schedule(e) for e in range(5)]
    assert [round(r, 4) for r in rates] == [0.2, 0.1, 0.0667, 0.05, 0.04]


@pytest.mark.parametrize("cls,kwargs", [
    ("StepDecay", {"initial_learning_rate": 0.1, "drop": 0.5, "epochs_per_drop": 3}),
    ("StepDecay", {"initial_learning_rate": 0.3, "drop": 0.8, "epochs_per_drop": 1}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.2, "decay_rate": 1.0}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.01, "decay_rate": 0.013}),
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_rate": 0.3}),
    ("ExponentialDecay", {"initial_learning_rate": 0.5, "decay_rate": 0.0}),
])
def test_equals_keras_builtin_schedule(cls, kwargs):
    ours = getattr(callbacks, cls)(**kwargs)
    oracle = keras_schedule(cls, kwargs)
    steps = np.arange(60)
    got = np.array([ours.schedule(t) for t in steps])
    want = np.array([float(oracle(t)) for t in steps])
    # Keras evaluates in float32: base ** t with the base rounded to float32
    # (relative error <= 2**-24) amplifies that error t-fold.
    tolerance = (steps + 2) * 2.0**-23
    assert np.all(np.abs(got - want) <= tolerance * np.abs(want)), np.abs(got / want - 1).max()


@pytest.mark.parametrize("kwargs", [
    {"base_lr": 0.001, "max_lr": 0.006, "step_size": 4},
    {"base_lr": 0.001, "max_lr": 0.006, "step_size": 3, "mode": "triangular2"},
    {"base_lr": 0.0, "max_lr": 0.1, "step_size": 5, "mode": "exp_range", "gamma": 0.97},
])
def test_cyclic_equals_smith_formula(kwargs):
    ours = [callbacks.CyclicLR(**kwargs).schedule(i) for i in range(50)]
    np.testing.assert_allclose(ours, smith_cyclic(kwargs, 50), rtol=1e-12)


def test_cyclic_triangle_shape():
    rates = [callbacks.CyclicLR(0.001, 0.006, step_size=2).schedule(i) for i in range(9)]
    assert rates[0] == pytest.approx(0.001) and rates[2] == pytest.approx(0.006)
    assert rates[4] == pytest.approx(0.001) and rates[6] == pytest.approx(0.006)


def test_scripted_hooks_set_rate_before_epoch_and_log_it():
    out = scripted_hooks("StepDecay", {"initial_learning_rate": 0.1, "drop": 0.5,
                                       "epochs_per_drop": 2}, epochs=4, batches_per_epoch=2)
    expected = [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05]
    np.testing.assert_allclose(out["batch_rates"], expected, rtol=1e-6)
    np.testing.assert_allclose(out["epoch_logs"], [0.1, 0.1, 0.05, 0.05], rtol=1e-6)


def test_per_batch_uses_global_iteration():
    out = scripted_hooks("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_rate": 1.0,
                                              "per": "batch"}, epochs=2, batches_per_epoch=3)
    np.testing.assert_allclose(out["batch_rates"], [0.1 / (1 + i) for i in range(6)], rtol=1e-6)


def test_real_fit_records_learning_rate_history():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    x, y = np.ones((10, 2), "float32"), np.zeros((10, 1), "float32")
    history = model.fit(x, y, epochs=4, batch_size=5, verbose=0,
                        callbacks=[callbacks.StepDecay(0.2, drop=0.5, epochs_per_drop=1)])
    np.testing.assert_allclose(history.history["learning_rate"], [0.2, 0.1, 0.05, 0.025],
                               rtol=1e-6)


@pytest.mark.parametrize("make,argument", [
    (lambda: callbacks.StepDecay(-0.1), "initial_learning_rate"),
    (lambda: callbacks.StepDecay(0.1, drop=0.0), "drop"),
    (lambda: callbacks.StepDecay(0.1, epochs_per_drop=2.5), "epochs_per_drop"),
    (lambda: callbacks.InverseTimeDecay(0.1, decay_rate=-1), "decay_rate"),
    (lambda: callbacks.ExponentialDecay(0.1, 0.1, per="step"), "per"),
    (lambda: callbacks.CyclicLR(0.01, 0.001, 4), "max_lr"),
    (lambda: callbacks.CyclicLR(0.001, 0.01, 4, mode="sine"), "mode"),
    (lambda: callbacks.CyclicLR(0.001, 0.01, 4, gamma=1.5), "gamma"),
    (lambda: callbacks.StepDecay(float("nan")), "initial_learning_rate"),
    (lambda: callbacks.CyclicLR(0.001, 0.01, step_size=2000.5), "step_size"),
    (lambda: callbacks.CyclicLR(0.001, 0.01, step_size=float("inf")), "step_size"),
    (lambda: callbacks.EarlyStopping(patience=1.5), "patience"),
])
def test_bad_arguments_name_the_argument(make, argument):
    with pytest.raises(ValueError) as info:
        make()
    message = str(info.value)
    assert f"`{argument}`" in message
    assert message.splitlines()[-1].split("Received: ")[1].startswith(argument)


def test_config_round_trip_and_registration():
    cb = callbacks.CyclicLR(0.001, 0.01, 5, mode="exp_range", gamma=0.9)
    again = callbacks.CyclicLR.from_config(cb.get_config())
    assert again.get_config() == cb.get_config()
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(cb))
    assert type(revived) is callbacks.CyclicLR
    assert keras.saving.get_registered_name(callbacks.CyclicLR) == "dlkit>CyclicLR"
    assert math.isclose(revived.schedule(7), cb.schedule(7))


def test_an_integral_float_is_taken_as_that_integer():
    # CLR's widely used default, often computed as 4 * len(x) / batch_size
    clr = callbacks.CyclicLR(0.001, 0.006, step_size=2000.)
    assert clr.step_size == 2000 and type(clr.step_size) is int
    assert clr.get_config()["step_size"] == 2000
    as_int = callbacks.CyclicLR(0.001, 0.006, step_size=2)
    assert ([callbacks.CyclicLR(0.001, 0.006, step_size=np.float32(2.0)).schedule(i)
             for i in range(6)] == [as_int.schedule(i) for i in range(6)])
    step = callbacks.StepDecay(0.1, epochs_per_drop=3.0)
    assert type(step.epochs_per_drop) is int and step.schedule(3) == 0.05
    stop = callbacks.EarlyStopping(patience=2.0, start_from_epoch=1.0)
    assert (stop.patience, stop.start_from_epoch) == (2, 1)
    assert type(stop.patience) is int and type(stop.start_from_epoch) is int
    with pytest.raises(ValueError, match=r"Received: step_size=2000.5"):
        callbacks.CyclicLR(0.001, 0.006, step_size=2000.5)
