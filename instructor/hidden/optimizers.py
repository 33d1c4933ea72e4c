"""Hidden variants of the optimizers checks: other hyperparameters, shapes,
seeds, hand-checkable numbers and gradients to clip."""

from autograder.checks.optimizers import clip_checks, optimizer_checks

SHAPES = [[[3], "float32"], [[2, 1], "float32"], [[], "float64"], [[2, 2], "float64"]]

CHECKS = [
    *optimizer_checks(
        "sgd", "SGD", {"learning_rate": 0.02, "momentum": 0.7},
        hand={"kwargs": {"learning_rate": 0.5, "momentum": 0.5}, "initial": [2.0, -1.0],
              "gradients": [[1.0, -2.0], [0.5, 1.0], [-1.0, 0.0]]},
        shapes=SHAPES, seed=3, hidden=True, suffix="_hidden", full=False,
    ),
    *optimizer_checks(
        "sgd", "SGD", {"learning_rate": 0.03, "momentum": 0.5, "nesterov": True},
        hand={"kwargs": {"learning_rate": 0.5, "momentum": 0.5, "nesterov": True},
              "initial": [2.0, -1.0], "gradients": [[1.0, -2.0], [0.5, 1.0], [-1.0, 0.0]]},
        shapes=SHAPES, seed=4, hidden=True, suffix="_hidden_nesterov", full=False,
    ),
    *optimizer_checks(
        "adagrad", "Adagrad",
        {"learning_rate": 0.3, "initial_accumulator_value": 0.5, "epsilon": 1e-4},
        hand={"kwargs": {"learning_rate": 0.2, "initial_accumulator_value": 0.01,
                         "epsilon": 0.08},
              "initial": [1.0, 1.0], "gradients": [[0.4, -0.4], [1.2, 0.0]]},
        shapes=SHAPES, seed=5, hidden=True, suffix="_hidden", full=False,
    ),
    *optimizer_checks(
        "rmsprop", "RMSprop", {"learning_rate": 0.003, "rho": 0.7, "epsilon": 1e-5},
        hand={"kwargs": {"learning_rate": 0.1, "rho": 0.75, "epsilon": 0.21},
              "initial": [1.0, 0.0, -1.0], "gradients": [[2.0, 0.0, -2.0], [2.0, 1.0, 0.0]]},
        shapes=SHAPES, seed=6, hidden=True, suffix="_hidden", full=False,
    ),
    *optimizer_checks(
        "adam", "Adam", {"learning_rate": 0.005, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4},
        hand={"kwargs": {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.75, "epsilon": 0.1},
              "initial": [1.0, -1.0], "gradients": [[2.0, -2.0], [2.0, 1.0]]},
        shapes=SHAPES, seed=7, hidden=True, suffix="_hidden", full=False,
    ),
    *clip_checks(
        [{"values": [[6.0, 8.0]], "dtype": "float32", "max_norm": 2.5},
         {"values": [0.001, 0.0, -0.002], "dtype": "float32", "max_norm": 0.01},
         {"values": [5.0, 12.0], "dtype": "float64", "max_norm": 13.0},
         {"values": [[2.0, -1.0], [0.0, 2.0]], "dtype": "float64", "max_norm": 1.0}],
        hidden=True, suffix="_hidden", traced=False,
    ),
]
