"""Hidden variants of the iris_basics checks: other sizes, seeds, models,
optimizers and labels."""

import numpy as np

from autograder.checks.iris_basics import (
    fit_check,
    gate_check,
    iteration_checks,
    metric_checks,
    minibatch_checks,
    step_checks,
)

_rng = np.random.default_rng(2024)
# 40 samples of 4 classes, about 30% predicted wrong.
_Y_TRUE = _rng.integers(0, 4, size=40)
_Y_PRED = np.where(_rng.random(40) < 0.3, _rng.integers(0, 4, size=40), _Y_TRUE)
# Class 3 never occurs in y_true (its sensitivity is 0 / 0 = 0) but is predicted.
_Y_TRUE_ABSENT = [0, 1, 2, 0, 1, 2, 0, 1, 2, 1, 0, 2]
_Y_PRED_ABSENT = [0, 1, 3, 0, 2, 2, 3, 1, 2, 1, 0, 0]

_MLP = {"inputs": 3, "layers": [[6, "relu"], [4, "softmax"]], "weights_seed": 5}

CHECKS = [
    *iteration_checks("partial_hidden",
                      [(1000, 32), (1001, 1000), (7, 3), (1_000_000, 7), (33, 32), (2, 3),
                       (64, 32), (0, 1)],
                      hidden=True, title="iterations_per_epoch on other sizes",
                      bad=[("n_samples", 2.5), ("batch_size", -1), ("batch_size", 0.5)]),
    *minibatch_checks(23, 5, seed=17, epochs=4, suffix="_hidden", hidden=True,
                      points=(1, 1, 0, 1)),
    *minibatch_checks(6, 10, seed=5, epochs=2, suffix="_hidden_one_batch", hidden=True,
                      points=(1, 1, 0, 1)),
    *step_checks(_MLP, {"name": "SGD", "kwargs": {"learning_rate": 0.3, "momentum": 0.9}},
                 n_samples=7, data_seed=11, steps=2, suffix="_hidden", points=2, hidden=True,
                 title="two SGD-with-momentum steps on another MLP"),
    fit_check("fit_hidden", _MLP, {"name": "Adam", "kwargs": {"learning_rate": 0.02}},
              n_samples=13, data_seed=12, batch_size=5, epochs=4, seed=7, points=3,
              hidden=True),
    gate_check("gate_hidden", seed=3, epochs=60, batch_size=8, learning_rate=0.005, points=2,
               hidden=True),
    *metric_checks("40 samples, 4 classes", _Y_TRUE.tolist(), _Y_PRED.tolist(), 4,
                   points={"accuracy": 1, "confusion_matrix": 1, "sensitivity": 1,
                           "specificity": 1}, hidden=True, suffix="_hidden"),
    *metric_checks("class 3 predicted but absent from y_true", _Y_TRUE_ABSENT, _Y_PRED_ABSENT,
                   4, points={"sensitivity": 1, "specificity": 1}, hidden=True,
                   suffix="_hidden_absent"),
]
