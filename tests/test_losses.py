"""The reference losses against the keras.losses built-ins (the oracle):
values, GradientTape gradients and finite differences, edge cases, config,
.keras save/load and the contract's error messages."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from autograder.worker.probes.losses import make_inputs
from dlkit import losses
from instructor.oracles.losses import finite_difference

# (class, kwargs, input kinds on random data, edge kinds)
CONFIGS = [
    ("MeanSquaredError", {}, ["real"], []),
    ("MeanAbsoluteError", {}, ["real"], []),
    ("MeanSquaredLogarithmicError", {}, ["nonnegative"], ["msle_edge"]),
    ("BinaryCrossentropy", {}, ["binary_probs"], ["binary_edge"]),
    ("BinaryCrossentropy", {"label_smoothing": 0.3}, ["binary_probs"], ["binary_edge"]),
    ("BinaryCrossentropy", {"from_logits": True}, ["binary_logits"], ["binary_huge"]),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.05}, ["binary_logits"],
     ["binary_huge"]),
    ("CategoricalCrossentropy", {}, ["onehot_probs"], ["onehot_edge"]),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2}, ["onehot_probs"], ["onehot_edge"]),
    ("CategoricalCrossentropy", {"from_logits": True}, ["onehot_logits"], ["onehot_huge"]),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, ["onehot_logits"],
     ["onehot_huge"]),
    ("SparseCategoricalCrossentropy", {}, ["sparse_onehot_probs", "sparse_col_onehot_probs"],
     ["sparse_onehot_edge"]),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, ["sparse_onehot_logits"],
     ["sparse_onehot_huge"]),
    ("Hinge", {}, ["signed", "zero_one"], []),
    ("SquaredHinge", {}, ["signed", "zero_one"], []),
    ("KLDivergence", {}, ["distributions"], ["distributions_edge"]),
]
IDS = [f"{cls}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}"
       for cls, kw, _, _ in CONFIGS]
SHAPES = [(7, 4), (2, 3, 5)]


def _pair(kind, shape, seed):
    y_true, y_pred = make_inputs(kind, shape, seed)
    return tf.constant(y_true, tf.float32), tf.constant(y_pred, tf.float32)


def _ours(cls, kwargs, **extra):
    return getattr(losses, cls)(**kwargs, **extra)


def _keras(cls, kwargs, **extra):
    return getattr(keras.losses, cls)(**kwargs, **extra)


@pytest.mark.parametrize("cls,kwargs,kinds,edges", CONFIGS, ids=IDS)
def test_values_equal_keras(cls, kwargs, kinds, edges):
    for seed, (kind, shape) in enumerate((k, s) for k in kinds + edges for s in SHAPES):
        y_true, y_pred = _pair(kind, shape, seed)
        ours = _ours(cls, kwargs).call(y_true, y_pred).numpy()
        theirs = _keras(cls, kwargs, reduction=None)(y_true, y_pred).numpy()
        assert ours.shape == shape[:-1], (kind, shape)
        assert np.all(np.isfinite(ours)), (kind, shape)
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6, err_msg=f"{kind} {shape}")
        for reduction in ("sum_over_batch_size", "sum"):
            ours = float(_ours(cls, kwargs, reduction=reduction)(y_true, y_pred))
            theirs = float(_keras(cls, kwargs, reduction=reduction)(y_true, y_pred))
            assert ours == pytest.approx(theirs, rel=1e-5, abs=1e-6), (kind, reduction)


def _gradient(loss, y_true, y_pred):
    with tf.GradientTape() as tape:
        tape.watch(y_pred)
        value = loss(y_true, y_pred)
    return tape.gradient(value, y_pred).numpy()


@pytest.mark.parametrize("cls,kwargs,kinds,edges", CONFIGS, ids=IDS)
def test_gradients_equal_keras_and_finite_differences(cls, kwargs, kinds, edges):
    for seed, kind in enumerate(kinds + edges):
        y_true, y_pred = _pair(kind, (4, 3), 100 + seed)
        ours = _gradient(_ours(cls, kwargs), y_true, y_pred)
        assert np.all(np.isfinite(ours)), kind
        oracle, labels = _keras(cls, kwargs), y_true
        if cls.startswith("Sparse") and kind in edges:
            # Keras's sparse loss clips before it normalizes, so at a probability of
            # exactly 0 its gradient differs from its categorical loss's (the values
            # agree). Ours is documented as the categorical loss of one-hot labels.
            oracle = _keras("CategoricalCrossentropy", kwargs)
            labels = tf.one_hot(tf.cast(y_true, tf.int32), y_pred.shape[-1])
        np.testing.assert_allclose(ours, _gradient(oracle, labels, y_pred),
                                   rtol=1e-4, atol=1e-7, err_msg=kind)
        if kind in kinds:  # smooth points only: edges sit on a clip boundary
            fd = finite_difference(cls, kwargs, {"kind": kind, "shape": [4, 3],
                                                 "seed": 100 + seed})
            np.testing.assert_allclose(ours, fd, rtol=2e-3, atol=2e-6, err_msg=kind)


@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_crossentropy_formulas(from_logits):
    """The lecture's formula, written out, on one prediction per label."""
    y = np.array([[1.0, 0.0, 1.0, 0.0]], "float32")
    if from_logits:
        x = np.array([[2.0, -1.0, -3.0, 0.5]], "float32")
        p = 1 / (1 + np.exp(-x.astype(np.float64)))
    else:
        x = p = np.array([[0.9, 0.2, 0.3, 0.6]], "float32")
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    got = losses.BinaryCrossentropy(from_logits=from_logits).call(y, x).numpy()
    np.testing.assert_allclose(got, [expected], rtol=1e-6)


def test_clipping_gives_minus_log_epsilon():
    eps = keras.config.epsilon()
    one_hot = np.array([[1.0, 0.0, 0.0]], "float32")
    wrong = np.array([[0.0, 1.0, 0.0]], "float32")
    assert float(losses.CategoricalCrossentropy().call(one_hot, wrong)[0]) == pytest.approx(
        -np.log(eps), rel=1e-6)
    assert float(losses.CategoricalCrossentropy().call(one_hot, one_hot)[0]) == pytest.approx(
        -np.log(1 - eps), abs=1e-6)
    assert float(losses.BinaryCrossentropy().call([[1.0]], [[0.0]])[0]) == pytest.approx(
        -np.log(eps), rel=1e-6)


def test_huge_logits_are_exact():
    bce = losses.BinaryCrossentropy(from_logits=True)
    np.testing.assert_allclose(bce.call([[1.0, 0.0, 1.0]], [[-1e4, 1e4, 1e4]]).numpy(),
                               [1e4 * 2 / 3], rtol=1e-6)
    cce = losses.CategoricalCrossentropy(from_logits=True)
    np.testing.assert_allclose(cce.call([[0.0, 1.0, 0.0]], [[1e4, -1e4, 0.0]]).numpy(),
                               [2e4], rtol=1e-6)


def test_labels_of_rank_one_match_predictions_of_width_one():
    y = np.array([0.0, 1.0, 1.0, 0.0], "float32")
    p = np.array([[0.2], [0.7], [0.4], [0.1]], "float32")
    for cls in ("MeanSquaredError", "BinaryCrossentropy", "Hinge"):
        ours = _ours(cls, {}).call(y, p).numpy()
        assert ours.shape == (4,)
        np.testing.assert_allclose(float(_ours(cls, {})(y, p)), float(_keras(cls, {})(y, p)),
                                   rtol=1e-6)


ALL = [("MeanSquaredError", {}), ("MeanAbsoluteError", {}), ("MeanSquaredLogarithmicError", {}),
       ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}),
       ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}),
       ("SparseCategoricalCrossentropy", {"from_logits": True}), ("Hinge", {}),
       ("SquaredHinge", {}), ("KLDivergence", {})]


@pytest.mark.parametrize("cls,kwargs", ALL, ids=[c for c, _ in ALL])
def test_config_round_trip_and_registration(cls, kwargs):
    loss = _ours(cls, kwargs)
    config = loss.get_config()
    assert config == {**config, **kwargs}
    assert config["name"] == _keras(cls, {}).name
    again = type(loss).from_config(config)
    assert again.get_config() == config
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(loss))
    assert type(revived) is type(loss) and revived.get_config() == config
    assert keras.saving.get_registered_name(type(loss)) == f"dlkit>{cls}"
    assert keras.losses.get(keras.saving.serialize_keras_object(loss)).get_config() == config


@pytest.mark.parametrize("cls,kwargs,units,labels", [
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, 1, "binary"),
    ("SparseCategoricalCrossentropy", {}, 3, "sparse"),
    ("Hinge", {}, 1, "binary"),  # 0/1 labels converted inside fit (graph mode)
])
def test_model_compiled_with_loss_trains_saves_and_loads(tmp_path, cls, kwargs, units, labels):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32") if labels == "binary" else rng.integers(0, 3, 32)
    keras.utils.set_random_seed(0)
    activation = "softmax" if units == 3 else None
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=activation)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=_ours(cls, kwargs))
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    assert type(loaded.loss) is getattr(losses, cls)
    assert loaded.loss.get_config() == model.loss.get_config()
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))


@pytest.mark.parametrize("make,argument", [
    (lambda: losses.BinaryCrossentropy(label_smoothing=-0.1), "label_smoothing"),
    (lambda: losses.BinaryCrossentropy(label_smoothing=1.5), "label_smoothing"),
    (lambda: losses.BinaryCrossentropy(label_smoothing=float("nan")), "label_smoothing"),
    (lambda: losses.BinaryCrossentropy(label_smoothing="0.1"), "label_smoothing"),
    (lambda: losses.BinaryCrossentropy(from_logits="yes"), "from_logits"),
    (lambda: losses.CategoricalCrossentropy(label_smoothing=2), "label_smoothing"),
    (lambda: losses.CategoricalCrossentropy(from_logits=None), "from_logits"),
    (lambda: losses.SparseCategoricalCrossentropy(from_logits="no"), "from_logits"),
])
def test_bad_arguments_name_the_argument(make, argument):
    with pytest.raises(ValueError) as info:
        make()
    message = str(info.value)
    assert f"`{argument}`" in message
    assert message.splitlines()[-1].split("Received: ")[1].startswith(argument)


def test_edges_of_label_smoothing_are_allowed():
    for s in (0, 0.0, 1, 1.0):
        losses.BinaryCrossentropy(label_smoothing=s)
        losses.CategoricalCrossentropy(label_smoothing=s)


def test_output_choices_is_the_lecture_table():
    assert losses.output_choices() == {
        "regression": ("linear", "MeanSquaredError"),
        "binary": ("sigmoid", "BinaryCrossentropy"),
        "multiclass": ("softmax", "CategoricalCrossentropy"),
        "multilabel": ("sigmoid", "BinaryCrossentropy"),
    }
