"""The reference Dropout, BatchNormalization, L1/L2/L1L2 and ROC against
their oracles (keras.layers, keras.regularizers, scikit-learn), the lab's
checks against broken implementations, and the contract's errors."""

import os
import tempfile

import keras
import numpy as np
import pytest
import tensorflow as tf
from sklearn.metrics import roc_auc_score
from sklearn.metrics import roc_curve as sk_roc_curve

from autograder.checks import generalization as checks
from autograder.worker.probes.generalization import make_batches, make_scores, run_batch_norm
from dlkit import layers, metrics, regularizers
from instructor.oracles.generalization import keras_penalty


@pytest.mark.parametrize("kwargs,shape,dtype", [
    ({}, (8, 5), "float32"),
    ({"axis": 1, "momentum": 0.5, "epsilon": 0.01}, (5, 4, 3), "float32"),
    ({"axis": 0, "center": False}, (3, 8), "float64"),
    ({"scale": False, "momentum": 0.9}, (16, 4), "float16"),
])
def test_batch_norm_equals_keras(kwargs, shape, dtype):
    ours = run_batch_norm(layers.BatchNormalization(**kwargs, dtype=dtype), shape, 3, 3)
    theirs = run_batch_norm(keras.layers.BatchNormalization(**kwargs, dtype=dtype), shape, 3, 3)
    rtol, atol = checks.BN_TOL[dtype]
    for key in ("inference", "train_outputs", "moving_mean", "moving_variance"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=rtol, atol=atol, err_msg=key)
    for name in theirs["gradients"]:
        np.testing.assert_allclose(ours["gradients"][name], theirs["gradients"][name],
                                   rtol=1e-4, atol=1e-4, err_msg=name)


def test_batch_norm_weights_are_named_and_flagged_as_in_keras():
    ours, theirs = layers.BatchNormalization(center=False), keras.layers.BatchNormalization(
        center=False)
    for layer in (ours, theirs):
        layer.build((4, 3))
    assert [(v.name, v.trainable) for v in ours.weights] == [
        (v.name, v.trainable) for v in theirs.weights]


def test_dropout_inverted_scaling_keep_rate_and_inference():
    x = make_batches((200, 100), 0, 1)[0].astype("float32")
    layer = layers.Dropout(0.3, seed=1)
    y = np.asarray(layer(x, training=True))
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / 0.7, rtol=1e-6)
    assert abs(kept.mean() - 0.7) < 5 * np.sqrt(0.21 / kept.size)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)


def test_dropout_seeding_and_noise_shape():
    x = np.ones((4, 5, 6), "float32")
    a, b = layers.Dropout(0.5, seed=7), layers.Dropout(0.5, seed=7)
    first, again = np.asarray(a(x, training=True)), np.asarray(b(x, training=True))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, np.asarray(a(x, training=True)))
    shared = np.asarray(layers.Dropout(0.5, noise_shape=(None, 1, 6), seed=0)(x, training=True))
    assert np.all(shared == shared[:, :1, :])


def test_dropout_in_fit_drops_and_predict_does_not():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((50,)), layers.Dropout(0.5, seed=0)])
    x = np.ones((2, 50), "float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    with tf.GradientTape():
        trained = np.asarray(model(x, training=True))
    assert set(np.unique(trained)) <= {0.0, 2.0} and (trained == 0).any()


@pytest.mark.parametrize("cls,kwargs", [("L1", {"l1": 0.03}), ("L2", {"l2": 0.02}),
                                        ("L1L2", {"l1": 0.01, "l2": 0.04}), ("L1L2", {})])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_penalties_equal_keras(cls, kwargs, dtype):
    values = np.random.default_rng(0).normal(size=(4, 3))
    values[0, 0] = 0.0
    for penalty in (getattr(regularizers, cls)(**kwargs), keras_penalty(cls, **kwargs)):
        w = tf.Variable(values, dtype=dtype)
        with tf.GradientTape() as tape:
            value = penalty(w)
        if isinstance(penalty, getattr(regularizers, cls)):
            ours = (value.numpy(), tape.gradient(value, w, unconnected_gradients="zero").numpy(),
                    value.dtype)
        else:
            theirs = (value.numpy(), tape.gradient(value, w, unconnected_gradients="zero").numpy(),
                    value.dtype)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)
    assert ours[2] == theirs[2]


@pytest.mark.parametrize("kind,n", [("continuous", 50), ("ties", 40), ("column", 30),
                                    ("all_tied", 5)])
def test_roc_equals_sklearn(kind, n):
    for seed in range(5):
        y, scores = make_scores(kind, n, seed)
        for ours, theirs in zip(metrics.roc_curve(y, scores),
                                sk_roc_curve(np.ravel(y), np.ravel(scores),
                                             drop_intermediate=False)):
            np.testing.assert_array_equal(ours, theirs)
        assert metrics.roc_auc(y, scores) == pytest.approx(roc_auc_score(np.ravel(y),
                                                                         np.ravel(scores)))


def test_model_with_every_part_saves_and_loads():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((3,)), keras.layers.Dense(4, kernel_regularizer=regularizers.L1L2(0.1, 0.2)),
        layers.BatchNormalization(axis=-1, momentum=0.5), layers.Dropout(0.2, seed=1),
        keras.layers.Dense(1, kernel_regularizer=regularizers.L1(0.1),
                           bias_regularizer=regularizers.L2(0.3))])
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 3)), np.ones((4, 1)), epochs=1, verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.keras")
        model.save(path)
        loaded = keras.saving.load_model(path)
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    np.testing.assert_allclose(loaded.predict(np.ones((2, 3)), verbose=0),
                               model.predict(np.ones((2, 3)), verbose=0))
    assert [float(v) for v in loaded.losses] == pytest.approx([float(v) for v in model.losses])


@pytest.mark.parametrize("make", [
    lambda: layers.Dropout(1.0), lambda: layers.Dropout(-0.5), lambda: layers.Dropout(0.5, seed="a"),
    lambda: layers.Dropout(0.5, noise_shape="x"), lambda: layers.BatchNormalization(momentum=2),
    lambda: layers.BatchNormalization(epsilon=0), lambda: layers.BatchNormalization(scale=1),
    lambda: regularizers.L1(-1), lambda: regularizers.L1L2(l2=float("nan")),
    lambda: metrics.roc_auc([1, 1], [0.1, 0.2]), lambda: metrics.roc_curve([0, 1], [0.1]),
])
def test_bad_arguments_raise_the_contract_error(make):
    with pytest.raises(ValueError, match=r"`\w+`.*Received: "):
        make()


# -- the checks can fail ---------------------------------------------------------------------
def test_keep_rate_check_fails_a_wrong_keep_rate_and_passes_binomial_noise():
    n, rate = 20000, 0.3
    sd = np.sqrt(rate * (1 - rate) / n)
    good = [{"size": n, "kept": round(n * (0.7 + 3 * sd)), "ratio_min": 1 / 0.7,
             "ratio_max": 1 / 0.7}]
    assert checks._keep_rate(good, good, rate)[0]
    bad = [{**good[0], "kept": round(n * (0.7 + 6 * sd))}]
    assert not checks._keep_rate(good, bad, rate)[0]
    unscaled = [{**good[0], "ratio_min": 1.0, "ratio_max": 1.0}]
    assert not checks._keep_rate(good, unscaled, rate)[0]


def test_dropout_output_check_names_the_missing_division():
    x = [[1.0, 2.0], [3.0, -4.0]]
    modes = [None, False, True, True]
    expected = {"x": x, "outputs": [x, x, x, x], "dtypes": ["float32"] * 4}
    got = {**expected, "outputs": [x, x, [[0.5, 0.0], [1.5, 0.0]], [[0.0, 1.0], [0.0, -2.0]]]}
    passed, message = checks._dropout_calls(expected, got, 0.5, modes)
    assert not passed and "not multiplied" in message
    got["outputs"][2] = [[2.0, 0.0], [6.0, 0.0]]
    got["outputs"][3] = [[0.0, 4.0], [0.0, -8.0]]
    assert checks._dropout_calls(expected, got, 0.5, modes)[0]


def test_gates_thresholds():
    assert not checks._titanic_gate({"test_accuracy": 0.82}, {"test_accuracy": 0.615,
                                                              "finite": True})[0]
    assert checks._titanic_gate({"test_accuracy": 0.82}, {"test_accuracy": 0.80,
                                                          "finite": True})[0]
    assert not checks._deep_gate({"test_accuracy": 0.93}, {"test_accuracy": 1 / 3,
                                                           "finite": True})[0]
