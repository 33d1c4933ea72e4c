"""Hidden variants of the losses checks: other shapes, seeds and arguments,
the answers of the output-layer question, and a second gate seed."""

from functools import partial

from autograder.checks.losses import (
    LAB,
    activation_checks,
    case,
    gate_check,
    loss_checks,
    softmax_checks,
)
from autograder.core.catalog import Check

# The lecture's table. "multiclass" also accepts the sparse loss (integer labels).
ACCEPTED = {
    "regression": {("linear", "MeanSquaredError"), ("linear", "MeanAbsoluteError")},
    "binary": {("sigmoid", "BinaryCrossentropy")},
    "multiclass": {("softmax", "CategoricalCrossentropy"),
                   ("softmax", "SparseCategoricalCrossentropy")},
    "multilabel": {("sigmoid", "BinaryCrossentropy")},
}
PROBLEM_TEXT = {
    "regression": "regression (real-valued targets)",
    "binary": "binary classification (one output unit)",
    "multiclass": "multi-class classification (exactly one of K classes)",
    "multilabel": "multi-label classification (any subset of K labels)",
}


def _choice(expected, got, problem):
    answer = (got or {}).get(problem) if isinstance(got, dict) else None
    if answer is None:
        return False, f"{PROBLEM_TEXT[problem]}: no answer"
    if tuple(answer) in ACCEPTED[problem]:
        return True, f"{PROBLEM_TEXT[problem]}: {tuple(answer)} is right"
    return False, (f"{PROBLEM_TEXT[problem]}: got {tuple(answer)}, expected "
                   f"{tuple(expected[problem])}")


HIDDEN_X = [{"seed": 101, "shape": [3, 7], "scale": 4.0}, [-7.5, -0.01, 0.01, 7.5]]

CHECKS = [
    *activation_checks("sigmoid", xs=HIDDEN_X, hidden=True, suffix="_hidden"),
    *activation_checks("tanh", xs=HIDDEN_X, hidden=True, suffix="_hidden"),
    *activation_checks("relu", xs=HIDDEN_X, hidden=True, suffix="_hidden"),
    *activation_checks("leaky_relu", {"alpha": 0.05}, xs=HIDDEN_X, hidden=True,
                       suffix="_hidden"),
    *softmax_checks("values", [{"seed": 102, "shape": [2, 3, 6], "scale": 3.0}],
                    hidden=True, suffix="_hidden"),
    *softmax_checks("axis", [{"seed": 103, "shape": [3, 4, 2], "scale": 2.0}], axis=1,
                    hidden=True, suffix="_hidden"),
    *softmax_checks("overflow", [[[500.0, 800.0, 1e4, 9999.0]], [-1e4, -9990.0, -9995.0]],
                    hidden=True, suffix="_hidden",
                    title="softmax of inputs up to 1e4 in magnitude: finite"),
    *loss_checks("regression", "mse_hidden", "MeanSquaredError", {},
                 cases=[case("real", (2, 2, 3, 4), 201), case("real", (7, 1), 202)],
                 gradients=[case("real", (2, 3, 4), 203)], config=False, hidden=True),
    *loss_checks("regression", "mae_hidden", "MeanAbsoluteError", {},
                 cases=[case("real", (2, 2, 3, 4), 204), case("real", (7, 1), 205)],
                 gradients=[case("real", (2, 3, 4), 206)], config=False, hidden=True),
    *loss_checks("regression", "msle_hidden", "MeanSquaredLogarithmicError", {},
                 cases=[case("nonnegative", (2, 5, 3), 207)],
                 edge=[case("msle_edge", (3, 2, 4), 208)],
                 gradients=[case("nonnegative", (2, 3, 4), 209)], config=False, hidden=True),
    *loss_checks("binary", "bce_hidden", "BinaryCrossentropy", {"label_smoothing": 0.35},
                 cases=[case("binary_probs", (2, 5, 3), 211)],
                 edge=[case("binary_edge", (3, 2, 4), 212)],
                 gradients=[case("binary_probs", (2, 3, 4), 213),
                            case("binary_edge", (3, 5), 214)], config=False, hidden=True),
    *loss_checks("binary", "bce_logits_hidden", "BinaryCrossentropy", {"from_logits": True},
                 cases=[case("binary_logits", (2, 5, 3), 215)],
                 edge=[case("binary_huge", (3, 2, 4), 216)],
                 gradients=[case("binary_huge", (2, 3, 4), 217)], config=False, hidden=True),
    *loss_checks("categorical", "cce_hidden", "CategoricalCrossentropy",
                 {"label_smoothing": 0.25},
                 cases=[case("onehot_probs", (2, 4, 6), 221)],
                 edge=[case("onehot_edge", (3, 4, 5), 222)],
                 gradients=[case("onehot_probs", (4, 6), 223), case("onehot_edge", (4, 6), 224)],
                 config=False, hidden=True),
    *loss_checks("categorical", "cce_logits_hidden", "CategoricalCrossentropy",
                 {"from_logits": True, "label_smoothing": 0.15},
                 cases=[case("onehot_logits", (2, 4, 6), 225)],
                 edge=[case("onehot_huge", (3, 4, 5), 226)],
                 gradients=[case("onehot_huge", (4, 6), 227)], config=False, hidden=True),
    *loss_checks("categorical", "scce_hidden", "SparseCategoricalCrossentropy",
                 {"from_logits": True},
                 cases=[case("sparse_onehot_logits", (2, 4, 6), 228),
                        case("sparse_col_onehot_logits", (5, 7), 229)],
                 edge=[case("sparse_onehot_huge", (3, 4, 5), 230)],
                 gradients=[case("sparse_onehot_huge", (4, 6), 231)], config=False, hidden=True),
    *loss_checks("hinge_kl", "hinge_hidden", "Hinge", {},
                 cases=[case("zero_one", (2, 5, 3), 241), case("signed", (7, 1), 242)],
                 gradients=[case("zero_one", (2, 3, 4), 243)], config=False, hidden=True),
    *loss_checks("hinge_kl", "squared_hinge_hidden", "SquaredHinge", {},
                 cases=[case("zero_one", (2, 5, 3), 244), case("signed", (7, 1), 245)],
                 gradients=[case("zero_one", (2, 3, 4), 246)], config=False, hidden=True),
    *loss_checks("hinge_kl", "kl_hidden", "KLDivergence", {},
                 cases=[case("distributions", (2, 4, 6), 247)],
                 edge=[case("distributions_edge", (3, 4, 5), 248)],
                 gradients=[case("distributions_edge", (4, 6), 249)], config=False, hidden=True),
    *[Check(f"{LAB}.output_choices.{problem}_hidden", 1,
            "losses.output_choices_answers", {"problems": sorted(ACCEPTED)},
            partial(_choice, problem=problem),
            f"output_choices(): the output activation and loss for {PROBLEM_TEXT[problem]}",
            hidden=True)
      for problem in sorted(ACCEPTED)],
    gate_check(1, hidden=True, suffix="_hidden", points=2),
]
