"""The train_step check on a model with BatchNormalization: the reference
passes it, a forward pass in inference mode (``model(x)`` without
``training=True``) fails it with a message that says so."""

import tensorflow as tf

from autograder.checks.iris_basics import CHECKS
from autograder.worker.probes.iris_basics import train_step
from dlkit import training

CHECK = next(c for c in CHECKS if c.id == "iris_basics.training.train_step_batchnorm")


def _inference_mode_step(model, loss_fn, optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss


def test_reference_passes_and_reports_the_moving_statistics():
    out = train_step(**CHECK.args)
    assert out["moving"] == list(range(35, 45))  # 4*5 + 5, then gamma and beta of 5 units
    assert CHECK.compare(out, out)[0]


def test_inference_mode_fails_naming_training_true(monkeypatch):
    expected = train_step(**CHECK.args)
    monkeypatch.setattr(training, "train_step", _inference_mode_step)
    got = train_step(**CHECK.args)
    passed, message = CHECK.compare(expected, got)
    assert not passed
    assert "moving mean and variance never changed" in message and "training=True" in message
