"""Oracles of the iris_basics lab: the ceiling formula for the iterations,
the documented NumPy permutation for the mini-batches, Keras's own
``train_on_batch`` / ``fit`` (and, for softmax regression, the gradient
written out in NumPy) for the training loop, scikit-learn for the metrics,
and the lecture's arithmetic (200 samples, batch 5: 40 iterations per
epoch, 40,000 updates in 1,000 epochs)."""

import math

import numpy as np

from instructor.oracles import OracleMismatch, close

SOURCES = ["src/dlkit/data.py", "src/dlkit/training.py", "src/dlkit/metrics.py",
           "src/dlkit/models.py"]

VERIFIED_AGAINST = ("ceil(n / b); np.random.default_rng(seed).permutation(n) cut into batches; "
                    "Keras train_on_batch and fit(shuffle=False) on the same model and "
                    "optimizer; softmax-regression SGD gradient in NumPy; scikit-learn "
                    "accuracy_score, confusion_matrix, recall_score; the lecture's "
                    "200 / 5 -> 40 and 40,000 updates")


def documented_batches(n_samples, batch_size, seed, shuffle=True):
    """The batches ``minibatch_indices`` documents, written independently."""
    order = np.random.default_rng(seed).permutation(n_samples) if shuffle else np.arange(n_samples)
    return [order[s:s + batch_size].tolist() for s in range(0, n_samples, batch_size)]


def _equal(name, expected, got):
    if expected != got:
        raise OracleMismatch(f"{name}: reference {got!r} != oracle {expected!r}")


def _verify_minibatches(check_id, args, out):
    n, b, seed = args["n_samples"], args["batch_size"], args["seed"]
    shuffle = args.get("shuffle", True)
    expected = documented_batches(n, b, seed, shuffle)
    _equal(check_id + " batches", expected, out["batches"])
    _equal(check_id + " again", expected, out["again"])
    rng = np.random.default_rng(seed)
    epochs = [documented_batches(n, b, rng, shuffle) for _ in range(args.get("epochs", 1))]
    _equal(check_id + " epochs", epochs, out["epochs"])


def _keras_model(spec, optimizer):
    import keras

    from autograder.worker.probes.iris_basics import build_model, make_optimizer

    model = build_model(spec)
    model.compile(optimizer=make_optimizer(optimizer),
                  loss=keras.losses.CategoricalCrossentropy())
    return model


def _flat(model):
    return np.concatenate([np.asarray(w, np.float64).ravel() for w in model.get_weights()])


def _softmax_regression_sgd(args):
    """Weights after one SGD step on a single softmax Dense layer, in NumPy:
    dL/dz = (softmax(z) - y) / n for the mean categorical cross-entropy."""
    from autograder.worker.probes.iris_basics import build_model, make_data

    spec = args["model"]
    kernel, bias = (np.asarray(w, np.float64) for w in build_model(spec).get_weights())
    x, y = (np.asarray(a, np.float64) for a in make_data(spec, args["n_samples"],
                                                         args["data_seed"]))
    z = x @ kernel + bias
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    loss = float(np.mean(-np.sum(y * np.log(p), axis=1)))
    dz = (p - y) / len(x)
    lr = args["optimizer"]["kwargs"]["learning_rate"]
    weights = np.concatenate([(kernel - lr * x.T @ dz).ravel(), (bias - lr * dz.sum(0)).ravel()])
    return loss, weights


def _step_loss(model, x, y):
    """One ``train_on_batch`` step's own loss: before Keras 3.14 (Colab has
    3.13) it returns the running mean over calls unless the metrics are reset."""
    model.reset_metrics()
    return float(model.train_on_batch(x, y))


def _verify_train_step(check_id, args, out):
    from autograder.worker.probes.iris_basics import make_data

    model = _keras_model(args["model"], args["optimizer"])
    x, y = make_data(args["model"], args["n_samples"], args["data_seed"])
    losses = [_step_loss(model, x, y) for _ in range(args["steps"])]
    close(check_id + " weights vs train_on_batch", _flat(model), out["weights"], 1e-5, 1e-7)
    close(check_id + " losses vs train_on_batch", losses, out["losses"], 1e-5)
    spec, optimizer = args["model"], args["optimizer"]
    if len(spec["layers"]) == 1 and optimizer["name"] == "SGD" and args["steps"] == 1 \
            and set(optimizer["kwargs"]) == {"learning_rate"}:
        loss, weights = _softmax_regression_sgd(args)
        close(check_id + " weights vs NumPy gradient", weights, out["weights"], 1e-5, 1e-6)
        close(check_id + " loss vs NumPy", [loss], out["losses"], 1e-5)


def _verify_fit(check_id, args, out):
    from autograder.worker.probes.iris_basics import make_data

    x, y = make_data(args["model"], args["n_samples"], args["data_seed"])
    n, b = len(x), args["batch_size"]
    model = _keras_model(args["model"], args["optimizer"])
    rng = np.random.default_rng(args["seed"])
    losses = []
    for _ in range(args["epochs"]):
        total = 0.0
        for batch in documented_batches(n, b, rng, args.get("shuffle", True)):
            total += _step_loss(model, x[batch], y[batch]) * len(batch)
        losses.append(total / n)
    close(check_id + " epoch losses vs train_on_batch", losses, out["loss"], 1e-5)
    close(check_id + " weights vs train_on_batch", _flat(model), out["weights"], 1e-4, 1e-6)
    if not args.get("shuffle", True):
        model = _keras_model(args["model"], args["optimizer"])
        history = model.fit(x, y, batch_size=b, epochs=args["epochs"], shuffle=False, verbose=0)
        close(check_id + " epoch losses vs fit(shuffle=False)", history.history["loss"],
              out["loss"], 1e-5)
        close(check_id + " weights vs fit(shuffle=False)", _flat(model), out["weights"],
              1e-4, 1e-6)


def _verify_metric(check_id, args, out):
    from sklearn import metrics

    y_true, y_pred = np.asarray(args["y_true"]), np.asarray(args["y_pred"])
    name, value = args["name"], out["value"]
    if name == "accuracy":
        close(check_id, [metrics.accuracy_score(y_true, y_pred)], [value], 1e-12)
        return
    labels = list(range(args["n_classes"]))
    cm = metrics.confusion_matrix(y_true, y_pred, labels=labels)
    if name == "confusion_matrix":
        _equal(check_id, cm.tolist(), value)
        return
    recall = metrics.recall_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    negatives = [metrics.recall_score(y_true != k, y_pred != k, pos_label=True,
                                      zero_division=0) for k in labels]
    if name == "sensitivity":
        close(check_id, recall, value, 1e-12)
    elif name == "specificity":
        close(check_id, negatives, value, 1e-12)
    elif name == "one_vs_rest_counts":
        mcm = metrics.multilabel_confusion_matrix(y_true, y_pred, labels=labels)
        # sklearn's per-class [[TN, FP], [FN, TP]]
        expected = [mcm[:, 1, 1].tolist(), mcm[:, 1, 0].tolist(), mcm[:, 0, 1].tolist(),
                    mcm[:, 0, 0].tolist()]
        _equal(check_id, expected, value)
    else:
        raise OracleMismatch(f"{check_id}: no oracle for metric {name!r}")


def verify(checks, outputs):
    """Checks every iris_basics reference output against the oracles."""
    verified = 0
    for check in checks:
        if check.lab != "iris_basics":
            continue
        out = outputs[(check.lab, check.hidden)][check.id]
        args = check.args
        if check.probe == "iris_basics.iterations":
            expected = [-(-n // b) for n, b in args["cases"]]
            _equal(check.id, expected, out["values"])
            if set(out["types"]) != {"int"}:
                raise OracleMismatch(f"{check.id}: types {out['types']}")
            if "epochs" in args:
                _equal(check.id + " updates", [args["epochs"] * v for v in expected],
                       out["updates"])
                if args["cases"] == [[200, 5]] and out["updates"] != [40_000]:
                    raise OracleMismatch(f"{check.id}: the lecture's 40,000 updates")
        elif check.probe == "iris_basics.iteration_errors":
            if any(r["raised"] != "ValueError" or "Received:" not in r["message"] for r in out):
                raise OracleMismatch(f"{check.id}: {out}")
        elif check.probe == "iris_basics.minibatches":
            _verify_minibatches(check.id, args, out)
        elif check.probe == "iris_basics.train_step":
            _verify_train_step(check.id, args, out)
        elif check.probe == "iris_basics.fit":
            _verify_fit(check.id, args, out)
        elif check.probe == "iris_basics.trained_iris":
            passed, message = check.compare(out, out)
            if not passed or not math.isfinite(out["final_loss"]):
                raise OracleMismatch(f"{check.id}: the reference fails its gate: {message}")
        elif check.probe == "iris_basics.metric":
            _verify_metric(check.id, args, out)
        else:
            raise OracleMismatch(f"{check.id}: no oracle for probe {check.probe}")
        verified += 1
    return verified


def verify_lecture_examples(src):
    """The lecture's arithmetic, on the reference solution itself."""
    import sys

    sys.path.insert(0, str(src))
    from dlkit.data import iterations_per_epoch, minibatch_indices

    checked = 0
    for (n, b, epochs), (per_epoch, updates) in {
        (200, 5, 1000): (40, 40_000),  # the lecture's example
        (201, 5, 1000): (41, 41_000),  # a partial last batch counts
        (199, 5, 1): (40, 40),
    }.items():
        got = iterations_per_epoch(n, b)
        if got != per_epoch or epochs * got != updates:
            raise OracleMismatch(f"lecture: iterations_per_epoch({n}, {b}) = {got}")
        sizes = [len(batch) for batch in minibatch_indices(n, b, seed=0)]
        if len(sizes) != per_epoch or sum(sizes) != n or sizes[:-1] != [b] * (per_epoch - 1):
            raise OracleMismatch(f"lecture: minibatch sizes for {n}, {b}: {sizes}")
        checked += 1
    return checked
