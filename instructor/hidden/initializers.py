"""Hidden variants of the initializers checks: other shapes (Conv1D and
Conv3D kernels, float64), seeds and hyperparameters."""

from functools import partial

from autograder.checks.initializers import (
    _layer,
    constant_check,
    distinct_check,
    fans_check,
    sample_check,
    seed_check,
    snake,
    symmetry_check,
)

CONV1D = (5, 48, 160)         # fan_in 240, fan_out 800
CONV3D = (3, 3, 3, 24, 64)    # fan_in 648, fan_out 1728


def _variance_scaling(task, cls, seed):
    checks = partial(sample_check, task, hidden=True, group=f"{task}_hidden")
    return [
        checks(cls, {"seed": seed}, CONV1D, "conv1d", name=f"{snake(cls)}_conv1d"),
        checks(cls, {"seed": seed + 1}, CONV3D, "call", name=f"{snake(cls)}_conv3d",
               dtype="float64"),
    ]


CHECKS = [
    fans_check("fans", "dense", [(1000, 37), (2, 512), (37, 1000)], 1, "other Dense kernels",
               hidden=True, group="fans_hidden"),
    fans_check("fans", "conv", [(7, 1, 1), (2, 4, 6, 8), (11, 11, 3, 96), (1, 2, 3, 4, 5)], 2,
               "other convolution kernels", hidden=True, group="fans_hidden"),
    constant_check("constant", "zeros", "Zeros", {},
                   [((), "float32", "call"), ((1, 1, 1), "float64", "call")],
                   "Zeros() for a scalar and a 3-D weight", hidden=True, group="constant_hidden"),
    constant_check("constant", "constant", "Constant", {"value": 7},
                   [((2, 3, 4), "float32", "call"), ((6,), "float64", "call")],
                   "Constant(7), an integer value, in float dtypes", hidden=True,
                   group="constant_hidden"),
    distinct_check("symmetry", "distinct_units", [
        _layer(10, [0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 3, 3], jitter=1e-7,
               label="8 groups of 12 units, equal within 1e-7"),
        _layer(2, [0, 0, 0, 0, 1], jitter=1e-3, atol=1e-2, label="atol=1e-2, jitter 1e-3"),
        _layer(3, [0, 0, 0], bias_offsets={"1": 1e-3, "2": 2e-3}, label="biases 1e-3 apart"),
        _layer(7, [0], label="a single unit", **{"as": "list"}),
    ], points=1, hidden=True, group="symmetry_hidden"),
    symmetry_check("symmetry", "constant_training", "Constant", {"value": 0.05}, epochs=8,
                   seed=3, points=1, title="Constant(0.05)", hidden=True,
                   group="symmetry_hidden"),
    sample_check("random", "RandomNormal", {"mean": -1.0, "stddev": 0.01, "seed": 13},
                 (200, 250), "call", name="random_normal_call", dtype="float64", hidden=True,
                 group="random_hidden"),
    sample_check("random", "RandomNormal", {"stddev": 0.3, "seed": 14}, CONV1D, "conv1d",
                 name="random_normal_conv1d", hidden=True, group="random_hidden"),
    seed_check("random", "RandomNormal", {"stddev": 1.0}, (7, 9, 3), 101, 202,
               name="random_normal_seed", hidden=True, group="random_hidden"),
    sample_check("random", "RandomUniform", {"minval": 2.0, "maxval": 5.0, "seed": 23},
                 (40, 1000), "call", name="random_uniform_call", dtype="float64", hidden=True,
                 group="random_hidden"),
    sample_check("random", "RandomUniform", {"minval": -1.0, "maxval": 0.0, "seed": 24}, CONV1D,
                 "conv1d", name="random_uniform_conv1d", hidden=True, group="random_hidden"),
    seed_check("random", "RandomUniform", {"minval": 0.0, "maxval": 1.0}, (7, 9, 3), 303, 304,
               name="random_uniform_seed", hidden=True, group="random_hidden"),
    *_variance_scaling("glorot", "GlorotUniform", 35),
    *_variance_scaling("glorot", "GlorotNormal", 45),
    *_variance_scaling("he", "HeNormal", 55),
    *_variance_scaling("he", "HeUniform", 65),
    *_variance_scaling("he", "LecunNormal", 75),
]
