"""Planted bugs of the initializers lab (``dlkit.initializers``)."""

from instructor.demo import PlantedBug

# Every distribution check of a variance-scaling initializer on a
# convolution kernel (public Conv2D, hidden Conv1D and Conv3D shapes).
_CONV_VARIANCE_SCALING = ("initializers.glorot.*_conv2d", "initializers.glorot_hidden.*",
                          "initializers.he.*_conv2d", "initializers.he_hidden.*")

BUGS = (
    PlantedBug(
        "initializers", "bug_initializers_he_fan_out", "initializers.py",
        "stddev = math.sqrt(2.0 / fan_in) / TRUNCATION_STDDEV",
        "stddev = math.sqrt(2.0 / fan_out) / TRUNCATION_STDDEV",
        ("initializers.he.he_normal_dense", "initializers.he.he_normal_conv2d",
         "initializers.he_hidden.he_normal_*"),
        "scales HeNormal by fan_out (PyTorch's mode='fan_out') instead of fan_in",
    ),
    PlantedBug(
        "initializers", "bug_initializers_conv_fans_no_receptive_field", "initializers.py",
        "receptive_field = math.prod(shape[:-2])",
        "receptive_field = 1",
        ("initializers.fans.conv", "initializers.fans_hidden.conv", *_CONV_VARIANCE_SCALING),
        "takes the channel counts of a convolution kernel as its fans, ignoring the "
        "receptive field (kernel height x width)",
    ),
    PlantedBug(
        "initializers", "bug_initializers_glorot_normal_untruncated", "initializers.py",
        "stddev = math.sqrt(2.0 / (fan_in + fan_out)) / TRUNCATION_STDDEV\n"
        "        return keras.random.truncated_normal(",
        "stddev = math.sqrt(2.0 / (fan_in + fan_out))\n"
        "        return keras.random.normal(",
        ("initializers.glorot.glorot_normal_dense", "initializers.glorot.glorot_normal_conv2d",
         "initializers.glorot_hidden.glorot_normal_*"),
        "draws GlorotNormal from an untruncated normal: the right standard deviation, but "
        "values beyond two standard deviations",
    ),
    PlantedBug(
        "initializers", "bug_initializers_glorot_uniform_fan_in_limit", "initializers.py",
        "limit = math.sqrt(6.0 / (fan_in + fan_out))",
        "limit = math.sqrt(3.0 / fan_in)",
        ("initializers.glorot.glorot_uniform_dense", "initializers.glorot.glorot_uniform_conv2d",
         "initializers.glorot_hidden.glorot_uniform_*"),
        "uses the uniform limit sqrt(3 / fan_in) (LeCun's variance) for Glorot instead of "
        "sqrt(6 / (fan_in + fan_out))",
    ),
    PlantedBug(
        "initializers", "bug_initializers_glorot_lecture_rule", "initializers.py",
        "limit = math.sqrt(6.0 / (fan_in + fan_out))",
        "limit = 1.0 / math.sqrt(fan_in)",
        ("initializers.glorot.glorot_uniform_dense", "initializers.glorot.glorot_uniform_conv2d",
         "initializers.glorot_hidden.glorot_uniform_*"),
        "uses the lecture's heuristic U(-1/sqrt(n), 1/sqrt(n)) instead of Keras's "
        "GlorotUniform limit",
    ),
    PlantedBug(
        "initializers", "bug_initializers_uniform_seed_ignored", "initializers.py",
        "return keras.random.uniform(shape, minval=self.minval, maxval=self.maxval, dtype=dtype,\n"
        "                                    seed=self.seed)",
        "return keras.random.uniform(shape, minval=self.minval, maxval=self.maxval, dtype=dtype)",
        ("initializers.random.random_uniform_seed", "initializers.random.random_uniform_config",
         "initializers.random.save_load", "initializers.random_hidden.random_uniform_seed"),
        "never passes the seed to keras.random.uniform, so RandomUniform(seed=s) is not "
        "repeatable",
    ),
    PlantedBug(
        "initializers", "bug_initializers_distinct_units_ignores_bias", "initializers.py",
        "    if bias is not None:\n        units = np.concatenate(",
        "    if False:\n        units = np.concatenate(",
        ("initializers.symmetry.distinct_units", "initializers.symmetry_hidden.distinct_units"),
        "compares only the kernel columns, so units that differ in their bias count as one",
    ),
)
