"""Planted bugs of the iris_basics lab (``dlkit.data``, ``dlkit.training``,
``dlkit.metrics``): mistakes students make with batches, epochs, the
training loop and the one-vs-rest metrics."""

from autograder import REPO
from instructor.demo import PlantedBug


def _swapped_returns(path, first, second):
    """The text from `first` to `second` (inclusive) in `path`, and the same
    text with the two lines exchanged: a swap of two formulas that live in
    different functions, as one replacement."""
    text = (REPO / path).read_text()
    start = text.index(first)
    end = text.index(second, start) + len(second)
    old = text[start:end]
    return old, second + old[len(first):-len(second)] + first


_SENS_SPEC_OLD, _SENS_SPEC_NEW = _swapped_returns(
    "src/dlkit/metrics.py", "return _ratio(tp, tp + fn)", "return _ratio(tn, tn + fp)")

_EPOCH_BODY = """\
        total = 0.0
        for batch in minibatch_indices(len(x), batch_size, seed=rng, shuffle=shuffle):
            loss = step(model, loss_fn, optimizer, x[batch], y[batch])
            total += float(loss) * len(batch)
        _log_epoch(history, total / len(x), model, loss_fn, validation_data)
"""

BUGS = (
    PlantedBug(
        "iris_basics", "bug_floor_division", "data.py",
        "return -(-int(n_samples) // int(batch_size))",
        "return int(n_samples) // int(batch_size)",
        ("iris_basics.iterations.partial", "iris_basics.iterations.partial_hidden"),
        "floor division drops the partial last batch: 201 samples in batches of 5 give 40, "
        "not 41 (the lecture's 200 / 5 still passes)",
    ),
    PlantedBug(
        "iris_basics", "bug_drop_last_batch", "data.py",
        "for start in range(0, n_samples, batch_size):",
        "for start in range(0, n_samples - batch_size + 1, batch_size):",
        ("iris_basics.minibatches.cover*", "iris_basics.minibatches.order*",
         "iris_basics.minibatches.per_epoch*", "iris_basics.minibatches.no_shuffle",
         "iris_basics.training.fit_minibatch", "iris_basics.training.fit_no_shuffle",
         "iris_basics.training.fit_hidden"),
        "yields only full batches (like drop_remainder=True): the samples of the partial "
        "last batch are never trained on in that epoch",
    ),
    PlantedBug(
        "iris_basics", "bug_shuffle_once", "training.py",
        "    for _ in range(epochs):\n"
        "        total = 0.0\n"
        "        for batch in minibatch_indices(len(x), batch_size, seed=rng, shuffle=shuffle):\n",
        "    batches = list(minibatch_indices(len(x), batch_size, seed=rng, shuffle=shuffle))\n"
        "    for _ in range(epochs):\n"
        "        total = 0.0\n"
        "        for batch in batches:\n",
        ("iris_basics.training.fit_minibatch*", "iris_basics.training.fit_sgd",
         "iris_basics.training.fit_hidden*"),
        "shuffles once before the first epoch and then repeats the same batches every epoch",
    ),
    PlantedBug(
        "iris_basics", "bug_reseed_every_epoch", "training.py",
        "for batch in minibatch_indices(len(x), batch_size, seed=rng, shuffle=shuffle):",
        "for batch in minibatch_indices(len(x), batch_size, seed=seed, shuffle=shuffle):",
        ("iris_basics.training.fit_minibatch*", "iris_basics.training.fit_sgd",
         "iris_basics.training.fit_hidden*"),
        "passes the int seed every epoch, so every epoch draws the same permutation",
    ),
    PlantedBug(
        "iris_basics", "bug_labels_shuffled_separately", "training.py",
        "loss = step(model, loss_fn, optimizer, x[batch], y[batch])",
        "loss = step(model, loss_fn, optimizer, x[batch], y[rng.permutation(len(y))[batch]])",
        ("iris_basics.training.fit_*", "iris_basics.training.gate*"),
        "shuffles the labels with a permutation of their own (as np.random.shuffle(x); "
        "np.random.shuffle(y) does): features and labels no longer match",
    ),
    PlantedBug(
        "iris_basics", "bug_epoch_loss_unweighted", "training.py",
        _EPOCH_BODY,
        _EPOCH_BODY.replace("total = 0.0", "batch_losses = []")
        .replace("total += float(loss) * len(batch)", "batch_losses.append(float(loss))")
        .replace("total / len(x)", "np.mean(batch_losses)"),
        ("iris_basics.training.fit_minibatch*", "iris_basics.training.fit_no_shuffle",
         "iris_basics.training.fit_hidden*"),
        "reports the plain mean of the batch losses: a partial last batch weighs as much as a "
        "full one, unlike Keras's per-sample mean",
    ),
    PlantedBug(
        "iris_basics", "bug_gradients_not_applied", "training.py",
        "    optimizer.apply_gradients(zip(gradients, model.trainable_variables))\n",
        "",
        ("iris_basics.training.train_step", "iris_basics.training.train_step_adam",
         "iris_basics.training.train_step_batchnorm", "iris_basics.training.train_step_hidden",
         "iris_basics.training.fit_*", "iris_basics.training.gate*"),
        "computes the gradients but never applies them: the weights never change (the loss "
        "it returns is still right)",
    ),
    PlantedBug(
        "iris_basics", "bug_gradient_ascent", "training.py",
        "optimizer.apply_gradients(zip(gradients, model.trainable_variables))",
        "optimizer.apply_gradients(zip([-g for g in gradients], model.trainable_variables))",
        ("iris_basics.training.train_step", "iris_basics.training.train_step_adam",
         "iris_basics.training.train_step_batchnorm", "iris_basics.training.train_step_hidden",
         "iris_basics.training.fit_*", "iris_basics.training.gate*"),
        "flips the gradient's sign (w <- w + lr * g), so every step climbs the loss",
    ),
    PlantedBug(
        "iris_basics", "bug_sensitivity_specificity_swapped", "metrics.py",
        _SENS_SPEC_OLD, _SENS_SPEC_NEW,
        ("iris_basics.metrics.sensitivity*", "iris_basics.metrics.specificity*"),
        "returns TN / (TN + FP) as the sensitivity and TP / (TP + FN) as the specificity",
    ),
)
