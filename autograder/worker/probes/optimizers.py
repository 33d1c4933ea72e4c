"""Probes of the optimizers lab (``dlkit.optimizers``).

Every probe takes the optimizer as a class name and its constructor
arguments (JSON), so that the oracles can run the same probe with the Keras
built-in of the same name (`make_optimizer` takes a class too).
"""

import importlib
import os
import tempfile

import numpy as np

from ._common import outcomes
from ._training import build_optimizer, train_iris, train_titanic


def optimizer_class(name):
    return getattr(importlib.import_module("dlkit.optimizers"), name)


def _schedule(spec):
    import keras

    return getattr(keras.optimizers.schedules, spec["class"])(**spec["config"])


def make_optimizer(klass, kwargs, schedule=None):
    """`klass(**kwargs)`, with ``learning_rate`` a Keras schedule built from
    `schedule` (``{"class": ..., "config": ...}``) when given."""
    kwargs = dict(kwargs)
    if schedule is not None:
        kwargs["learning_rate"] = _schedule(schedule)
    return klass(**kwargs)


def _flat(value):
    """The values of a tensor or array, flattened, as Python floats (a
    float32 value as the shortest decimal that reads back as the same
    float32: exact, and half as long in JSON)."""
    array = np.asarray(value)
    if array.dtype == np.float32:
        return [float(str(x)) for x in array.ravel()]
    return array.astype(np.float64).ravel().tolist()


def slots_of(optimizer):
    """The optimizer's variables other than its step counter and rate."""
    slots = {}
    for variable in optimizer.variables:
        if variable is optimizer.iterations or variable.name in ("iteration", "learning_rate"):
            continue
        slots[variable.name] = {"shape": list(variable.shape), "dtype": str(variable.dtype),
                                "values": _flat(variable.numpy())}
    return slots


def _iterations(optimizer):
    return int(np.asarray(optimizer.iterations.numpy()))


def quadratic_problem(shapes, seed, steps, noise=0.1):
    """A fixed quadratic, one term per variable: ``f(w) = sum(a * (w - t)**2) / 2``.

    Curvatures ``a`` are log-uniform in [1e-3, 10], so some elements have
    tiny gradients (where epsilon placement matters) and others large ones.
    The gradient of step k is ``a * (w - t + noise_k)``, ``noise_k`` a fixed
    sequence (mini-batch noise).

    Returns (initial values, targets, curvatures, noise per step), as NumPy
    arrays in each variable's dtype.
    """
    rng = np.random.default_rng(seed)
    initial, targets, curvatures, noises = [], [], [], []
    for shape, dtype in shapes:
        shape = tuple(shape)
        initial.append(rng.normal(size=shape).astype(dtype))
        targets.append(rng.normal(size=shape).astype(dtype))
        curvatures.append((10.0 ** rng.uniform(-3, 1, size=shape)).astype(dtype))
        noises.append((noise * rng.normal(size=(steps, *shape))).astype(dtype))
    return initial, targets, curvatures, noises


def run_trajectory(optimizer, shapes, steps, seed):
    """Runs `optimizer` on `quadratic_problem` for `steps` compiled steps:
    ``optimizer.apply`` inside one ``tf.function`` (a ``tf.while_loop`` over
    the steps, no autograph), as ``fit`` runs it, recording every
    variable's values after every step."""
    import keras
    import tensorflow as tf

    initial, targets, curvatures, noises = quadratic_problem(shapes, seed, steps)
    variables = [keras.Variable(value, dtype=dtype, name=f"w{i}")
                 for i, (value, (_, dtype)) in enumerate(zip(initial, shapes))]
    targets = [tf.constant(t) for t in targets]
    curvatures = [tf.constant(a) for a in curvatures]
    noises = [tf.constant(n) for n in noises]
    build_optimizer(optimizer, variables)

    # One traced function for every step: a call per step (and a read of
    # every variable after it) cost more than the steps themselves.
    @tf.function(autograph=False)
    def run():
        def step(k, *records):
            grads = [a * (v - t + n[k]) for a, v, t, n in
                     zip(curvatures, variables, targets, noises)]
            optimizer.apply(grads, variables)
            return (k + 1, *(r.write(k, v.value) for r, v in zip(records, variables)))

        records = [tf.TensorArray(dtype, size=steps, element_shape=shape)
                   for shape, dtype in shapes]
        _, *records = tf.while_loop(lambda k, *_: k < steps, step,
                                    (tf.constant(0), *records))
        return [r.stack() for r in records]

    values = run()
    trajectory = {v.name: [_flat(row) for row in np.asarray(stacked)]
                  for v, stacked in zip(variables, values)}
    return {
        "variables": [{"name": v.name, "shape": list(v.shape), "dtype": str(v.dtype)}
                      for v in variables],
        "trajectory": trajectory,
        "slots": slots_of(optimizer),
        "iterations": _iterations(optimizer),
    }


def trajectory(cls, kwargs, shapes, steps, seed=0):
    """`steps` compiled steps on a fixed quadratic (see `quadratic_problem`)
    of variables with `shapes` (``[shape, dtype]`` pairs).

    Returns every variable's values after every step, the slots after the
    last step and ``iterations``."""
    return run_trajectory(make_optimizer(optimizer_class(cls), kwargs), shapes, steps, seed)


def run_steps(optimizer, initial, gradients, dtype="float64"):
    """Applies the given gradients to one variable, eagerly; returns the
    weights after every step and the slots after the last."""
    import keras

    w = keras.Variable(np.asarray(initial, dtype=dtype), dtype=dtype, name="w")
    weights = []
    for g in gradients:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(np.asarray(g, dtype=dtype)), w)])
        weights.append(_flat(w.numpy()))
    return {"weights": weights, "slots": slots_of(optimizer),
            "iterations": _iterations(optimizer)}


def hand_steps(cls, kwargs, initial, gradients, dtype="float64"):
    """A few steps with small, hand-checkable numbers."""
    return run_steps(make_optimizer(optimizer_class(cls), kwargs), initial, gradients, dtype)


OPTION_VARIANTS = ("clipnorm", "clipvalue", "global_clipnorm", "schedule", "callback")


def option_variants(kwargs):
    """(name, kwargs, schedule, rates) of every variant `options` runs."""
    lr = kwargs.get("learning_rate", 0.01)
    return [
        ("clipnorm", {**kwargs, "clipnorm": 1.0}, None, None),
        ("clipvalue", {**kwargs, "clipvalue": 0.5}, None, None),
        ("global_clipnorm", {**kwargs, "global_clipnorm": 1.5}, None, None),
        ("schedule", kwargs, {"class": "ExponentialDecay", "config": {
            "initial_learning_rate": lr, "decay_steps": 3, "decay_rate": 0.5}}, None),
        # A schedule callback sets optimizer.learning_rate before every batch.
        ("callback", kwargs, None, [lr * 0.8**k for k in range(64)]),
    ]


def run_options(klass, kwargs, steps, seed=1):
    """Each variant of `option_variants`, eagerly, on two float32 variables
    with large gradients (norms around 10, so clipping acts)."""
    import keras

    shapes = [[[3], "float32"], [[2, 2], "float32"]]
    initial, targets, _, _ = quadratic_problem(shapes, seed, steps)
    rng = np.random.default_rng(seed + 100)
    curvatures = [(5.0 * rng.uniform(0.2, 2.0, size=x.shape)).astype("float32")
                  for x in initial]
    out = {}
    for name, kw, schedule, rates in option_variants(kwargs):
        optimizer = make_optimizer(klass, kw, schedule)
        variables = [keras.Variable(value, name=f"w{i}") for i, value in enumerate(initial)]
        values = []
        for k in range(steps):
            if rates is not None:
                optimizer.learning_rate = rates[k]
            grads = [keras.ops.convert_to_tensor(a * (v.numpy() - t))
                     for a, v, t in zip(curvatures, variables, targets)]
            optimizer.apply_gradients(zip(grads, variables))
            values.append([x for v in variables for x in _flat(v.numpy())])
        out[name] = values
    return out


def options(cls, kwargs, steps):
    """The base class's options with this optimizer: clipnorm, clipvalue,
    global_clipnorm, a LearningRateSchedule and a rate set before every step."""
    return run_options(optimizer_class(cls), kwargs, steps)


def _fixed_gradients(steps):
    rng = np.random.default_rng(7)
    return rng.normal(size=(steps, 3)).tolist()


def config_roundtrip(cls, kwargs, steps):
    """``get_config`` / ``from_config`` and Keras (de)serialization; the
    optimizer, its rebuilt copy and its revived copy each take `steps` steps."""
    import keras

    klass = optimizer_class(cls)
    original = klass(**kwargs)
    config = original.get_config()
    restored = klass.from_config(dict(config))
    revived = keras.optimizers.deserialize(keras.optimizers.serialize(original))
    gradients = _fixed_gradients(steps)
    runs = {key: run_steps(opt, [0.5, -1.0, 2.0], gradients)["weights"]
            for key, opt in (("original", original), ("restored", restored),
                             ("revived", revived))}
    restored_config = restored.get_config()
    return {
        "config": {k: config[k] for k in sorted(config) if k != "name"},
        "restored_config": {k: restored_config[k] for k in sorted(restored_config)
                            if k != "name"},
        "registered_name": keras.saving.get_registered_name(klass),
        "revived_type": type(revived).__module__ + "." + type(revived).__name__,
        "weights": runs["original"],
        "restored_weights": runs["restored"],
        "revived_weights": runs["revived"],
    }


def _small_model(keras):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="tanh"),
                              keras.layers.Dense(1)])
    return model


def _train_eagerly(model, x, y, batches):
    """`batches` steps of a custom loop (the model's optimizer, MSE loss);
    returns the weights after each step."""
    import keras
    import tensorflow as tf

    weights = []
    for b in range(batches):
        xb, yb = x[8 * (b % 4): 8 * (b % 4) + 8], y[8 * (b % 4): 8 * (b % 4) + 8]
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(xb) - yb))
        grads = tape.gradient(loss, model.trainable_variables)
        model.optimizer.apply_gradients(zip(grads, model.trainable_variables))
        weights.append([x for w in model.get_weights() for x in _flat(w)])
    return weights


def save_load(cls, kwargs, steps, more_steps):
    """Trains a small model with the optimizer, saves it to ``.keras``,
    loads it, and trains both copies further. Returns what must survive."""
    return run_save_load(optimizer_class(cls), kwargs, steps, more_steps)


def run_save_load(klass, kwargs, steps, more_steps):
    import keras

    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = rng.normal(size=(32, 1)).astype("float32")
    keras.utils.set_random_seed(0)
    model = _small_model(keras)
    model.compile(optimizer=klass(**kwargs), loss="mse")
    _train_eagerly(model, x, y, steps)
    before = slots_of(model.optimizer)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, compile=True, safe_mode=True)
    result = {
        "optimizer_type": type(loaded.optimizer).__name__,
        "iterations": _iterations(model.optimizer),
        "loaded_iterations": _iterations(loaded.optimizer),
        # Compared in order: a loaded model's weight paths lose the model's name.
        "slots_equal": ([(s["shape"], s["values"]) for s in slots_of(loaded.optimizer).values()]
                        == [(s["shape"], s["values"]) for s in before.values()]),
        "weights_equal": all(np.array_equal(a, b)
                             for a, b in zip(model.get_weights(), loaded.get_weights())),
    }
    result["next_weights"] = _train_eagerly(model, x, y, more_steps)
    result["loaded_next_weights"] = _train_eagerly(loaded, x, y, more_steps)
    return result


def bad_arguments(cls, kwargs, cases):
    """One step with good arguments (`kwargs`), then the constructor with
    each set of bad arguments in `cases`; reports what each raised."""
    klass = optimizer_class(cls)
    run_steps(klass(**kwargs), [1.0, -1.0], [[0.5, 0.5]])
    return outcomes(klass, cases)


def _clip_function():
    return importlib.import_module("dlkit.optimizers").clip_by_norm


def _clip_result(tensor):
    import keras

    array = keras.ops.convert_to_numpy(tensor)
    return {"shape": list(array.shape), "dtype": str(array.dtype), "values": _flat(array)}


def clip_cases(cases, traced=False):
    """`clip_by_norm` on each ``{"values", "dtype", "max_norm"}`` case;
    with `traced`, inside a ``tf.function`` without autograph (as JAX would
    trace it: no Python ``if`` on a tensor)."""
    import tensorflow as tf

    clip = _clip_function()
    results = []
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")  # one trace per case is the point: no retracing warning
    try:
        for case in cases:
            g = np.asarray(case["values"], dtype=case["dtype"])
            if traced:
                fn = tf.function(lambda t, c=case["max_norm"]: clip(t, c), autograph=False)
                out = fn(tf.constant(g))
            else:
                out = clip(g, case["max_norm"])
            results.append(_clip_result(out))
    finally:
        logger.setLevel(level)
    return results


def clip_bad_arguments(good, cases):
    """`clip_by_norm` on a good case, then with each bad ``max_norm``."""
    clip = _clip_function()
    clip(np.asarray(good["values"], dtype=good["dtype"]), good["max_norm"])
    results = []
    for max_norm in cases:
        try:
            clip(np.asarray([3.0, 4.0], dtype="float32"), max_norm)
        except ValueError as exc:
            results.append({"raised": "ValueError", "message": str(exc)})
        except NotImplementedError:
            raise
        except Exception as exc:  # noqa: BLE001
            results.append({"raised": type(exc).__name__, "message": str(exc)})
        else:
            results.append({"raised": None, "message": ""})
    return results


def iris_gate(cls, kwargs, seed, epochs, batch_size=16):
    """Trains the lecture's Iris MLP with the optimizer (gate)."""
    return train_iris(seed, "categorical_crossentropy", optimizer_class(cls)(**kwargs),
                      epochs=epochs, batch_size=batch_size)


def titanic_gate(cls, kwargs, seed, epochs, batch_size=32):
    """Trains the Titanic MLP with the optimizer (gate)."""
    return train_titanic(seed, "binary_crossentropy", optimizer_class(cls)(**kwargs),
                         epochs=epochs, batch_size=batch_size)


PROBES = {
    "optimizers.hand_steps": hand_steps,
    "optimizers.trajectory": trajectory,
    "optimizers.options": options,
    "optimizers.config_roundtrip": config_roundtrip,
    "optimizers.save_load": save_load,
    "optimizers.bad_arguments": bad_arguments,
    "optimizers.clip_cases": clip_cases,
    "optimizers.clip_bad_arguments": clip_bad_arguments,
    "optimizers.iris_gate": iris_gate,
    "optimizers.titanic_gate": titanic_gate,
}
