"""The reference optimizers against the Keras built-ins (the oracle): long
trajectories in float32 and float64, slots, iterations, the base class's
options, schedules, saving; the lecture's hand-checkable steps; clipping by
norm; and the contract's error messages."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from autograder.worker.probes.optimizers import (
    quadratic_problem,
    run_options,
    run_save_load,
    run_steps,
    run_trajectory,
)
from dlkit import callbacks, optimizers
from instructor.oracles.optimizers import numpy_clip, numpy_steps

CONFIGS = [
    ("SGD", {"learning_rate": 0.1}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.03, "momentum": 0.5, "nesterov": True}),
    ("Adagrad", {"learning_rate": 0.2, "initial_accumulator_value": 0.3, "epsilon": 1e-4}),
    ("RMSprop", {"learning_rate": 0.01, "rho": 0.8}),
    ("Adam", {"learning_rate": 0.02, "beta_1": 0.8, "beta_2": 0.99}),
]
IDS = [f"{cls}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for cls, kw in CONFIGS]
SHAPES = [[[], "float32"], [[2, 3], "float32"], [[4], "float64"], [[2, 1, 2], "float64"]]


def ours(cls, **kwargs):
    return getattr(optimizers, cls)(**kwargs)


def builtin(cls, **kwargs):
    return getattr(keras.optimizers, cls)(**kwargs)


# -- the lecture's hand-checkable steps (a golden table) ---------------------------
GOLDEN = [
    # (class, kwargs, w0, gradients, w after each step)
    ("SGD", {"learning_rate": 0.1}, [1.0, -2.0, 3.0], [[1.0, 2.0, -4.0]] * 2,
     [[0.9, -2.2, 3.4], [0.8, -2.4, 3.8]]),
    # change_t = 0.9 change_{t-1} + 0.1 g; w -= change_t
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}, [1.0, -2.0, 3.0], [[1.0, 2.0, -4.0]] * 2,
     [[0.9, -2.2, 3.4], [0.71, -2.58, 4.16]]),
    # w -= 0.9 change_t + 0.1 g
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}, [1.0, -2.0, 3.0],
     [[1.0, 2.0, -4.0]] * 2, [[0.81, -2.38, 3.76], [0.539, -2.922, 4.844]]),
    # a = 0.05 + 0.16 = 0.21; 0.1 * 0.4 / sqrt(0.21 + 0.04) = 0.08; then 0.1 * 1.2 / 1.3
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.05, "epsilon": 0.04},
     [1.0, 2.0, -1.0], [[0.4, -0.4, 0.0], [1.2, 0.0, 0.4]],
     [[0.92, 2.08, -1.0], [0.92 - 0.12 / 1.3, 2.08, -1.08]]),
    # v = 0.1, then 0.19; 0.01 / sqrt(0.16) = 0.025, 0.01 / sqrt(0.25) = 0.02
    ("RMSprop", {"learning_rate": 0.01, "rho": 0.9, "epsilon": 0.06}, [1.0, -1.0, 0.5],
     [[1.0, -1.0, 0.0]] * 2, [[0.975, -0.975, 0.5], [0.955, -0.955, 0.5]]),
    # m = 0.1, sqrt(v) = 0.2, alpha = 0.1 * 0.2 / 0.1: 0.2 * 0.1 / 0.25 = 0.08; then 0.028 / 0.33
    ("Adam", {"learning_rate": 0.1, "beta_1": 0.9, "beta_2": 0.96, "epsilon": 0.05},
     [1.0, -1.0, 0.5], [[1.0, -1.0, 0.0]] * 2,
     [[0.92, -0.92, 0.5], [0.92 - 0.028 / 0.33, -0.92 + 0.028 / 0.33, 0.5]]),
]


@pytest.mark.parametrize("cls,kwargs,w0,grads,expected", GOLDEN, ids=lambda x: str(x)[:30])
def test_golden_hand_steps(cls, kwargs, w0, grads, expected):
    out = run_steps(ours(cls, **kwargs), w0, grads)
    # The rate is a float32 variable: 0.1 is 0.10000000149..., hence 1e-7.
    np.testing.assert_allclose(out["weights"], expected, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(numpy_steps(cls, kwargs, w0, grads), expected, rtol=1e-7)
    keras_out = run_steps(builtin(cls, **kwargs), w0, grads)
    np.testing.assert_allclose(out["weights"], keras_out["weights"], rtol=1e-12)


def test_lecture_and_keras_adam_differ_only_in_epsilon():
    kwargs = {"learning_rate": 0.1, "beta_1": 0.9, "beta_2": 0.96, "epsilon": 0.05}
    w = run_steps(ours("Adam", **kwargs), [1.0], [[1.0]])["weights"][0][0]
    # Lecture: m_hat = 1, v_hat = 1, step 0.1 * 1 / (1 + 0.05); Keras's eps is 0.05 / 0.2.
    assert w == pytest.approx(1 - 0.1 / (1 + 0.05 / 0.2), rel=1e-7)
    assert w != pytest.approx(1 - 0.1 / (1 + 0.05), rel=1e-3)


# -- Keras as the oracle ---------------------------------------------------------
@pytest.fixture(scope="module")
def trajectories():
    """Each configuration for 120 compiled steps, ours and Keras's (computed once)."""
    cache = {}

    def get(i):
        if i not in cache:
            cls, kwargs = CONFIGS[i]
            cache[i] = (run_trajectory(ours(cls, **kwargs), SHAPES, 120, seed=i),
                        run_trajectory(builtin(cls, **kwargs), SHAPES, 120, seed=i))
        return cache[i]

    return get


def test_trajectory_records_every_step_after_it():
    # The probe runs all steps in one traced loop: row k must hold the
    # weights after step k, as plain gradient descent computed here gives them.
    # 0.125 is exact in float32, in which Keras keeps the learning rate.
    shapes, steps, lr = [[[3], "float64"], [[2, 2], "float64"]], 7, 0.125
    got = run_trajectory(keras.optimizers.SGD(lr), shapes, steps, seed=5)
    initial, targets, curvatures, noises = quadratic_problem(shapes, 5, steps)
    for i, w in enumerate(initial):
        rows = []
        for k in range(steps):
            w = w - lr * curvatures[i] * (w - targets[i] + noises[i][k])
            rows.append(w.ravel())
        np.testing.assert_allclose(got["trajectory"][f"w{i}"], rows, rtol=1e-12, atol=1e-15)
    assert got["iterations"] == steps


@pytest.mark.parametrize("i", range(len(CONFIGS)), ids=IDS)
def test_trajectory_equals_keras(trajectories, i):
    mine, theirs = trajectories(i)
    assert mine["variables"] == theirs["variables"]
    for var in theirs["variables"]:
        a = np.array(mine["trajectory"][var["name"]])
        b = np.array(theirs["trajectory"][var["name"]])
        assert a.shape == (120, max(1, int(np.prod(var["shape"]))))
        rtol = 1e-6 if var["dtype"] == "float32" else 1e-12
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12, err_msg=var["name"])
        assert np.abs(a[-1] - a[0]).max() > 1e-3  # it moved


@pytest.mark.parametrize("i", range(len(CONFIGS)), ids=IDS)
def test_slots_and_iterations_as_keras_keeps_them(trajectories, i):
    mine, theirs = trajectories(i)
    assert mine["iterations"] == theirs["iterations"] == 120
    assert sorted(mine["slots"]) == sorted(theirs["slots"])
    for name, slot in theirs["slots"].items():
        assert (mine["slots"][name]["shape"], mine["slots"][name]["dtype"]) == (
            slot["shape"], slot["dtype"])
        np.testing.assert_allclose(mine["slots"][name]["values"], slot["values"], rtol=1e-6,
                                   atol=1e-12)


def test_slot_names_and_initial_values():
    w = keras.Variable(np.zeros((2, 3)), dtype="float64", name="kernel")
    for cls, kwargs, names in [("SGD", {}, []), ("SGD", {"momentum": 0.5}, ["kernel_momentum"]),
                               ("Adagrad", {"initial_accumulator_value": 0.25},
                                ["kernel_accumulator"]),
                               ("RMSprop", {}, ["kernel_velocity"]),
                               ("Adam", {}, ["kernel_momentum", "kernel_velocity"])]:
        optimizer = ours(cls, **kwargs)
        optimizer.build([w])
        slots = [v for v in optimizer.variables if v.name not in ("iteration", "learning_rate")]
        assert sorted(v.name for v in slots) == names, cls
        for v in slots:
            assert v.dtype == "float64" and tuple(v.shape) == (2, 3)
            assert np.all(v.numpy() == (0.25 if cls == "Adagrad" else 0.0))


@pytest.mark.parametrize("i", range(len(CONFIGS)), ids=IDS)
def test_clipping_and_schedules_equal_keras(i):
    cls, kwargs = CONFIGS[i]
    mine = run_options(getattr(optimizers, cls), kwargs, 12)
    theirs = run_options(getattr(keras.optimizers, cls), kwargs, 12)
    assert set(mine) == {"clipnorm", "clipvalue", "global_clipnorm", "schedule", "callback"}
    for variant in theirs:
        np.testing.assert_allclose(mine[variant], theirs[variant], rtol=1e-6, err_msg=variant)
    # Every option changed the steps: no two variants take the same path.
    paths = [np.array(v) for v in mine.values()]
    assert all(not np.allclose(a, b) for n, a in enumerate(paths) for b in paths[n + 1:])


def test_clipnorm_is_clip_by_norm_per_gradient():
    w = keras.Variable(np.zeros(2), dtype="float32")
    optimizer = optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    optimizer.apply_gradients([(tf.constant([3.0, 4.0]), w)])
    np.testing.assert_allclose(w.numpy(), -keras.ops.convert_to_numpy(
        optimizers.clip_by_norm(np.float32([3.0, 4.0]), 1.0)), rtol=1e-6)


@pytest.mark.parametrize("cls", ["SGD", "Adagrad", "RMSprop", "Adam"])
def test_fit_with_schedule_callback_equals_keras(cls):
    """A dlkit schedule callback drives our optimizer's rate in a real fit."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)).astype("float32"), rng.normal(size=(40, 1)).astype("float32")
    results = []
    for make in (ours, builtin):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=make(cls, learning_rate=0.05, **(
            {"momentum": 0.9} if cls == "SGD" else {})), loss="mse")
        history = model.fit(x, y, batch_size=8, epochs=4, shuffle=False, verbose=0,
                            callbacks=[callbacks.StepDecay(0.05, drop=0.5, epochs_per_drop=2)])
        results.append((history.history, model.get_weights(),
                        int(model.optimizer.iterations.numpy())))
    (h1, w1, i1), (h2, w2, i2) = results
    np.testing.assert_allclose(h1["learning_rate"], [0.05, 0.05, 0.025, 0.025], rtol=1e-6)
    np.testing.assert_allclose(h1["loss"], h2["loss"], rtol=1e-5)
    for a, b in zip(w1, w2):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    assert i1 == i2 == 20


def test_learning_rate_schedule_object():
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=1.0)
    w = keras.Variable(np.zeros(1), dtype="float64")
    optimizer = optimizers.SGD(learning_rate=schedule)
    for _ in range(3):
        optimizer.apply_gradients([(tf.constant([1.0], "float64"), w)])
    # Steps of 0.1, 0.05, 0.0333: the schedule is evaluated at iterations 0, 1, 2.
    assert w.numpy()[0] == pytest.approx(-(0.1 + 0.05 + 0.1 / 3), rel=1e-6)


# -- configuration and saving ---------------------------------------------------
@pytest.mark.parametrize("cls,kwargs", CONFIGS, ids=IDS)
def test_get_config_round_trip_and_registration(cls, kwargs):
    optimizer = ours(cls, **kwargs, clipnorm=2.0)
    config = optimizer.get_config()
    for key, value in {**kwargs, "clipnorm": 2.0}.items():
        assert config[key] == pytest.approx(value, rel=1e-7)
    again = type(optimizer).from_config(config)
    assert again.get_config() == config
    revived = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert type(revived) is type(optimizer)
    assert keras.saving.get_registered_name(type(optimizer)) == f"dlkit>{cls}"


def test_config_round_trip_with_a_schedule():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    optimizer = optimizers.Adam(learning_rate=schedule, beta_1=0.8)
    revived = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert isinstance(revived.get_config()["learning_rate"], dict)
    assert float(revived.learning_rate) == pytest.approx(0.1)
    assert revived.beta_1 == 0.8


@pytest.mark.parametrize("cls,kwargs", [CONFIGS[1], CONFIGS[3], CONFIGS[4], CONFIGS[5]],
                         ids=["SGD", "Adagrad", "RMSprop", "Adam"])
def test_save_load_resumes_identically(cls, kwargs):
    mine = run_save_load(getattr(optimizers, cls), kwargs, steps=5, more_steps=3)
    assert mine["optimizer_type"] == cls
    assert mine["iterations"] == mine["loaded_iterations"] == 5
    assert mine["slots_equal"] and mine["weights_equal"]
    assert mine["next_weights"] == mine["loaded_next_weights"]
    theirs = run_save_load(getattr(keras.optimizers, cls), kwargs, steps=5, more_steps=3)
    np.testing.assert_allclose(mine["next_weights"], theirs["next_weights"], rtol=1e-6)


# -- clipping by norm --------------------------------------------------------------
CLIP = [
    ([3.0, 4.0], 1.0, [0.6, 0.8]),  # norm 5 > 1
    ([0.3, -0.4], 1.0, [0.3, -0.4]),  # norm 0.5 < 1: unchanged
    ([[1.0, 2.0], [-2.0, 4.0]], 5.0, [[1.0, 2.0], [-2.0, 4.0]]),  # norm = c: unchanged
    ([0.0, 0.0], 1.0, [0.0, 0.0]),  # no 0 / 0
    ([[[-7.0]], [[24.0]]], 5.0, [[[-1.4]], [[4.8]]]),  # norm 25, any shape
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("values,c,expected", CLIP)
def test_clip_by_norm(values, c, expected, dtype):
    g = np.asarray(values, dtype=dtype)
    out = keras.ops.convert_to_numpy(optimizers.clip_by_norm(g, c))
    assert out.shape == g.shape and out.dtype == g.dtype
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(out.ravel(), numpy_clip(values, c), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(out, tf.clip_by_norm(g, c).numpy(), rtol=1e-6, atol=1e-12)
    traced = tf.function(lambda t: optimizers.clip_by_norm(t, c), autograph=False)
    np.testing.assert_allclose(traced(tf.constant(g)).numpy(), out, rtol=1e-12)


def test_clip_by_norm_tames_an_exploding_gradient():
    g = np.float32([1e6, -2e6])
    out = keras.ops.convert_to_numpy(optimizers.clip_by_norm(g, 1.0))
    assert np.linalg.norm(out) == pytest.approx(1.0, rel=1e-6)
    assert np.sign(out).tolist() == [1.0, -1.0]


# -- errors ---------------------------------------------------------------------
@pytest.mark.parametrize("make,argument", [
    (lambda: optimizers.SGD(learning_rate=-0.1), "learning_rate"),
    (lambda: optimizers.SGD(momentum=1.0), "momentum"),
    (lambda: optimizers.SGD(momentum=-0.1), "momentum"),
    (lambda: optimizers.SGD(momentum=0.5, nesterov="yes"), "nesterov"),
    (lambda: optimizers.Adagrad(initial_accumulator_value=-1.0), "initial_accumulator_value"),
    (lambda: optimizers.Adagrad(epsilon=-1e-7), "epsilon"),
    (lambda: optimizers.RMSprop(rho=1.0), "rho"),
    (lambda: optimizers.RMSprop(learning_rate=float("nan")), "learning_rate"),
    (lambda: optimizers.Adam(beta_1=1.0), "beta_1"),
    (lambda: optimizers.Adam(beta_2=-0.1), "beta_2"),
    (lambda: optimizers.Adam(epsilon=-1.0), "epsilon"),
    (lambda: optimizers.clip_by_norm([1.0], 0.0), "max_norm"),
    (lambda: optimizers.clip_by_norm([1.0], -2.0), "max_norm"),
])
def test_bad_arguments_name_the_argument(make, argument):
    with pytest.raises(ValueError) as info:
        make()
    message = str(info.value)
    assert f"`{argument}`" in message
    assert message.splitlines()[-1].split("Received: ")[1].startswith(argument)


def test_base_class_arguments_are_accepted():
    optimizer = optimizers.Adam(clipvalue=0.5, name="mine", weight_decay=0.01)
    assert optimizer.name == "mine" and optimizer.clipvalue == 0.5
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    assert optimizers.SGD(learning_rate=1).get_config()["learning_rate"] == 1.0
