"""Step cost of the dlkit optimizers vs the Keras built-ins (a benchmark, not a test).

``python -m instructor.measure.bench_optimizers`` times one compiled training step
(``model.train_on_batch``) with each reference optimizer of ``dlkit.optimizers``
and with the Keras built-in of the same name, on the same model, batch and
weights: the lecture's Iris MLP and a wider MLP. Runs are interleaved (every
round times each pair back to back, in alternating order) and the median of
the rounds is reported, so load on a shared machine hits both sides alike.
It prints the ratio dlkit / Keras per optimizer (target: at most 1.2x) and
the device.

``BENCH_ROUNDS`` (default 7) and ``BENCH_STEPS`` (steps per timing, default
40) set the effort.
"""

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MODELS = {
    "iris MLP 4-16-16-16-3, batch 16": dict(n_features=4, hidden=(16, 16, 16), n_classes=3,
                                             batch=16),
    "wide MLP 64-512-512-10, batch 128": dict(n_features=64, hidden=(512, 512), n_classes=10,
                                              batch=128),
}
OPTIMIZERS = {
    "SGD(momentum=0.9)": ("SGD", {"learning_rate": 0.01, "momentum": 0.9}),
    "SGD(nesterov)": ("SGD", {"learning_rate": 0.01, "momentum": 0.9, "nesterov": True}),
    "Adagrad": ("Adagrad", {"learning_rate": 0.01}),
    "RMSprop": ("RMSprop", {"learning_rate": 0.001}),
    "Adam": ("Adam", {"learning_rate": 0.001}),
}
TARGET = 1.2


def _model(keras, spec, optimizer):
    keras.utils.set_random_seed(0)
    layers = [keras.Input((spec["n_features"],))]
    layers += [keras.layers.Dense(units, activation="relu") for units in spec["hidden"]]
    layers.append(keras.layers.Dense(spec["n_classes"], activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer=optimizer, loss="categorical_crossentropy")
    return model


def _time_steps(model, x, y, steps):
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(x, y)
    return (time.perf_counter() - start) / steps


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import keras
    import numpy as np
    import tensorflow as tf

    from dlkit import optimizers as dlkit_optimizers

    rounds = int(os.environ.get("BENCH_ROUNDS", "7"))
    steps = int(os.environ.get("BENCH_STEPS", "40"))
    gpus = tf.config.list_physical_devices("GPU")
    device = f"GPU ({gpus[0].name})" if gpus else f"CPU ({os.cpu_count()} cores)"
    print(f"device: {device}; keras {keras.__version__}, tensorflow {tf.__version__}; "
          f"{rounds} rounds x {steps} train_on_batch steps, median per step")
    worst = 0.0
    for model_name, spec in MODELS.items():
        rng = np.random.default_rng(0)
        x = rng.normal(size=(spec["batch"], spec["n_features"])).astype("float32")
        y = np.eye(spec["n_classes"], dtype="float32")[rng.integers(0, spec["n_classes"],
                                                                    spec["batch"])]
        pairs = {}
        for label, (cls, kwargs) in OPTIMIZERS.items():
            pair = (_model(keras, spec, getattr(dlkit_optimizers, cls)(**kwargs)),
                    _model(keras, spec, getattr(keras.optimizers, cls)(**kwargs)))
            for model in pair:  # trace and build the optimizer before timing
                _time_steps(model, x, y, 3)
            pairs[label] = pair
        times = {label: ([], []) for label in pairs}
        for r in range(rounds):
            for label, (ours, theirs) in pairs.items():
                order = [(0, ours), (1, theirs)] if r % 2 == 0 else [(1, theirs), (0, ours)]
                for side, model in order:
                    times[label][side].append(_time_steps(model, x, y, steps))
        print(f"\n{model_name}")
        print(f"  {'optimizer':<20}{'dlkit ms/step':>14}{'keras ms/step':>15}{'ratio':>8}")
        for label, (ours, theirs) in times.items():
            a, b = statistics.median(ours) * 1e3, statistics.median(theirs) * 1e3
            worst = max(worst, a / b)
            flag = "" if a / b <= TARGET else f"  > {TARGET}x"
            print(f"  {label:<20}{a:14.3f}{b:15.3f}{a / b:7.2f}x{flag}")
    print(f"\nworst ratio {worst:.2f}x (target <= {TARGET}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
