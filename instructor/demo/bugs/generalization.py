"""Planted bugs of the generalization lab (``dlkit.layers``,
``dlkit.regularizers``, ``dlkit.metrics.roc_curve`` / ``roc_auc``)."""

from instructor.demo import PlantedBug

LAB = "generalization"
_DROPOUT_VALUES = tuple(f"{LAB}.dropout.{what}" for what in (
    "values", "values_3d", "values_float16", "noise_shape", "keep_rate", "gradient")) + tuple(
    f"{LAB}.dropout_hidden.{what}" for what in (
        "values", "values_float64", "noise_shape", "keep_rate", "gradient"))

BUGS = (
    PlantedBug(
        LAB, "bug_dropout_scales_by_keep", "layers.py",
        "return ops.where(draws < keep, inputs / keep, ops.zeros_like(inputs))",
        "return ops.where(draws < keep, inputs * keep, ops.zeros_like(inputs))",
        _DROPOUT_VALUES,
        "multiplies the kept units by 1 - rate (the test-time rule of the original paper) "
        "instead of dividing: at inference every activation is too large by 1 / (1 - rate)^2",
    ),
    PlantedBug(
        LAB, "bug_bn_moving_statistics_never_updated", "layers.py",
        "            m = self.momentum\n"
        "            self.moving_mean.assign(self.moving_mean * m\n"
        "                                    + ops.cast(mean, self.moving_mean.dtype) * (1.0 - m))\n"
        "            self.moving_variance.assign(self.moving_variance * m\n"
        "                                        + ops.cast(variance, self.moving_variance.dtype)\n"
        "                                        * (1.0 - m))\n",
        "",
        (f"{LAB}.batch_norm.*_moving", f"{LAB}.batch_norm_hidden.*_moving",
         f"{LAB}.deep_sigmoid.test_accuracy", f"{LAB}.deep_sigmoid_hidden.test_accuracy"),
        "normalizes with the batch statistics but never updates the moving ones: training "
        "works, and inference normalizes with mean 0 and variance 1",
    ),
    PlantedBug(
        LAB, "bug_bn_epsilon_outside_sqrt", "layers.py",
        "/ ops.sqrt(self.broadcast(variance) + self.epsilon)",
        "/ (ops.sqrt(self.broadcast(variance)) + self.epsilon)",
        (f"{LAB}.batch_norm.dense_training", f"{LAB}.batch_norm.dense_inference",
         f"{LAB}.batch_norm.dense_gradients", f"{LAB}.batch_norm.channels_last_training",
         f"{LAB}.batch_norm.channels_last_inference", f"{LAB}.batch_norm.axis_1_training",
         f"{LAB}.batch_norm.axis_1_inference", f"{LAB}.batch_norm.axis_1_gradients",
         f"{LAB}.batch_norm.no_center_scale_training",
         f"{LAB}.batch_norm.no_center_scale_inference",
         f"{LAB}.batch_norm_hidden.*_training", f"{LAB}.batch_norm_hidden.*_inference",
         f"{LAB}.batch_norm_hidden.*_gradients"),
        "adds epsilon after the square root, sqrt(var) + eps, as some papers write it; Keras "
        "(and the docstring) put it inside, sqrt(var + eps)",
    ),
    PlantedBug(
        LAB, "bug_l1_without_abs", "regularizers.py",
        "return self.l1 * ops.sum(ops.abs(weights))",
        "return self.l1 * ops.sum(weights)",
        (f"{LAB}.penalties.l1_*", f"{LAB}.penalties_hidden.l1_*"),
        "sums the weights instead of their absolute values: positive and negative weights "
        "cancel, and the gradient pushes every weight down instead of towards 0",
    ),
    PlantedBug(
        LAB, "bug_l2_without_coefficient", "regularizers.py",
        "return self.l2 * ops.sum(ops.square(weights))",
        "return ops.sum(ops.square(weights))",
        (f"{LAB}.penalties.l2_*", f"{LAB}.penalties_hidden.l2_*",
         f"{LAB}.titanic.test_accuracy", f"{LAB}.titanic_hidden.test_accuracy"),
        "forgets to multiply by l2: the penalty is 1000 times too strong for L2(1e-3) and "
        "crushes the weights to 0",
    ),
    PlantedBug(
        LAB, "bug_roc_one_point_per_sample", "metrics.py",
        "last = np.r_[np.flatnonzero(np.diff(ranked)), ranked.size - 1]",
        "last = np.arange(ranked.size)",
        (f"{LAB}.roc.curve", f"{LAB}.roc.auc", f"{LAB}.roc_hidden.curve",
         f"{LAB}.roc_hidden.auc"),
        "puts one point on the curve per sample: tied scores become a staircase whose shape "
        "depends on the order of the tied samples, not one diagonal step",
    ),
)
