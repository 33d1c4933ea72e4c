"""Public checks of the initializers lab (``dlkit.initializers``).

Random initializers are checked statistically. A probe draws one large
seeded sample (a kernel of 30,000 to 60,000 values) with the student's
initializer and returns summary statistics; the compare function tests them
against the distribution Keras defines for that initializer and shape
(`expected_distribution`: the formulas of ``keras.initializers``, with fans
from `keras_fans`), not against the reference's own sample. Every tolerance
follows from the sample size `n` and a false-failure probability:

- mean: ``|mean - mu| <= Z * sigma / sqrt(n)``, ``Z = 5`` standard errors
  (two-sided normal tail 5.7e-7);
- standard deviation: ``|std - sigma| <= Z * sigma * sqrt((kurtosis - 1) / (4 n))``,
  the normal-theory standard error of a sample standard deviation for a
  distribution of that kurtosis (1.8 uniform, 3 normal, 2.36 truncated);
- bounds, exactly: no draw outside the support (a uniform's limits, a
  truncated normal's two standard deviations); and the extremes must reach
  into the last ``1 - P_TAIL ** (1 / n)`` of probability at either end
  (``P(max < q) = F(q) ** n = P_TAIL``, ``P_TAIL = 1e-7``), which pins a
  uniform's limit to within about ``32 / n`` of its width and shows that a
  ``RandomNormal`` is not truncated; an untruncated normal's extremes must
  also stay below ``F^-1((1 - P_TAIL) ** (1 / n))``;
- shape: a chi-square test over `BINS` bins of equal expected probability
  (edges from the expected quantiles), threshold at p = `P_TAIL`.

A correct initializer thus fails one check with probability below about
2e-6 (a union bound over the tests), and only if it draws a different
random stream than the reference: the draws are seeded, so the same code
gives the same sample every time.
"""

import math
from functools import partial
from statistics import NormalDist

from autograder.core import compare
from autograder.core.catalog import Check

LAB = "initializers"
# The notebook's tasks in order; a check id's second part names one (see core/catalog.py).
TASKS = ("fans", "constant", "symmetry", "random", "glorot", "he")
# The files of src/dlkit this lab's student writes in (and their given code).
MODULES = ("initializers.py",)
Z = 5.0
P_TAIL = 1e-7
BINS = 20
TRUNCATION_STDDEV = 0.87962566103423978  # std of N(0, 1) truncated to [-2, 2]
_PHI = NormalDist()

# Keras's variance-scaling rules: class -> (scale, mode, distribution).
VARIANCE_SCALING = {
    "GlorotUniform": (1.0, "fan_avg", "uniform"),
    "GlorotNormal": (1.0, "fan_avg", "truncated_normal"),
    "HeNormal": (2.0, "fan_in", "truncated_normal"),
    "HeUniform": (2.0, "fan_in", "uniform"),
    "LecunNormal": (1.0, "fan_in", "truncated_normal"),
}


def keras_fans(shape):
    """``(fan_in, fan_out)`` as ``keras.src.initializers.compute_fans`` computes them."""
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def chi2_sf(x, df):
    """``P(X > x)`` for a chi-square variable with `df` degrees of freedom
    (closed forms for integer `df`)."""
    if x <= 0:
        return 1.0
    if df % 2 == 0:
        term = total = math.exp(-x / 2)
        for i in range(1, df // 2):
            term *= (x / 2) / i
            total += term
        return total
    total = math.erfc(math.sqrt(x / 2))
    term = math.sqrt(2 * x / math.pi) * math.exp(-x / 2)
    for i in range(1, (df - 1) // 2 + 1):
        if i > 1:
            term *= x / (2 * i - 1)
        total += term
    return total


def chi2_threshold(df, p=P_TAIL):
    """The chi-square value exceeded with probability `p` (bisection)."""
    low, high = 0.0, 10.0 * df + 200.0
    for _ in range(200):
        mid = (low + high) / 2
        low, high = (mid, high) if chi2_sf(mid, df) > p else (low, mid)
    return high


class Distribution:
    """A weight distribution: ``"normal"`` (`mean`, `sigma`),
    ``"truncated_normal"`` (`mean`, `sigma` before truncation at
    ``mean +- 2 sigma``) or ``"uniform"`` (`low`, `high`)."""

    def __init__(self, kind, *, mean=0.0, sigma=None, low=None, high=None):
        self.kind = kind
        if kind == "uniform":
            self.low, self.high = float(low), float(high)
            self.mean = (self.low + self.high) / 2
            self.std = (self.high - self.low) / math.sqrt(12)
            self.kurtosis = 1.8
            self.bounds = (self.low, self.high)
            return
        self.mean, self.sigma = float(mean), float(sigma)
        if kind == "normal":
            self.std, self.kurtosis, self.bounds = self.sigma, 3.0, None
            return
        # Moments of N(0, 1) truncated to [-a, a]: I_k = -2 a^(k-1) phi(a) + (k-1) I_(k-2).
        a, phi = 2.0, _PHI.pdf(2.0)
        self._mass = _PHI.cdf(a) - _PHI.cdf(-a)
        i2 = -2 * a * phi + self._mass
        i4 = -2 * a**3 * phi + 3 * i2
        m2, m4 = i2 / self._mass, i4 / self._mass
        self.std = self.sigma * math.sqrt(m2)
        self.kurtosis = m4 / m2**2
        self.bounds = (self.mean - a * self.sigma, self.mean + a * self.sigma)

    def cdf(self, x):
        if self.kind == "uniform":
            return min(1.0, max(0.0, (x - self.low) / (self.high - self.low)))
        z = (x - self.mean) / self.sigma
        if self.kind == "normal":
            return _PHI.cdf(z)
        return min(1.0, max(0.0, (_PHI.cdf(z) - _PHI.cdf(-2.0)) / self._mass))

    def ppf(self, q):
        if self.kind == "uniform":
            return self.low + q * (self.high - self.low)
        if self.kind == "normal":
            return self.mean + self.sigma * _PHI.inv_cdf(q)
        return self.mean + self.sigma * _PHI.inv_cdf(_PHI.cdf(-2.0) + q * self._mass)

    def extremes(self, n, p=P_TAIL):
        """``(min_low, min_high, max_low, max_high)``: where the smallest and
        the largest of `n` draws lie, each bound failing with probability `p`."""
        near = -math.expm1(math.log(p) / n)       # F(max_low) = 1 - near: P(max < max_low) = p
        far = -math.expm1(math.log1p(-p) / n)     # P(max > max_high) = p
        if self.bounds:
            return self.low_bound, self.ppf(near), self.ppf(1 - near), self.high_bound
        return self.ppf(far), self.ppf(near), self.ppf(1 - near), self.ppf(1 - far)

    @property
    def low_bound(self):
        return self.bounds[0]

    @property
    def high_bound(self):
        return self.bounds[1]

    def describe(self):
        if self.kind == "uniform":
            return f"U({self.low:.4g}, {self.high:.4g})"
        if self.kind == "normal":
            return f"N({self.mean:.4g}, {self.sigma:.4g}^2), not truncated"
        return (f"a normal with stddev {self.sigma:.4g} truncated at "
                f"{self.mean:.4g} ± {2 * self.sigma:.4g} (std {self.std:.4g})")


def _fans_text(mode, fan_in, fan_out):
    return f"fan_in = {fan_in}" if mode == "fan_in" else f"fan_in = {fan_in}, fan_out = {fan_out}"


def expected_distribution(cls, kwargs, shape):
    """Keras's distribution of ``cls(**kwargs)`` for a weight of `shape`.

    Returns:
        ``(distribution, rule)``: a `Distribution` and the rule in words
        (``"std sqrt(2 / fan_in) = 0.06325 with fan_in = 500"``).
    """
    if cls == "RandomNormal":
        mean, stddev = kwargs.get("mean", 0.0), kwargs.get("stddev", 0.05)
        return (Distribution("normal", mean=mean, sigma=stddev),
                f"N(mean, stddev^2) with mean = {mean:g}, stddev = {stddev:g}, not truncated")
    if cls == "RandomUniform":
        low, high = kwargs.get("minval", -0.05), kwargs.get("maxval", 0.05)
        return (Distribution("uniform", low=low, high=high),
                f"U(minval, maxval) with minval = {low:g}, maxval = {high:g}")
    scale, mode, kind = VARIANCE_SCALING[cls]
    fan_in, fan_out = keras_fans(shape)
    fan = fan_in if mode == "fan_in" else (fan_in + fan_out) / 2
    variance = scale / max(1.0, fan)
    var_text = f"{scale:g} / fan_in" if mode == "fan_in" else f"{2 * scale:g} / (fan_in + fan_out)"
    fans = _fans_text(mode, fan_in, fan_out)
    if kind == "uniform":
        limit = math.sqrt(3 * variance)
        limit_text = f"{3 * scale:g} / fan_in" if mode == "fan_in" else f"{6 * scale:g} / (fan_in + fan_out)"
        return (Distribution("uniform", low=-limit, high=limit),
                f"U(-limit, limit) with limit = sqrt({limit_text}) = {limit:.4g}, {fans}")
    sigma = math.sqrt(variance) / TRUNCATION_STDDEV
    return (Distribution("truncated_normal", sigma=sigma),
            f"std sqrt({var_text}) = {math.sqrt(variance):.4g} with {fans}: a normal with "
            f"stddev sqrt({var_text}) / {TRUNCATION_STDDEV:.4f} = {sigma:.4g} truncated at 2 "
            "stddevs")


def _num(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_sample(dist, rule, got, *, shape, dtype):
    """``(passed, message)`` for the summary of a sample (see the module docstring)."""
    if not isinstance(got, dict):
        return False, f"expected summary statistics, got {type(got).__name__}"
    if got.get("shape") != list(shape):
        return False, f"the weight has shape {got.get('shape')}, expected {list(shape)}"
    if got.get("dtype") != dtype:
        return False, f"the weight has dtype {got.get('dtype')}, expected {dtype}"
    n = got.get("n", 0)
    if got.get("n_nonfinite"):
        return False, f"{got['n_nonfinite']} of the {n} draws are not finite (nan or inf)"
    stats = [got.get(k) for k in ("mean", "std", "min", "max")]
    if not all(_num(v) for v in stats) or not isinstance(got.get("counts"), list):
        return False, f"incomplete statistics: {got!r}"[:300]
    mean, std, low, high = stats
    expected = f"expected {rule}"
    if got.get("fans") and dist.kind != "normal" and "fan_in" in rule:
        expected += f" (your compute_fans gives fan_in = {got['fans'][0]}, fan_out = {got['fans'][1]})"
    tolerance = Z * dist.std / math.sqrt(n)
    if abs(mean - dist.mean) > tolerance:
        return False, (f"mean {mean:.4g} is outside {dist.mean:.4g} ± {tolerance:.2g} "
                       f"({Z:g} standard errors for {n} draws): {expected}")
    tolerance = Z * dist.std * math.sqrt((dist.kurtosis - 1) / (4 * n))
    if abs(std - dist.std) > tolerance:
        return False, (f"std {std:.4g} is outside {dist.std:.4g} ± {tolerance:.2g} "
                       f"({Z:g} standard errors for {n} draws): {expected}")
    if dist.bounds and got.get("beyond"):
        return False, (f"{got['beyond']} of the {n} draws ({got['beyond'] / n:.2%}) lie outside "
                       f"[{dist.bounds[0]:.4g}, {dist.bounds[1]:.4g}] (min {low:.4g}, max "
                       f"{high:.4g}): {expected}")
    min_low, min_high, max_low, max_high = dist.extremes(n)
    where = f"(P = {P_TAIL:g} for {n} draws of {dist.describe()})"
    if high < max_low:
        return False, (f"the largest of the {n} draws is {high:.5g}, below {max_low:.5g} "
                       f"{where}: {expected}")
    if low > min_high:
        return False, (f"the smallest of the {n} draws is {low:.5g}, above {min_high:.5g} "
                       f"{where}: {expected}")
    if not dist.bounds and (high > max_high or low < min_low):
        return False, (f"the draws range over [{low:.5g}, {high:.5g}], beyond "
                       f"[{min_low:.5g}, {max_high:.5g}] {where}: {expected}")
    counts = got["counts"]
    edges = dist.edges
    probabilities = [b - a for a, b in zip([0.0] + [dist.cdf(e) for e in edges],
                                           [dist.cdf(e) for e in edges] + [1.0])]
    if len(counts) != len(probabilities) or sum(counts) != n:
        return False, f"expected {len(probabilities)} bin counts summing to {n}, got {counts}"
    terms = [(c - n * p) ** 2 / (n * p) for c, p in zip(counts, probabilities)]
    statistic, threshold = sum(terms), chi2_threshold(len(counts) - 1)
    if statistic > threshold:
        worst = max(range(len(terms)), key=terms.__getitem__)
        return False, (f"the histogram does not match: chi-square {statistic:.1f} over "
                       f"{len(counts)} bins exceeds {threshold:.1f} (P = {P_TAIL:g}, "
                       f"{len(counts) - 1} degrees of freedom); bin {worst} holds {counts[worst]} "
                       f"draws, expected {n * probabilities[worst]:.0f}: {expected}")
    return True, (f"{n} draws match {dist.describe()}: mean {mean:.4g}, std {std:.4g} "
                  f"(expected {dist.std:.4g}), range [{low:.4g}, {high:.4g}]")


def _round(x):
    return float(f"{x:.10g}")


def snake(cls):
    return "".join("_" + c.lower() if c.isupper() else c for c in cls).lstrip("_")


def _sample_compare(expected, got, *, dist, rule, shape, dtype):
    return check_sample(dist, rule, got, shape=shape, dtype=dtype)


def sample_check(task, cls, kwargs, shape, via, *, name, points=2, hidden=False,
                 dtype="float32", group=None):
    """A distribution check: `cls(**kwargs)` drawn for a weight of `shape`
    (``via`` ``"call"``, ``"dense"``, ``"conv1d"``, ``"conv2d"``, ``"conv3d"``)."""
    dist, rule = expected_distribution(cls, kwargs, shape)
    dist.edges = [_round(dist.ppf((i + 1) / BINS)) for i in range(BINS - 1)]
    args = {"cls": cls, "kwargs": kwargs, "shape": list(shape), "via": via,
            "edges": dist.edges, "bounds": list(dist.bounds) if dist.bounds else None,
            "dtype": dtype}
    where = {"call": "called", "dense": "a Dense kernel", "conv1d": "a Conv1D kernel",
             "conv2d": "a Conv2D kernel", "conv3d": "a Conv3D kernel"}[via]
    return Check(f"{LAB}.{group or task}.{name}", points, "initializers.sample", args,
                 partial(_sample_compare, dist=dist, rule=rule, shape=tuple(shape), dtype=dtype),
                 f"{cls}: {math.prod(shape)} draws for shape {tuple(shape)} ({where}, {dtype}) "
                 f"follow Keras's distribution", hidden)


def _seeds(expected, got, *, title, seed, other_seed):
    if not isinstance(got, dict):
        return False, f"expected a dict, got {type(got).__name__}"
    if not got.get("same_instance_equal"):
        return False, (f"calling one {title}(seed={seed}) twice gives different values: pass "
                       "seed=self.seed to keras.random")
    if not got.get("same_seed_equal"):
        return False, (f"two {title}(seed={seed}) give different values: pass seed=self.seed "
                       "to keras.random")
    if not got.get("other_seed_differs"):
        return False, f"seeds {seed} and {other_seed} give the same values: the seed is not used"
    return True, f"seed {seed} repeats its values, seed {other_seed} gives others"


def seed_check(task, cls, kwargs, shape, seed, other_seed, *, name, hidden=False, group=None):
    return Check(f"{LAB}.{group or task}.{name}", 1, "initializers.seeds",
                 {"cls": cls, "kwargs": kwargs, "shape": list(shape), "seed": seed,
                  "other_seed": other_seed},
                 partial(_seeds, title=cls, seed=seed, other_seed=other_seed),
                 f"{cls}: the same integer seed gives the same values, another seed others",
                 hidden)


def _config(expected, got, *, cls):
    ok, msg = compare.mapping(expected, got, keys=["config", "registered_name", "revived_type"])
    if not ok:
        return ok, msg
    for key, how in (("restored_equal", "from_config(get_config())"),
                     ("revived_equal", "Keras deserialization")):
        if not got.get(key):
            return False, f"a {cls} rebuilt by {how} gives other values than the original"
    return True, f"get_config() round-trips and {cls} is registered as {got['registered_name']}"


def config_check(task, cls, kwargs, shape, *, name):
    return Check(f"{LAB}.{task}.{name}", 1, "initializers.config_roundtrip",
                 {"cls": cls, "kwargs": kwargs, "shape": list(shape)}, partial(_config, cls=cls),
                 f"{cls}: get_config() round trip and Keras registration")


def _save_load(expected, got):
    if not isinstance(got, dict):
        return False, f"expected a dict, got {type(got).__name__}"
    if got.get("loaded_initializers") != got.get("initializers"):
        return False, (f"after .keras save/load the kernel initializers are "
                       f"{got.get('loaded_initializers')}, saved {got.get('initializers')}")
    if not got.get("loaded_equal"):
        return False, "the loaded model's weights differ from the saved model's"
    if not got.get("clone_equal"):
        return False, ("keras.models.clone_model (layers rebuilt from their configs) gives other "
                       "initial weights: the seed does not survive get_config()")
    if got["initializers"] != expected["initializers"]:
        return False, (f"the kernel initializers are {got['initializers']}, expected "
                       f"{expected['initializers']}")
    return True, "saved, loaded and cloned with the same initializers and weights"


def save_load_check(task, conv, dense):
    return Check(f"{LAB}.{task}.save_load", 1, "initializers.save_load",
                 {"conv": conv, "dense": dense}, _save_load,
                 f"a model with {conv[0]} and {dense[0]} kernels saves to .keras, loads back "
                 "and clones with the same weights")


def _errors(expected, got, *, names):
    if not isinstance(got, dict):
        return False, f"expected a dict, got {type(got).__name__}"
    results = list(got.get("cases", [])) + list(got.get("shapes", []))
    if len(results) != len(names):
        return False, f"expected {len(names)} results, got {len(results)}"
    return compare.raised_value_errors(results, names)


def errors_check(task, cls, kwargs, *, cases=(), shapes=(), name="errors", valid_shape=(3, 4)):
    """`cases`: ``(kwargs_update, accepted_names)`` pairs; `shapes`: bad shapes."""
    names = [(f"{cls}({', '.join(f'{k}={v!r}' for k, v in c.items())})", tuple(a))
             for c, a in cases]
    names += [(f"shape={tuple(s)!r}", ("shape",)) for s in shapes]
    return Check(f"{LAB}.{task}.{name}", 1, "initializers.bad_arguments",
                 {"cls": cls, "kwargs": kwargs, "valid_shape": list(valid_shape),
                  "cases": [c for c, _ in cases], "shapes": [list(s) for s in shapes]},
                 partial(_errors, names=names),
                 f"{cls}: bad arguments raise ValueError naming the argument")


def _fans(expected, got, *, shapes):
    if not isinstance(got, list) or len(got) != len(shapes):
        return False, f"expected {len(shapes)} results, got {got!r}"[:300]
    for shape, e, g in zip(shapes, expected, got):
        if not (isinstance(g, list) and len(g) == 2 and g == e):
            shown = tuple(int(v) if _num(v) and v == int(v) else v for v in g) \
                if isinstance(g, list) else g
            return False, (f"shape {tuple(shape)}: expected (fan_in, fan_out) = "
                           f"({int(e[0])}, {int(e[1])}), got {shown}")
    return True, f"(fan_in, fan_out) of {len(shapes)} shapes match"


def fans_check(task, name, shapes, points, what, *, hidden=False, group=None):
    shapes = [list(s) for s in shapes]
    return Check(f"{LAB}.{group or task}.{name}", points, "initializers.fans",
                 {"shapes": shapes}, partial(_fans, shapes=shapes),
                 f"compute_fans of {what}", hidden)


def _constant(expected, got):
    if not isinstance(got, list) or len(got) != len(expected):
        return False, f"expected {len(expected)} results, got {got!r}"[:300]
    for i, (e, g) in enumerate(zip(expected, got)):
        label = f"case {i} (shape {tuple(e['shape'])}, {e['dtype']})"
        for key in ("shape", "dtype"):
            if g.get(key) != e[key]:
                return False, f"{label}: expected {key} {e[key]}, got {g.get(key)}"
        if g.get("values") != e["values"]:
            return False, (f"{label}: every value must be {e['values'][0]:g}; got "
                           f"{g.get('n_values')} distinct values, first {g.get('values')}")
    return True, f"{len(expected)} weights hold exactly the constant"


def constant_check(task, name, cls, kwargs, cases, description, *, hidden=False, group=None):
    return Check(f"{LAB}.{group or task}.{name}", 1, "initializers.constant_values",
                 {"cls": cls, "kwargs": kwargs, "cases": [[list(s), d, v] for s, d, v in cases]},
                 _constant, description, hidden)


def _distinct(expected, got, *, labels):
    if not isinstance(got, list) or len(got) != len(expected):
        return False, f"expected {len(expected)} results, got {got!r}"[:300]
    for label, e, g in zip(labels, expected, got):
        if g != e:
            return False, f"{label}: expected {e} distinct units, got {g!r}"
    return True, f"{len(expected)} layers counted right"


def distinct_check(task, name, cases, *, points, hidden=False, group=None):
    labels = [c.pop("label") for c in cases]
    return Check(f"{LAB}.{group or task}.{name}", points, "initializers.distinct_units",
                 {"cases": cases}, partial(_distinct, labels=labels),
                 "distinct_units on layers with known groups of units", hidden)


def _symmetry(expected, got, *, title):
    if not isinstance(got, dict):
        return False, f"expected a dict, got {type(got).__name__}"
    if all(s == 0 for s in expected["spread"]) and any(s != 0 for s in got.get("spread", [1])):
        return False, (f"with {title} the hidden units should stay identical, but they differ by "
                       f"up to {max(got['spread']):.3g} after training: every kernel value must "
                       "be the constant")
    for key, when in (("before", "before"), ("after", "after")):
        if got.get(key) != expected[key]:
            return False, (f"{when} training with {title}, distinct_units of the three hidden "
                           f"layers gives {got.get(key)}, expected {expected[key]}")
    return True, (f"{title}: {expected['after']} distinct hidden units after training "
                  f"(loss {got.get('loss_first', 0):.3g} -> {got.get('loss_last', 0):.3g})")


def symmetry_check(task, name, initializer, kwargs, *, epochs, seed, points, title,
                   hidden=False, group=None):
    return Check(f"{LAB}.{group or task}.{name}", points, "initializers.symmetry",
                 {"initializer": initializer, "kwargs": kwargs, "epochs": epochs, "seed": seed},
                 partial(_symmetry, title=title),
                 f"the Iris MLP trained from {title}: distinct hidden units before and after",
                 hidden, timeout=120.0)


def initializer_checks(task, cls, *, dense_kwargs, conv_kwargs, dense_shape=(500, 80),
                       conv_shape=(3, 3, 64, 96), seed=1):
    """The public checks of one random initializer class: a Dense and a
    Conv2D kernel's statistics, seeds, and the config round trip."""
    name = snake(cls)
    plain = {k: v for k, v in dense_kwargs.items() if k != "seed"}
    return [
        sample_check(task, cls, dense_kwargs, dense_shape, "dense", name=f"{name}_dense"),
        sample_check(task, cls, conv_kwargs, conv_shape, "conv2d", name=f"{name}_conv2d"),
        seed_check(task, cls, plain, (40, 30), seed, seed + 1, name=f"{name}_seed"),
        config_check(task, cls, {**plain, "seed": seed}, (6, 5), name=f"{name}_config"),
    ]


def _layer(units, groups, **extra):
    return {"fan_in": units, "groups": groups, "jitter": 0.0, "seed": len(groups), **extra}


CHECKS = [
    # Task 1: fans.
    fans_check("fans", "dense", [(5, 3), (784, 10), (1, 1), (10, 1)], 1, "Dense kernels"),
    fans_check("fans", "conv", [(3, 16, 32), (3, 3, 16, 32), (5, 5, 3, 64), (1, 1, 8, 4),
                                (3, 3, 3, 4, 8)], 2, "Conv1D, Conv2D and Conv3D kernels"),
    fans_check("fans", "scalar_vector", [(), (7,), (1,)], 1, "a scalar and vectors"),
    errors_check("fans", "compute_fans", {}, shapes=[(0, 3), (3, -2), (4, 2.5)]),
    # Task 2: constants.
    constant_check("constant", "zeros", "Zeros", {},
                   [((3, 4), "float32", "call"), ((2, 3, 3, 5), "float64", "call")],
                   "Zeros(): every value 0, in the requested shape and dtype"),
    constant_check("constant", "constant", "Constant", {"value": 0.25},
                   [((3, 4), "float32", "call"), ((2, 2, 3, 1), "float64", "call"),
                    ((5,), "float32", "call")],
                   "Constant(0.25): every value 0.25, in the requested shape and dtype"),
    constant_check("constant", "dense_kernel", "Constant", {"value": -1.5},
                   [((5, 8), "float32", "dense"), ((3, 3, 2, 4), "float32", "conv2d")],
                   "Constant(-1.5) as the kernel initializer of a Dense and a Conv2D layer"),
    config_check("constant", "Constant", {"value": 0.25}, (3, 2), name="config"),
    save_load_check("constant", ["Constant", {"value": 0.3}], ["Zeros", {}]),
    # Task 3: why not constants.
    distinct_check("symmetry", "distinct_units", [
        _layer(4, list(range(16)), label="16 different units", seed=1),
        _layer(4, [0] * 16, label="16 copies of one unit"),
        _layer(6, [0, 0, 1, 1, 1, 2, 0, 2], jitter=1e-8, label="3 groups, equal within 1e-8"),
        _layer(5, [0, 1, 0, 1], jitter=1e-8, bias_offsets={"2": 0.5},
               label="units 0 and 2 differ only in the bias"),
        _layer(5, [0, 1, 0, 1], jitter=1e-8, bias_offsets={"2": 0.5}, with_bias=False,
               label="the same kernel without its bias"),
        _layer(8, [0, 1, 2, 0, 1, 2], jitter=0.01, atol=0.05, label="atol=0.05, jitter 0.01"),
        _layer(8, [0, 1, 2, 0, 1, 2], jitter=0.01, atol=1e-4,
               label="atol=1e-4, jitter 0.01: all different"),
        _layer(6, [0, 0, 0, 0], jitter=1e-8, atol=1e-10,
               label="atol=1e-10, units 1e-8 apart: all different (no relative tolerance)"),
        _layer(3, [0, 0, 1], dtype="float32", label="float32 Keras variable", **{"as": "variable"}),
    ], points=2),
    symmetry_check("symmetry", "constant_training", "Constant", {"value": 0.1}, epochs=10, seed=0,
                   points=2, title="Constant(0.1)"),
    symmetry_check("symmetry", "random_training", "keras:glorot_uniform", {}, epochs=10, seed=0,
                   points=1, title="Keras's GlorotUniform"),
    # Task 4: RandomNormal and RandomUniform.
    *initializer_checks("random", "RandomNormal", dense_kwargs={"seed": 11},
                        conv_kwargs={"mean": 0.5, "stddev": 2.0, "seed": 12}, seed=11),
    errors_check("random", "RandomNormal", {"seed": 1},
                 cases=[({"stddev": 0.0}, ["stddev"]), ({"stddev": -0.1}, ["stddev"])],
                 shapes=[(0, 3), (4, -1)], name="random_normal_errors"),
    *initializer_checks("random", "RandomUniform", dense_kwargs={"seed": 21},
                        conv_kwargs={"minval": -0.1, "maxval": 0.3, "seed": 22}, seed=21),
    errors_check("random", "RandomUniform", {"seed": 1},
                 cases=[({"minval": 0.1, "maxval": 0.1}, ["maxval", "minval"]),
                        ({"minval": 1.0, "maxval": -1.0}, ["maxval", "minval"])],
                 shapes=[(2, 0)], name="random_uniform_errors"),
    save_load_check("random", ["RandomUniform", {"minval": -0.2, "maxval": 0.2, "seed": 5}],
                    ["RandomNormal", {"stddev": 0.1, "seed": 6}]),
    # Task 5: Glorot.
    *initializer_checks("glorot", "GlorotUniform", dense_kwargs={"seed": 31},
                        conv_kwargs={"seed": 32}, seed=31),
    *initializer_checks("glorot", "GlorotNormal", dense_kwargs={"seed": 41},
                        conv_kwargs={"seed": 42}, seed=41),
    save_load_check("glorot", ["GlorotNormal", {"seed": 7}], ["GlorotUniform", {"seed": 8}]),
    # Task 6: He and LeCun.
    *initializer_checks("he", "HeNormal", dense_kwargs={"seed": 51}, conv_kwargs={"seed": 52},
                        seed=51),
    *initializer_checks("he", "HeUniform", dense_kwargs={"seed": 61}, conv_kwargs={"seed": 62},
                        seed=61),
    *initializer_checks("he", "LecunNormal", dense_kwargs={"seed": 71}, conv_kwargs={"seed": 72},
                        seed=71),
    save_load_check("he", ["HeNormal", {"seed": 9}], ["LecunNormal", {"seed": 10}]),
]
