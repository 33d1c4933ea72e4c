"""Hidden variants of the regularization checks: other sequences and
parameters, other splits, another training seed for the gate."""

from autograder.checks.regularization import (
    LAB,
    fit_check,
    gate_check,
    preprocessing_checks,
    reuse_check,
    scripted_check,
)

PATIENCE = [
    {"kwargs": {"patience": 4}, "sequences": [
        [0.8, 0.81, 0.82, 0.79, 0.83, 0.84, 0.85, 0.86, 0.7],
        [0.6, 0.55, 0.56, 0.57, 0.58, 0.54, 0.6, 0.61, 0.62, 0.63, 0.64],
    ]},
    {"kwargs": {"patience": 1, "monitor": "loss"}, "sequences": [
        [3.0, 2.0, 2.5, 1.0], [3.0, 2.0, 1.0, 1.0],
    ]},
]
MIN_DELTA = [
    {"kwargs": {"min_delta": 0.05, "patience": 2}, "sequences": [
        [0.9, 0.84, 0.82, 0.8, 0.78, 0.7, 0.69, 0.68],
        [0.5, 0.9, 0.47, 0.46, 0.3],
    ]},
    {"kwargs": {"min_delta": 0.125, "patience": 1, "mode": "max", "monitor": "val_accuracy"},
     "sequences": [[0.5, 0.75, 0.875, 0.5, 0.9375, 0.875], [0.5, 0.25, 0.75, 0.8125]]},
]
BASELINE = [
    {"kwargs": {"baseline": 0.8, "patience": 3, "monitor": "val_accuracy"}, "sequences": [
        [0.6, 0.7, 0.75, 0.72, 0.74, 0.73, 0.9],
        [0.6, 0.82, 0.81, 0.8, 0.83, 0.79, 0.78, 0.77],
    ]},
]
START_FROM_EPOCH = [
    {"kwargs": {"start_from_epoch": 5, "patience": 0}, "sequences": [
        [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.5, 0.55],
        [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4],
    ]},
]
AUTO_MODE = [
    {"kwargs": {"monitor": "val_auc", "patience": 1, "min_delta": 0.01},
     "sequences": [[0.7, 0.75, 0.755, 0.8, 0.79]]},
    {"kwargs": {"monitor": "accuracy", "patience": 2},
     "sequences": [[0.5, 0.6, 0.55, 0.58, 0.61, 0.6, 0.59]]},
    {"kwargs": {"monitor": "val_loss", "patience": 2},
     "sequences": [[0.5, 0.6, 0.4, 0.45, 0.41]]},
]
RESTORE = [
    {"kwargs": {"patience": 3, "restore_best_weights": True, "monitor": "val_accuracy"},
     "sequences": [[0.5, 0.7, 0.65, 0.7, 0.72, 0.71, 0.7, 0.69, 0.75],
                   [0.9, 0.8, 0.7, 0.6]]},
    {"kwargs": {"patience": 5, "restore_best_weights": True},
     "sequences": [[0.9, 0.8, 0.7, 0.75, 0.6]]},
]

CHECKS = [
    *preprocessing_checks(7, suffix="_hidden", hidden=True, leak_seed=11),
    scripted_check("early_stopping", "patience_hidden", PATIENCE, 2,
                   "patience, other sequences", hidden=True),
    scripted_check("early_stopping", "min_delta_hidden", MIN_DELTA, 2,
                   "min_delta, other sequences and max mode", hidden=True),
    scripted_check("early_stopping", "baseline_hidden", BASELINE, 1,
                   "baseline in max mode", hidden=True),
    scripted_check("early_stopping", "start_from_epoch_hidden", START_FROM_EPOCH, 1,
                   "start_from_epoch with patience 0", hidden=True),
    scripted_check("early_stopping", "auto_mode_hidden", AUTO_MODE, 2,
                   "mode='auto' with AUC, training accuracy and the validation loss",
                   hidden=True),
    scripted_check("early_stopping", "restore_hidden", RESTORE, 2,
                   "restore_best_weights, other sequences", hidden=True),
    reuse_check("reuse_hidden", {"patience": 2, "monitor": "val_accuracy"},
                [[0.5, 0.6, 0.55, 0.5], [0.5, 0.4, 0.45, 0.6, 0.58, 0.57]], hidden=True),
    fit_check("fit_hidden", {"patience": 2, "min_delta": 0.001, "restore_best_weights": True},
              epochs=60, seed=2, learning_rate=0.01, hidden=True),
    gate_check(seed=1, data_seed=1, suffix="_hidden", hidden=True),
]

assert all(c.lab == LAB for c in CHECKS)
