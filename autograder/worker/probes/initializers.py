"""Probes of the initializers lab (``dlkit.initializers``).

The distribution probes draw a large seeded sample with the student's
initializer and return summary statistics of it (never an expected value):
the grader compares them with Keras's definition of the distribution
(``autograder/checks/initializers.py``). `edges` and `bounds` are the
measurement grid the check chose: the sample is counted in the bins
between the `edges`, and the draws outside `bounds` are counted.
"""

import importlib
import os
import tempfile
from pathlib import Path

import numpy as np

from ._common import given, outcome
from ._training import fit

GRADER_DATASETS = Path(__file__).resolve().parents[3] / "datasets"

def _module():
    return importlib.import_module("dlkit.initializers")


def _initializer(cls, kwargs):
    return getattr(_module(), cls)(**kwargs)


def _numpy(values):
    import keras

    return np.asarray(keras.ops.convert_to_numpy(values))


def draw(initializer, shape, via="call", dtype="float32"):
    """Values of `initializer` for a weight of `shape`.

    `via`: ``"call"`` calls ``initializer(shape, dtype=dtype)``; ``"dense"``
    builds ``Dense(shape[1])`` on ``shape[0]`` inputs and ``"conv1d"`` /
    ``"conv2d"`` / ``"conv3d"`` build the convolution whose kernel has
    `shape` (channels-last); these return the layer's kernel.
    """
    import keras

    shape = tuple(shape)
    if via == "call":
        values = initializer(shape, dtype=dtype)
    elif via == "dense":
        layer = keras.layers.Dense(shape[1], kernel_initializer=initializer, dtype=dtype)
        layer.build((None, shape[0]))
        values = layer.kernel
    elif via.startswith("conv"):
        rank = int(via[-2])
        conv = {1: keras.layers.Conv1D, 2: keras.layers.Conv2D, 3: keras.layers.Conv3D}[rank]
        layer = conv(shape[-1], shape[:rank], kernel_initializer=initializer, dtype=dtype)
        layer.build((None, *[16] * rank, shape[-2]))
        values = layer.kernel
    else:
        raise ValueError(f"Unknown way to draw. Received: via={via!r}")
    return values


def _finite(value):
    value = float(value)
    return value if np.isfinite(value) else None


def summarize(values, edges, bounds=None):
    """Summary statistics of a sample (float64 arithmetic).

    Returns ``{"shape", "dtype", "n", "n_nonfinite", "mean", "std", "min",
    "max", "counts", "beyond"}``: ``std`` has ``ddof=1``; ``counts[i]`` is
    the number of draws in ``(edges[i - 1], edges[i]]`` (the first and last
    bins are open); ``beyond`` the number of draws outside `bounds`
    (``[low, high]`` widened by 1e-6 relative for float32 rounding), or None.
    """
    array = _numpy(values)
    flat = array.astype(np.float64).ravel()
    finite = flat[np.isfinite(flat)]
    result = {
        "shape": list(array.shape),
        "dtype": str(array.dtype),
        "n": int(flat.size),
        "n_nonfinite": int(flat.size - finite.size),
        "mean": None, "std": None, "min": None, "max": None, "counts": None, "beyond": None,
    }
    if finite.size < 2:
        return result
    result.update(
        mean=_finite(finite.mean()), std=_finite(finite.std(ddof=1)),
        min=_finite(finite.min()), max=_finite(finite.max()),
        counts=np.bincount(np.searchsorted(np.asarray(edges, np.float64), finite, side="left"),
                           minlength=len(edges) + 1).tolist(),
    )
    if bounds is not None:
        low, high = bounds
        slack = 1e-6 * max(abs(low), abs(high))
        result["beyond"] = int(np.sum((finite < low - slack) | (finite > high + slack)))
    return result


def _fans_or_none(shape):
    try:
        fans = _module().compute_fans(tuple(shape))
        return [int(fans[0]), int(fans[1])]
    except Exception:  # noqa: BLE001 - only shown in messages
        return None


def sample(cls, kwargs, shape, via, edges, bounds=None, dtype="float32"):
    """Draws a weight of `shape` with ``cls(**kwargs)`` (see `draw`) and
    returns its summary statistics, plus the student's ``compute_fans(shape)``
    (None when it fails: only used in messages)."""
    values = draw(_initializer(cls, kwargs), shape, via, dtype)
    return {**summarize(values, edges, bounds), "fans": _fans_or_none(shape)}


def seeds(cls, kwargs, shape, seed, other_seed):
    """Whether equal integer seeds give equal values and others differ."""
    klass = getattr(_module(), cls)
    first = klass(**kwargs, seed=seed)
    a = _numpy(first(tuple(shape)))
    again = _numpy(first(tuple(shape)))
    b = _numpy(klass(**kwargs, seed=seed)(tuple(shape)))
    c = _numpy(klass(**kwargs, seed=other_seed)(tuple(shape)))
    return {
        "shape": list(a.shape),
        "same_instance_equal": bool(np.array_equal(a, again)),
        "same_seed_equal": bool(np.array_equal(a, b)),
        "other_seed_differs": bool(a.shape == c.shape and not np.array_equal(a, c)),
    }


def constant_values(cls, kwargs, cases):
    """Shape, dtype and distinct values of ``cls(**kwargs)`` for every
    ``[shape, dtype, via]`` case."""
    results = []
    for shape, dtype, via in cases:
        array = _numpy(draw(_initializer(cls, kwargs), shape, via, dtype))
        unique = np.unique(array.astype(np.float64))
        results.append({"shape": list(array.shape), "dtype": str(array.dtype),
                        "values": [float(v) for v in unique[:5]], "n_values": int(unique.size)})
    return results


def config_roundtrip(cls, kwargs, shape):
    """``get_config`` / ``from_config`` and Keras (de)serialization."""
    import keras

    klass = getattr(_module(), cls)
    original = klass(**kwargs)
    config = original.get_config()
    restored = klass.from_config(config)
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(original))
    values = _numpy(original(tuple(shape)))
    return {
        "config": {k: config[k] for k in sorted(config)},
        "registered_name": keras.saving.get_registered_name(klass),
        "revived_type": type(revived).__name__,
        "restored_equal": bool(np.array_equal(values, _numpy(restored(tuple(shape))))),
        "revived_equal": bool(np.array_equal(values, _numpy(revived(tuple(shape))))),
    }


def save_load(conv, dense):
    """A ``Conv2D`` and a ``Dense`` layer built with the student's
    initializers (``[cls, kwargs]`` each), saved to ``.keras`` and loaded
    back without ``custom_objects``; and the model cloned from its config."""
    import keras

    # A functional model: Sequential would swallow an error of the
    # initializer (NotImplementedError) and stay unbuilt, without weights.
    inputs = keras.Input((6, 6, 2))
    x = keras.layers.Conv2D(4, 3, kernel_initializer=_initializer(*conv))(inputs)
    x = keras.layers.Flatten()(x)
    model = keras.Model(inputs, keras.layers.Dense(5, kernel_initializer=_initializer(*dense))(x))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
    clone = keras.models.clone_model(model)

    def initializers(which):
        return [[type(layer.kernel_initializer).__name__,
                 keras.saving.get_registered_name(type(layer.kernel_initializer)),
                 {k: v for k, v in sorted(layer.kernel_initializer.get_config().items())}]
                for layer in which.layers if hasattr(layer, "kernel_initializer")]

    def same(a, b):
        return all(np.array_equal(x, y) for x, y in zip(a.get_weights(), b.get_weights()))

    return {"initializers": initializers(model), "loaded_initializers": initializers(loaded),
            "loaded_equal": same(model, loaded), "clone_equal": same(model, clone)}


def bad_arguments(cls, kwargs, valid_shape, cases=(), shapes=()):
    """``cls(**kwargs)(valid_shape)`` must work (its errors propagate);
    then each bad constructor case in `cases` and each bad shape in `shapes`
    is tried and what it raised is reported. ``cls="compute_fans"`` tries
    the function on the shapes."""
    module = _module()
    if cls == "compute_fans":
        module.compute_fans(tuple(valid_shape))
        return {"cases": [], "shapes": [outcome(lambda s=s: module.compute_fans(s))
                                        for s in shapes]}
    klass = getattr(module, cls)
    _numpy(klass(**kwargs)(tuple(valid_shape)))
    return {
        "cases": [outcome(lambda c=c: klass(**{**kwargs, **c})) for c in cases],
        "shapes": [outcome(lambda s=s: klass(**kwargs)(s)) for s in shapes],
    }


def fans(shapes):
    """The student's ``compute_fans`` of every shape (lists, JSON-able)."""
    compute_fans = _module().compute_fans
    results = []
    for shape in shapes:
        value = compute_fans(tuple(shape))
        try:
            results.append([float(value[0]), float(value[1])])
        except (TypeError, ValueError, IndexError, KeyError):
            results.append(repr(value)[:200])
    return results


def _synthetic_layer(case):
    """A kernel ``(fan_in, units)`` and bias whose units come in the groups
    of ``case["groups"]``: units of one group differ by at most
    ``case["jitter"]`` per number; ``case["bias_offsets"]`` moves single
    biases."""
    rng = np.random.default_rng(case["seed"])
    groups = np.asarray(case["groups"])
    base = rng.normal(size=(case["fan_in"], groups.max() + 1))
    base_bias = rng.normal(size=groups.max() + 1)
    jitter = case["jitter"]
    kernel = base[:, groups] + rng.uniform(-jitter, jitter, size=(case["fan_in"], groups.size))
    bias = base_bias[groups] + rng.uniform(-jitter, jitter, size=groups.size)
    for unit, offset in case.get("bias_offsets", {}).items():
        bias[int(unit)] += offset
    return kernel.astype(case.get("dtype", "float64")), bias.astype(case.get("dtype", "float64"))


def distinct_units(cases):
    """The student's ``distinct_units`` on synthetic layers (see
    `_synthetic_layer`); ``case["as"]`` passes the kernel as a NumPy array,
    a list or a Keras variable, ``case["with_bias"]`` passes the bias."""
    import keras

    function = _module().distinct_units
    results = []
    for case in cases:
        kernel, bias = _synthetic_layer(case)
        if case.get("as") == "variable":
            kernel = keras.Variable(kernel)
        elif case.get("as") == "list":
            kernel = kernel.tolist()
        args = (kernel, bias) if case.get("with_bias", True) else (kernel,)
        count = function(*args, **({"atol": case["atol"]} if "atol" in case else {}))
        results.append(int(count) if isinstance(count, (int, np.integer)) else repr(count)[:100])
    return results


def symmetry(initializer, kwargs, epochs, seed, learning_rate=0.1):
    """Trains the Iris MLP from `initializer` (a class of the student's
    ``dlkit.initializers``, or ``"keras:<name>"`` for a Keras initializer)
    and reports the student's ``distinct_units`` of each hidden layer before
    and after training, and the largest difference between a hidden unit
    and the layer's first unit (kernel column and bias), measured here."""
    import keras

    iris_mlp = given("models").iris_mlp
    count = _module().distinct_units
    if initializer.startswith("keras:"):
        kernel_initializer = keras.initializers.get(initializer[len("keras:"):])
    else:
        kernel_initializer = _initializer(initializer, kwargs)
        kernel_initializer((2, 2))  # Sequential would hide its errors while building
    data = given("data")
    if data.__name__.startswith("dlkit.") and not (Path(data.DATASETS_DIR) / "iris.csv").is_file():
        data.DATASETS_DIR = GRADER_DATASETS  # the submission ships src/ only
    keras.utils.set_random_seed(seed)
    (x_train, y_train), _, _ = data.load_iris()
    model = iris_mlp(kernel_initializer=kernel_initializer)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  loss="categorical_crossentropy")
    hidden = model.layers[:-1]
    before = [int(count(*layer.get_weights())) for layer in hidden]
    history = fit(model, x_train, y_train, epochs=epochs, batch_size=16, seed=seed)
    after = [int(count(*layer.get_weights())) for layer in hidden]
    spread = []
    for layer in hidden:
        kernel, bias = (np.asarray(w, np.float64) for w in layer.get_weights())
        spread.append(float(max(np.abs(kernel - kernel[:, :1]).max(), np.abs(bias - bias[0]).max())))
    losses = history["loss"]
    return {"before": before, "after": after, "spread": spread,
            "loss_first": _finite(losses[0]), "loss_last": _finite(losses[-1])}


PROBES = {
    "initializers.sample": sample,
    "initializers.seeds": seeds,
    "initializers.constant_values": constant_values,
    "initializers.config_roundtrip": config_roundtrip,
    "initializers.save_load": save_load,
    "initializers.bad_arguments": bad_arguments,
    "initializers.fans": fans,
    "initializers.distinct_units": distinct_units,
    "initializers.symmetry": symmetry,
}
