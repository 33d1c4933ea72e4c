"""The reference activations against Keras (the oracle) and TensorFlow's
gradients, the lecture's conventions and the softmax overflow example."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlkit import activations

X = np.concatenate([np.random.default_rng(0).normal(0, 4, size=40),
                    [-30.0, -1.0, 0.0, 1e-9, -1e-9, 1.0, 30.0]])

KERAS = {
    "sigmoid": keras.activations.sigmoid,
    "tanh": keras.activations.tanh,
    "relu": keras.activations.relu,
    "leaky_relu": lambda t: tf.where(t > 0, t, 0.1 * t),  # float64 slope; keras rounds it
}


def keras_value_and_derivative(name, x):
    t = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = KERAS[name](t)
        total = tf.reduce_sum(y)
    return y.numpy(), tape.gradient(total, t).numpy()


@pytest.mark.parametrize("name", sorted(KERAS))
def test_values_and_derivatives_equal_keras(name):
    value, derivative = keras_value_and_derivative(name, X)
    np.testing.assert_allclose(getattr(activations, name)(X), value, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(getattr(activations, f"{name}_derivative")(X), derivative,
                               rtol=1e-9, atol=1e-15)


def test_leaky_relu_slope_matches_keras_negative_slope():
    x = np.array([-3.0, -0.5, 0.0, 2.0])
    ours = activations.leaky_relu(x, alpha=0.25)
    theirs = keras.ops.convert_to_numpy(keras.activations.leaky_relu(x, negative_slope=0.25))
    np.testing.assert_allclose(ours, theirs, rtol=1e-7)
    np.testing.assert_array_equal(activations.leaky_relu_derivative(x, alpha=0.25),
                                  [0.25, 0.25, 0.25, 1.0])


def test_kink_conventions_and_shapes():
    x = np.array([[-1.0, 0.0], [0.0, 2.0]])
    np.testing.assert_array_equal(activations.relu_derivative(x), [[0, 0], [0, 1]])
    np.testing.assert_array_equal(activations.leaky_relu_derivative(x), [[0.1, 0.1], [0.1, 1]])
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "softmax"):
        assert getattr(activations, name)(x).shape == x.shape
    assert activations.relu([-1, 2]).tolist() == [0.0, 2.0]  # lists work too


def test_sigmoid_derivative_peaks_at_a_quarter():
    x = np.linspace(-8, 8, 1601)
    d = activations.sigmoid_derivative(x)
    assert d.max() == 0.25 and x[np.argmax(d)] == 0.0
    assert np.all(activations.tanh_derivative(x) <= 1.0)


@pytest.mark.parametrize("shape,axis", [((5,), -1), ((4, 6), -1), ((4, 6), 0), ((2, 3, 4), 1)])
def test_softmax_equals_keras(shape, axis):
    x = np.random.default_rng(1).normal(0, 3, size=shape)
    theirs = keras.ops.convert_to_numpy(keras.ops.softmax(x, axis=axis))
    ours = activations.softmax(x, axis=axis)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(ours.sum(axis=axis), 1.0, rtol=1e-12)


def test_softmax_overflow_lecture_example():
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        big = activations.softmax(np.array([1000.0, 1001.0, 1002.0]))
        small = activations.softmax(np.array([-1000.0, -1001.0, -1002.0]))
        huge = activations.softmax(np.array([[1e4, 0.0, -1e4]]))
    np.testing.assert_allclose(big, [0.09003057, 0.24472847, 0.66524096], rtol=1e-7)
    np.testing.assert_allclose(small, big[::-1], rtol=1e-12)
    np.testing.assert_array_equal(huge, [[1.0, 0.0, 0.0]])


def test_sigmoid_is_finite_and_quiet_far_out():
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        s = activations.sigmoid(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(s, [0.0, 1.0])
