"""Hidden variants of the schedules checks: other hyperparameters, longer runs."""

from autograder.checks.schedules import schedule_checks

CHECKS = [
    *schedule_checks("step_decay", "StepDecay",
                     {"initial_learning_rate": 0.3, "drop": 0.8, "epochs_per_drop": 4},
                     epochs=17, hidden=True, suffix="_hidden"),
    *schedule_checks("inverse_time", "InverseTimeDecay",
                     {"initial_learning_rate": 0.05, "decay_rate": 0.37, "per": "batch"},
                     epochs=4, batches_per_epoch=6, hidden=True, suffix="_hidden"),
    *schedule_checks("exponential", "ExponentialDecay",
                     {"initial_learning_rate": 0.02, "decay_rate": 0.11},
                     epochs=15, hidden=True, suffix="_hidden"),
    *schedule_checks("cyclic", "CyclicLR",
                     {"base_lr": 0.0005, "max_lr": 0.01, "step_size": 5, "mode": "triangular2"},
                     epochs=4, batches_per_epoch=9, hidden=True, suffix="_hidden"),
    *schedule_checks("cyclic", "CyclicLR",
                     {"base_lr": 0.002, "max_lr": 0.004, "step_size": 2, "mode": "exp_range",
                      "gamma": 0.9},
                     epochs=3, batches_per_epoch=5, hidden=True, suffix="_hidden_exp_range"),
]
