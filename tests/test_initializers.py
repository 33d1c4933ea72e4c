"""The reference initializers against the Keras built-ins (the oracle):
fans, distributions (sample statistics within sample-size bounds), seeds,
configs and saving, error messages, and the symmetry lesson."""

import math

import keras
import numpy as np
import pytest
from keras.src.initializers.random_initializers import compute_fans as keras_compute_fans

from autograder.checks.initializers import (
    Distribution,
    check_sample,
    chi2_sf,
    chi2_threshold,
    expected_distribution,
)
from autograder.worker.probes.initializers import summarize
from dlkit import initializers

RANDOM = ["RandomNormal", "RandomUniform", "GlorotUniform", "GlorotNormal", "HeNormal",
          "HeUniform", "LecunNormal"]
ALL = ["Zeros", "Constant", *RANDOM]
Z = 5.0  # standard errors: two-sided 5.7e-7 per comparison


def _np(x):
    return np.asarray(keras.ops.convert_to_numpy(x), dtype=np.float64)


@pytest.mark.parametrize("shape", [
    (), (1,), (7,), (5, 3), (784, 10), (1, 1), (3, 16, 32), (3, 3, 16, 32), (5, 5, 3, 64),
    (1, 1, 8, 4), (3, 3, 3, 4, 8), (2, 3, 4, 5, 6, 7), (11, 11, 3, 96),
])
def test_compute_fans_equals_keras(shape):
    fans = initializers.compute_fans(shape)
    assert fans == keras_compute_fans(shape)
    assert all(type(f) is int for f in fans)


def test_compute_fans_equals_keras_on_random_shapes():
    rng = np.random.default_rng(0)
    for _ in range(200):
        shape = tuple(int(d) for d in rng.integers(1, 12, size=rng.integers(0, 6)))
        assert initializers.compute_fans(shape) == keras_compute_fans(shape), shape


CASES = [  # (class, kwargs, shape): dense and conv kernels of 40,000-60,000 values
    ("RandomNormal", {}, (500, 80)),
    ("RandomNormal", {"mean": 0.5, "stddev": 2.0}, (3, 3, 64, 96)),
    ("RandomUniform", {}, (500, 80)),
    ("RandomUniform", {"minval": -0.1, "maxval": 0.3}, (5, 48, 160)),
    ("GlorotUniform", {}, (500, 80)),
    ("GlorotUniform", {}, (3, 3, 64, 96)),
    ("GlorotNormal", {}, (500, 80)),
    ("GlorotNormal", {}, (3, 3, 3, 24, 64)),
    ("HeNormal", {}, (500, 80)),
    ("HeNormal", {}, (3, 3, 64, 96)),
    ("HeUniform", {}, (80, 500)),
    ("HeUniform", {}, (5, 48, 160)),
    ("LecunNormal", {}, (500, 80)),
    ("LecunNormal", {}, (3, 3, 64, 96)),
]


def _keras_distribution(cls, kwargs, shape):
    """The distribution read off the Keras object (independent of the checks' table)."""
    init = getattr(keras.initializers, cls)(**kwargs)
    if cls == "RandomNormal":
        return Distribution("normal", mean=init.mean, sigma=init.stddev)
    if cls == "RandomUniform":
        return Distribution("uniform", low=init.minval, high=init.maxval)
    fan_in, fan_out = keras_compute_fans(shape)
    fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[init.mode]
    variance = init.scale / fan
    if init.distribution == "uniform":
        limit = math.sqrt(3 * variance)
        return Distribution("uniform", low=-limit, high=limit)
    return Distribution("truncated_normal", sigma=math.sqrt(variance) / 0.87962566103423978)


@pytest.mark.parametrize("cls,kwargs,shape", CASES,
                         ids=[f"{c}-{'x'.join(map(str, s))}" for c, _, s in CASES])
def test_distribution_matches_keras(cls, kwargs, shape):
    ours = _np(getattr(initializers, cls)(**kwargs, seed=1)(shape)).ravel()
    theirs = _np(getattr(keras.initializers, cls)(**kwargs, seed=2)(shape)).ravel()
    dist = _keras_distribution(cls, kwargs, shape)
    n = ours.size
    # Two independent samples of the same distribution: the difference of
    # their means and stds has sqrt(2) times one sample's standard error.
    assert abs(ours.mean() - theirs.mean()) <= Z * math.sqrt(2) * dist.std / math.sqrt(n)
    se_std = dist.std * math.sqrt((dist.kurtosis - 1) / (4 * n))
    assert abs(ours.std(ddof=1) - theirs.std(ddof=1)) <= Z * math.sqrt(2) * se_std
    # Same support: the truncation / the uniform limits, both reached.
    if dist.bounds:
        low, high = dist.bounds
        for sample in (ours, theirs):
            assert low - 1e-6 * abs(low) <= sample.min() and sample.max() <= high + 1e-6 * abs(high)
        _, min_high, max_low, _ = dist.extremes(n)
        assert ours.max() >= max_low and ours.min() <= min_high
    # And both pass the grader's statistical test against the formula.
    formula, _ = expected_distribution(cls, kwargs, shape)
    for attribute in ("mean", "std", "bounds"):
        assert np.allclose(getattr(formula, attribute) or 0, getattr(dist, attribute) or 0,
                           rtol=1e-12)
    formula.edges = [formula.ppf((i + 1) / 20) for i in range(19)]
    for sample in (ours, theirs):
        stats = summarize(sample.astype("float32").reshape(shape), formula.edges,
                          list(dist.bounds) if dist.bounds else None)
        passed, message = check_sample(formula, "Keras's rule", stats, shape=shape,
                                       dtype="float32")
        assert passed, message


def test_variance_scaling_documented_numbers():
    assert _np(initializers.HeNormal(seed=0)((500, 100))).std() == pytest.approx(
        math.sqrt(2 / 500), rel=0.02)
    w = _np(initializers.HeNormal(seed=0)((500, 100)))
    assert np.abs(w).max() <= 2 * math.sqrt(2 / 500) / initializers.TRUNCATION_STDDEV * (1 + 1e-6)
    assert np.abs(_np(initializers.GlorotUniform(seed=0)((500, 100)))).max() <= 0.1 + 1e-7
    assert np.abs(_np(initializers.HeUniform(seed=0)((600, 100)))).max() <= 0.1 + 1e-7
    assert initializers.TRUNCATION_STDDEV == pytest.approx(
        Distribution("truncated_normal", sigma=1.0).std, rel=1e-12)


@pytest.mark.parametrize("cls", ["Zeros", "Constant"])
@pytest.mark.parametrize("dtype", ["float32", "float64", None])
def test_constants_equal_keras(cls, dtype):
    kwargs = {"value": 0.375} if cls == "Constant" else {}
    ours = getattr(initializers, cls)(**kwargs)((4, 3, 2), dtype=dtype)
    theirs = getattr(keras.initializers, cls)(**kwargs)((4, 3, 2), dtype=dtype)
    assert keras.backend.standardize_dtype(ours.dtype) == keras.backend.standardize_dtype(
        theirs.dtype)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(ours),
                                  keras.ops.convert_to_numpy(theirs))


def test_constant_is_exact_in_float64():
    # Keras's Constant rounds the value to float32 first (TensorFlow backend);
    # this one keeps float64 values exact.
    values = keras.ops.convert_to_numpy(initializers.Constant(0.3)((3,), dtype="float64"))
    np.testing.assert_array_equal(values, np.full(3, 0.3))


def test_constant_int_value_gives_floats():
    values = initializers.Constant(3)((2, 2))
    assert keras.backend.standardize_dtype(values.dtype) == "float32"
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(values), np.full((2, 2), 3.0))


@pytest.mark.parametrize("cls", RANDOM)
def test_same_seed_same_values_other_seed_others(cls):
    klass = getattr(initializers, cls)
    a = _np(klass(seed=3)((20, 30)))
    np.testing.assert_array_equal(a, _np(klass(seed=3)((20, 30))))
    init = klass(seed=3)
    np.testing.assert_array_equal(_np(init((20, 30))), _np(init((20, 30))))
    assert not np.array_equal(a, _np(klass(seed=4)((20, 30))))


def test_unseeded_repeats_per_instance_and_follows_the_global_seed():
    keras.utils.set_random_seed(5)
    first = initializers.GlorotNormal()
    keras.utils.set_random_seed(5)
    second = initializers.GlorotNormal()
    np.testing.assert_array_equal(_np(first((8, 8))), _np(first((8, 8))))
    np.testing.assert_array_equal(_np(first((8, 8))), _np(second((8, 8))))


def test_seed_generator_gives_new_values_every_call():
    init = initializers.HeUniform(seed=keras.random.SeedGenerator(1))
    assert not np.array_equal(_np(init((8, 8))), _np(init((8, 8))))
    config = init.get_config()
    again = initializers.HeUniform.from_config(config)
    assert isinstance(again.seed, keras.random.SeedGenerator)


def test_same_instance_in_two_layers_gives_identical_kernels():
    init = initializers.GlorotUniform(seed=0)
    a, b = keras.layers.Dense(4, kernel_initializer=init), keras.layers.Dense(4, kernel_initializer=init)
    a.build((None, 3))
    b.build((None, 3))
    np.testing.assert_array_equal(_np(a.kernel), _np(b.kernel))


@pytest.mark.parametrize("cls", ALL)
def test_get_config_round_trip_and_registration(cls):
    klass = getattr(initializers, cls)
    kwargs = {"Constant": {"value": 0.7}, "RandomNormal": {"mean": 0.1, "stddev": 0.2, "seed": 9},
              "RandomUniform": {"minval": -1.0, "maxval": 2.0, "seed": 9},
              "Zeros": {}}.get(cls, {"seed": 9})
    init = klass(**kwargs)
    config = init.get_config()
    assert config == kwargs
    again = klass.from_config(config)
    assert again.get_config() == config
    assert keras.saving.get_registered_name(klass) == f"dlkit>{cls}"
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(init))
    assert type(revived) is klass
    np.testing.assert_array_equal(_np(revived((5, 4))), _np(init((5, 4))))
    assert isinstance(init, keras.initializers.Initializer)


def test_model_with_dlkit_initializers_saves_and_loads(tmp_path):
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, kernel_initializer=initializers.HeNormal(seed=1))(inputs)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(6, kernel_initializer=initializers.GlorotUniform(seed=2),
                           bias_initializer=initializers.Constant(0.1))(x)
    outputs = keras.layers.Dense(2, kernel_initializer=initializers.LecunNormal(seed=3))(x)
    model = keras.Model(inputs, outputs)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)  # registration: no custom_objects needed
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert type(loaded.layers[1].kernel_initializer) is initializers.HeNormal
    assert loaded.layers[3].bias_initializer.get_config() == {"value": 0.1}
    clone = keras.models.clone_model(model)  # rebuilt from configs: same seeds, same weights
    for a, b in zip(model.get_weights(), clone.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("make,argument", [
    (lambda: initializers.RandomNormal(stddev=0.0), "stddev"),
    (lambda: initializers.RandomNormal(stddev=-1.0), "stddev"),
    (lambda: initializers.RandomNormal(stddev=float("nan")), "stddev"),
    (lambda: initializers.RandomUniform(minval=0.1, maxval=0.1), "maxval"),
    (lambda: initializers.RandomUniform(minval=1.0, maxval=-1.0), "maxval"),
    (lambda: initializers.HeNormal(seed=1.5), "seed"),
    (lambda: initializers.compute_fans((0, 3)), "shape"),
    (lambda: initializers.compute_fans((3, 2.5)), "shape"),
    (lambda: initializers.compute_fans(5), "shape"),
    *[(lambda c=c: getattr(initializers, c)()((4, -1)), "shape") for c in ALL],
])
def test_bad_arguments_name_the_argument(make, argument):
    with pytest.raises(ValueError) as info:
        make()
    message = str(info.value)
    assert f"`{argument}`" in message
    assert message.splitlines()[-1].split("Received: ")[1].startswith(
        "minval" if argument == "maxval" else argument)


def test_distinct_units():
    assert initializers.distinct_units(np.ones((4, 16))) == 1
    assert initializers.distinct_units(np.eye(3), bias=np.zeros(3)) == 3
    kernel = np.array([[1.0, 1.0, 2.0], [0.5, 0.5 + 1e-8, 0.5]])
    assert initializers.distinct_units(kernel) == 2
    assert initializers.distinct_units(kernel, bias=np.array([0.0, 1.0, 0.0])) == 3
    assert initializers.distinct_units(kernel, atol=2.0) == 1
    assert initializers.distinct_units(keras.Variable(kernel)) == 2
    # atol is absolute: no relative tolerance, whatever the size of the weights
    large = np.array([[1000.0, 1000.0 + 1e-8, 1000.0]])
    assert initializers.distinct_units(large, atol=1e-10) == 2


def test_constant_initialization_keeps_hidden_units_identical():
    constant = initializers.symmetry_experiment(initializers.Constant(0.1), epochs=3)
    assert constant["before"] == constant["after"] == [1, 1, 1]
    assert constant["loss"][-1] < constant["loss"][0]  # it trains, but as one unit per layer
    glorot = initializers.symmetry_experiment(initializers.GlorotUniform(seed=0), epochs=3)
    assert glorot["after"] == [16, 16, 16]


def test_chi2_helpers_match_scipy():
    stats = pytest.importorskip("scipy.stats")
    for df in (1, 2, 5, 19, 20):
        for x in (0.5, 3.0, 20.0, 60.0):
            assert chi2_sf(x, df) == pytest.approx(stats.chi2.sf(x, df), rel=1e-9, abs=1e-300)
        assert chi2_threshold(df, 1e-7) == pytest.approx(stats.chi2.isf(1e-7, df), rel=1e-6)


def test_truncated_distribution_helpers():
    stats = pytest.importorskip("scipy.stats")
    ours = Distribution("truncated_normal", mean=0.3, sigma=0.2)
    theirs = stats.truncnorm(-2, 2, loc=0.3, scale=0.2)
    assert ours.std == pytest.approx(theirs.std(), rel=1e-10)
    assert ours.kurtosis == pytest.approx(theirs.stats(moments="k") + 3, rel=1e-9)
    for q in (1e-6, 0.1, 0.5, 0.93):
        assert ours.ppf(q) == pytest.approx(theirs.ppf(q), rel=1e-9)
        assert ours.cdf(ours.ppf(q)) == pytest.approx(q, rel=1e-9)


def test_check_sample_rejects_near_misses():
    """The statistical check catches 3 % errors in the std, an untruncated
    normal with the right std, and a uniform limit 1 % short."""
    rng = np.random.default_rng(0)
    dist, rule = expected_distribution("HeNormal", {}, (500, 80))
    dist.edges = [dist.ppf((i + 1) / 20) for i in range(19)]

    def verdict(values, d=dist):
        stats = summarize(values.astype("float32").reshape(500, 80), d.edges,
                          list(d.bounds) if d.bounds else None)
        return check_sample(d, rule, stats, shape=(500, 80), dtype="float32")

    good = np.clip(rng.normal(0, dist.sigma, 200_000), *dist.bounds)
    good = good[np.abs(good) < 2 * dist.sigma][:40_000]
    assert verdict(good)[0]
    assert "std" in verdict(good * 1.03)[1]
    untruncated = rng.normal(0, dist.std, 40_000)
    assert "lie outside" in verdict(untruncated)[1]
    uniform, _ = expected_distribution("GlorotUniform", {}, (500, 80))
    uniform.edges = [uniform.ppf((i + 1) / 20) for i in range(19)]
    short = rng.uniform(-0.99, 0.99, 40_000) * uniform.high
    passed, message = verdict(short, uniform)
    assert not passed and "largest" in message
