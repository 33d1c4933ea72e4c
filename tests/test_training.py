"""dlkit.training against Keras (the oracle: train_on_batch and fit), a
softmax-regression gradient written in NumPy, the epoch-loss and shuffling
conventions, and the trained-accuracy gate."""

import keras
import numpy as np
import pytest

from autograder.checks.iris_basics import GATE_ACCURACY
from autograder.worker.probes.iris_basics import (
    build_model,
    fit,
    make_data,
    make_optimizer,
    train_step,
    trained_iris,
)
from dlkit import training
from instructor.oracles import OracleMismatch
from instructor.oracles import iris_basics as oracle

MLP = {"inputs": 4, "layers": [[5, "tanh"], [3, "softmax"]], "weights_seed": 0}
CCE = keras.losses.CategoricalCrossentropy


def _keras_twin(spec, optimizer):
    model = build_model(spec)
    model.compile(optimizer=make_optimizer(optimizer), loss=CCE())
    return model


def _weights(model):
    return np.concatenate([w.ravel() for w in model.get_weights()])


@pytest.mark.parametrize("optimizer", [
    {"name": "SGD", "kwargs": {"learning_rate": 0.5}},
    {"name": "SGD", "kwargs": {"learning_rate": 0.1, "momentum": 0.9}},
    {"name": "Adam", "kwargs": {"learning_rate": 0.05}},
])
def test_train_step_equals_keras_train_on_batch(optimizer):
    ours, theirs = build_model(MLP), _keras_twin(MLP, optimizer)
    x, y = make_data(MLP, 8, data_seed=1)
    opt = make_optimizer(optimizer)
    for _ in range(3):
        loss = training.train_step(ours, CCE(), opt, x, y)
        theirs.reset_metrics()  # Keras < 3.14 returns the running mean over calls
        np.testing.assert_allclose(float(loss), float(theirs.train_on_batch(x, y)), rtol=1e-6)
    np.testing.assert_allclose(_weights(ours), _weights(theirs), rtol=1e-5, atol=1e-7)


def test_train_step_equals_the_softmax_regression_gradient():
    args = {"model": {"inputs": 4, "layers": [[3, "softmax"]], "weights_seed": 1},
            "optimizer": {"name": "SGD", "kwargs": {"learning_rate": 0.5}},
            "n_samples": 6, "data_seed": 0, "steps": 1}
    out = train_step(**args)
    loss, weights = oracle._softmax_regression_sgd(args)
    np.testing.assert_allclose(out["weights"], weights, rtol=1e-5, atol=1e-6)
    assert out["losses"][0] == pytest.approx(loss, rel=1e-5)
    assert out["weights"] != out["initial"]


@pytest.mark.parametrize("n,batch_size,epochs,seed,shuffle", [
    (10, 4, 3, 1, True), (10, 10, 2, 1, True), (6, 1, 2, 2, True), (10, 4, 2, 0, False),
    (13, 5, 3, 7, True)])
def test_fit_loop_equals_train_on_batch_on_the_documented_batches(n, batch_size, epochs, seed,
                                                                  shuffle):
    optimizer = {"name": "SGD", "kwargs": {"learning_rate": 0.2}}
    args = {"model": MLP, "optimizer": optimizer, "n_samples": n, "data_seed": 2,
            "batch_size": batch_size, "epochs": epochs, "seed": seed, "shuffle": shuffle}
    out = fit(**args)
    oracle._verify_fit("fit", args, out)  # raises OracleMismatch on any difference
    broken = {**out, "loss": [out["loss"][0], out["loss"][1] * (1 + 1e-4), *out["loss"][2:]]}
    with pytest.raises(OracleMismatch):
        oracle._verify_fit("fit", args, broken)


def test_fit_loop_without_shuffle_equals_keras_fit():
    x, y = make_data(MLP, 10, data_seed=2)
    ours, theirs = build_model(MLP), _keras_twin(MLP, {"name": "SGD",
                                                       "kwargs": {"learning_rate": 0.2}})
    history = training.fit_loop(ours, CCE(), keras.optimizers.SGD(0.2), x, y, batch_size=4,
                                epochs=3, shuffle=False)
    keras_history = theirs.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(history["loss"], keras_history.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(_weights(ours), _weights(theirs), rtol=1e-5, atol=1e-7)


def test_epoch_loss_weights_the_partial_batch_by_its_size():
    # Zero learning rate: the weights never move, so every batch loss is the
    # loss of the initial model and the epoch loss must be the full-data mean.
    x, y = make_data(MLP, 10, data_seed=4)
    model = build_model(MLP)
    full = float(CCE()(y, model(x)))
    history = training.fit_loop(model, CCE(), keras.optimizers.SGD(0.0), x, y, batch_size=4,
                                epochs=2, seed=0)
    np.testing.assert_allclose(history["loss"], [full, full], rtol=1e-6)
    batches = [b for b in oracle.documented_batches(10, 4, np.random.default_rng(0))]
    unweighted = np.mean([float(CCE()(y[b], model(x[b]))) for b in batches])
    assert abs(unweighted - full) > 1e-3  # the plain mean would be a different number


def test_compiled_and_eager_loops_agree_and_record_validation():
    x, y = make_data(MLP, 12, data_seed=5)
    histories = []
    for compiled in (True, False):
        model = build_model(MLP)
        histories.append(training.fit_loop(model, CCE(), keras.optimizers.Adam(0.05), x, y,
                                           batch_size=5, epochs=3, seed=3, compiled=compiled,
                                           validation_data=(x[:4], y[:4])))
    assert sorted(histories[0]) == ["loss", "val_accuracy", "val_loss"]
    for key in histories[0]:
        np.testing.assert_allclose(histories[0][key], histories[1][key], rtol=1e-5)
        assert len(histories[0][key]) == 3


def test_every_epoch_draws_the_next_permutation_of_one_generator():
    # A loss that records the labels it is given: with one batch per epoch,
    # epoch e's labels are y[order_e], so the orders can be read back.
    seen = []

    def spy(y_true, y_pred):
        seen.append(np.asarray(y_true))
        return CCE()(y_true, y_pred)

    x = np.zeros((5, 4), "float32")
    y = np.eye(3, dtype="float32")[[0, 1, 2, 0, 1]] + np.arange(5, dtype="float32")[:, None]
    training.fit_loop(build_model(MLP), spy, keras.optimizers.SGD(0.0), x, y, batch_size=5,
                      epochs=3, seed=9, compiled=False)
    rng = np.random.default_rng(9)
    orders = [rng.permutation(5) for _ in range(3)]
    assert len(seen) == 3 and len({tuple(o) for o in orders}) > 1
    for labels, order in zip(seen, orders):
        np.testing.assert_array_equal(labels, y[order])


@pytest.mark.parametrize("kwargs,argument", [
    ({"batch_size": 0}, "batch_size"), ({"epochs": 0}, "epochs"), ({"batch_size": 2.5},
                                                                      "batch_size")])
def test_fit_loop_bad_arguments(kwargs, argument):
    x, y = make_data(MLP, 6, data_seed=0)
    with pytest.raises(ValueError, match=f"`{argument}`.*Received: {argument}="):
        training.fit_loop(build_model(MLP), CCE(), keras.optimizers.SGD(0.1), x, y, **kwargs)
    with pytest.raises(ValueError, match=r"`y`.*Received: len\(x\)=6, len\(y\)=5"):
        training.fit_loop(build_model(MLP), CCE(), keras.optimizers.SGD(0.1), x, y[:5])


def test_reference_passes_the_gate():
    out = trained_iris(seed=0, epochs=60, batch_size=16, learning_rate=0.01)
    assert out["finite"] and out["test_accuracy"] >= GATE_ACCURACY
