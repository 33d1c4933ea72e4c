"""Planted bugs of the losses lab (``dlkit.activations``, ``dlkit.losses``)."""

from instructor.demo import PlantedBug

BUGS = (
    PlantedBug(
        "losses", "bug_sigmoid_derivative_of_output", "activations.py",
        "return s * (1.0 - s)",
        "return s * (1.0 - x)",
        ("losses.activations.sigmoid.derivative", "losses.activations.sigmoid.derivative_hidden"),
        "writes sigmoid'(x) as sigmoid(x) * (1 - x), mixing up the input and the output",
    ),
    PlantedBug(
        "losses", "bug_softmax_no_shift", "activations.py",
        "shifted = x - np.max(x, axis=axis, keepdims=True)",
        "shifted = x",
        ("losses.softmax.overflow", "losses.softmax.overflow_hidden"),
        "exponentiates the raw scores: exp(1000) overflows to inf and the result is nan",
    ),
    PlantedBug(
        "losses", "bug_mse_axis_1", "losses.py",
        "return ops.mean(ops.square(y_true - y_pred), axis=-1)",
        "return ops.mean(ops.square(y_true - y_pred), axis=1)",
        ("losses.regression.mse.values", "losses.regression.mse_hidden.values"),
        "averages over axis 1, which is the last axis only for 2-D inputs (the mean over "
        "all elements, and so the gradient, stays the same)",
    ),
    PlantedBug(
        "losses", "bug_cce_no_clip", "losses.py",
        "        p = ops.clip(p, epsilon, 1.0 - epsilon)\n",
        "",
        ("losses.categorical.cce.edge", "losses.categorical.cce.gradients",
         "losses.categorical.cce_smoothing.edge", "losses.categorical.scce.edge",
         "losses.categorical.cce_hidden.edge", "losses.categorical.cce_hidden.gradients"),
        "takes log(p) without clipping: a probability of exactly 0 gives inf or nan",
    ),
    PlantedBug(
        "losses", "bug_bce_logits_via_sigmoid", "losses.py",
        "per_element = ops.softplus(y_pred) - y_true * y_pred",
        "per_element = -(y_true * ops.log(ops.sigmoid(y_pred))"
        " + (1.0 - y_true) * ops.log(1.0 - ops.sigmoid(y_pred)))",
        ("losses.binary.bce_logits.*", "losses.binary.bce_logits_smoothing.*",
         "losses.binary.bce_logits_hidden.*"),
        "applies the sigmoid and then the log: in float32 sigmoid(25) is exactly 1, and "
        "log(1 - 1) = -inf",
    ),
    PlantedBug(
        "losses", "bug_cce_smoothing_k_minus_1", "losses.py",
        "self.label_smoothing / num_classes",
        "self.label_smoothing / (num_classes - 1)",
        ("losses.categorical.cce_smoothing.values", "losses.categorical.cce_smoothing.edge",
         "losses.categorical.cce_smoothing.gradients", "losses.categorical.cce_hidden.*",
         "losses.categorical.cce_logits_hidden.*"),
        "spreads the smoothing over the K - 1 wrong classes only: the labels no longer sum to 1",
    ),
    PlantedBug(
        "losses", "bug_hinge_01_labels", "losses.py",
        "        y_true = to_signed_labels(y_true)\n"
        "        return ops.mean(ops.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)",
        "        return ops.mean(ops.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)",
        ("losses.hinge_kl.hinge.values", "losses.hinge_kl.hinge.gradients",
         "losses.hinge_kl.hinge_hidden.*"),
        "uses 0/1 labels as they are: a 0 label never penalizes any score",
    ),
    PlantedBug(
        "losses", "bug_label_smoothing_not_validated", "losses.py",
        "(both imported at the top, from dlkit._validation).\n"
        "        check_bool(\"from_logits\", from_logits)\n"
        "        check_fraction(\"label_smoothing\", label_smoothing)\n",
        "(both imported at the top, from dlkit._validation).\n"
        "        check_bool(\"from_logits\", from_logits)\n",
        ("losses.binary.bce.errors",),
        "accepts label_smoothing outside [0, 1], labels that are no longer probabilities",
    ),
)
