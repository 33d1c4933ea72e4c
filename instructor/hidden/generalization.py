"""Hidden variants of the generalization checks: other rates, shapes, axes,
momenta, coefficients, score sets and seeds, and a second seed of each gate."""

from autograder.checks.generalization import (
    batch_norm_checks,
    bn_weights_check,
    deep_gate_check,
    dropout_checks,
    penalty_checks,
    roc_checks,
    save_load_check,
    score_case,
    titanic_gate_check,
    weights,
)

H = "_hidden"

CHECKS = [
    *dropout_checks(
        [("values", 0.7, (3, 2, 5), 101, "float32", None),
         ("values_float64", 0.1, (7, 6), 102, "float64", None),
         ("noise_shape", 0.4, (4, 5, 3), 103, "float32", (1, 5, None))],
        stats=(0.75, (80, 150), 104, 2), seeding=(0.3, (6, 20), 105),
        gradient=(0.6, (2, 3, 4), 106), suffix=H, hidden=True),
    *batch_norm_checks([
        ("dense", {"momentum": 0.6, "epsilon": 0.1}, (10, 7), 111, 5, "float32",
         ("training", "inference", "moving", "gradients")),
        ("axis_0", {"axis": 0, "momentum": 0.95}, (3, 8), 112, 3, "float64",
         ("training", "inference", "moving", "gradients")),
        ("axis_minus_2", {"axis": -2, "momentum": 0.3}, (2, 5, 3, 2), 113, 2, "float32",
         ("training", "inference", "moving")),
        ("no_center", {"center": False, "momentum": 0.5}, (9, 4), 114, 2, "float32",
         ("training", "gradients")),
    ], suffix=H, hidden=True),
    bn_weights_check("weights", {"axis": 0, "center": False}, (3, 8), suffix=H, hidden=True),
    *penalty_checks("l1", "L1", {"l1": 0.3},
                    [weights((3, 2, 2), 121, "float64"), weights((7, 3), 122, zeros=True)],
                    fit_seed=3, suffix=H, hidden=True),
    *penalty_checks("l2", "L2", {"l2": 0.001},
                    [weights((3, 2, 2), 123, "float64"), weights((7, 3), 124, zeros=True)],
                    fit_seed=4, suffix=H, hidden=True),
    *penalty_checks("l1l2", "L1L2", {"l1": 0.5},
                    [weights((3, 2, 2), 125, "float64"), weights((7, 3), 126, zeros=True)],
                    suffix=H, hidden=True),
    *roc_checks([score_case("continuous", 61, 131), score_case("ties", 57, 132),
                 score_case("column", 25, 133), score_case("ties", 9, 134)],
                suffix=H, hidden=True),
    save_load_check(1, suffix=H, hidden=True),
    titanic_gate_check(1, 1, suffix=H, hidden=True, points=2),
    deep_gate_check(1, suffix=H, hidden=True, points=2),
]
