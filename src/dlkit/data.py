"""The course's data sets, split and preprocessed, and their mini-batches.

The loaders are given code. Both return
``(x_train, y_train), (x_val, y_val), (x_test, y_test)``: a stratified
60/20/20 split drawn with `seed`, float32 features, and every preprocessing
statistic (medians, modes, means, standard deviations) fitted on the
training split only, so nothing about the validation or test rows leaks
into the features.

The CSV files ship in the repository's ``datasets/`` folder (see its
``README.md``, the data card); nothing is downloaded.

Lab ``iris_basics``: you write the bodies of `iterations_per_epoch` and
`minibatch_indices` (in your copy they raise ``NotImplementedError``).
Conventions that change the numbers:

- An epoch is one pass over all ``n_samples`` training samples in batches
  of ``batch_size``; the last batch is *partial* when ``batch_size`` does
  not divide ``n_samples``, and it counts: 200 samples in batches of 5 are
  40 iterations (optimizer updates) per epoch, 201 samples are 41.
- The order of an epoch is ``np.random.default_rng(seed).permutation(n_samples)``
  (``np.arange(n_samples)`` without shuffling), cut into consecutive batches.
- Bad arguments raise ``ValueError`` naming the argument and ending with
  ``Received: ...``.

Example:

>>> iterations_per_epoch(200, 5), 1000 * iterations_per_epoch(200, 5)
(40, 40000)
>>> [b.tolist() for b in minibatch_indices(5, 2, shuffle=False)]
[[0, 1], [2, 3], [4]]
"""

import hashlib
import os
from pathlib import Path

import numpy as np

from dlkit._validation import check_positive_int

__all__ = ["load_iris", "load_titanic", "iterations_per_epoch", "minibatch_indices",
           "DATASETS_DIR"]

TITANIC_SHA256 = "4a437fde05fe5264e1701a7387ac6fb75393772ba38bb2c9c566405af5af4bd7"
IRIS_SHA256 = "91eb642c3adbc7bad8e99c930c11fa3a5cc8a07262c7a753b4e6ecf405f2e05e"
IRIS_CLASSES = ("setosa", "versicolor", "virginica")
TITANIC_FEATURES = (
    "pclass", "is_female", "age", "age_missing", "sibsp", "parch", "log_fare",
    "embarked_C", "embarked_Q", "embarked_S",
)


def _find_datasets_dir():
    env = os.environ.get("DLKIT_DATASETS")
    if env:
        return Path(env)
    # src/dlkit/data.py -> repository root / datasets
    return Path(__file__).resolve().parents[2] / "datasets"


DATASETS_DIR = _find_datasets_dir()


def _read_verified(name, sha256):
    path = DATASETS_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"Data file {name!r} not found in {DATASETS_DIR}. Keep the "
            "repository's datasets/ folder beside src/, or set DLKIT_DATASETS "
            f"to the folder that holds it. Received: path={str(path)!r}"
        )
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise ValueError(
            f"Data file {name!r} is not the bundled version (its sha256 "
            f"differs): restore it with `git checkout datasets/{name}`. "
            f"Expected sha256={sha256}. Received: sha256={digest}"
        )
    return data.decode("utf-8")


def _stratified_split(labels, seed):
    """Indices of a stratified 60/20/20 split, drawn with `seed`."""
    rng = np.random.default_rng(seed)
    parts = ([], [], [])
    for label in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == label))
        n_train = round(0.6 * len(rows))
        n_val = round(0.2 * len(rows))
        parts[0].append(rows[:n_train])
        parts[1].append(rows[n_train:n_train + n_val])
        parts[2].append(rows[n_train + n_val:])
    return tuple(rng.permutation(np.concatenate(p)) for p in parts)


def iterations_per_epoch(n_samples, batch_size):
    """Number of batches (optimizer updates) in one epoch.

    A partial last batch counts: 200 samples in batches of 5 give 40
    iterations, 201 samples give 41 (the last batch holds 1 sample), and 0
    samples give 0. Training for ``E`` epochs applies
    ``E * iterations_per_epoch(n_samples, batch_size)`` updates: 40,000 for
    the lecture's 200 samples, batches of 5 and 1,000 epochs.

    Args:
        n_samples: number of training samples, an integer >= 0 (a Python
            or NumPy integer; floats such as ``10.0`` are refused).
        batch_size: samples per batch, an integer >= 1.

    Returns:
        ``ceil(n_samples / batch_size)`` as a Python ``int``.

    Raises:
        ValueError: if an argument is not an integer in its range; the
            message names the argument and ends with ``Received: ...``.

    Example:

    >>> iterations_per_epoch(200, 5), iterations_per_epoch(201, 5)
    (40, 41)
    """
    ### BEGIN SOLUTION
    ### HINT: check batch_size with check_positive_int, and n_samples yourself (an int >= 0, not a bool; raise ValueError with the same message shape); a partial last batch counts, so round the division up, with integer arithmetic only.
    if (isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer))
            or n_samples < 0):
        raise ValueError(
            "Argument `n_samples` must be a non-negative integer. "
            f"Received: n_samples={n_samples!r}"
        )
    check_positive_int("batch_size", batch_size)
    return -(-int(n_samples) // int(batch_size))  # ceil, exact for any int size
    ### END SOLUTION


def minibatch_indices(n_samples, batch_size, seed=None, shuffle=True):
    """Yields the sample indices of each mini-batch of one epoch.

    The epoch's order is drawn once, then cut into consecutive batches::

        order = np.random.default_rng(seed).permutation(n_samples)  # shuffle=True
        order = np.arange(n_samples)                                # shuffle=False
        batches: order[0:b], order[b:2b], ..., order[(k-1)b:n_samples]

    with ``b = batch_size``: every index appears exactly once per epoch,
    and the last batch is partial (shorter) when ``b`` does not divide
    ``n_samples``; it is kept, never dropped or padded. There are
    ``iterations_per_epoch(n_samples, batch_size)`` batches.

    Shuffling every epoch: ``np.random.default_rng`` returns a
    ``np.random.Generator`` passed to it unchanged, so

    - an int `seed` builds a new Generator each call: the same int gives
      the same order on every call (repeatable, but the *same* order every
      epoch if you pass it every epoch);
    - a Generator `seed` is used as it is: each call draws the *next*
      permutation from it. To shuffle differently every epoch, make one
      ``rng = np.random.default_rng(seed)`` before the first epoch and pass
      ``seed=rng`` every epoch (``dlkit.training.fit_loop`` does this).

    With ``shuffle=False`` the Generator is not touched.

    Args:
        n_samples: number of samples, an integer >= 0.
        batch_size: samples per batch, an integer >= 1.
        seed: an int, ``None`` (fresh entropy: a different order each call)
            or a ``np.random.Generator``. Defaults to None.
        shuffle: draw the permutation (True) or keep the order
            ``0, 1, ..., n_samples - 1`` (False). Defaults to True.

    Yields:
        1-D NumPy integer arrays of indices into the training arrays, in
        training order: index ``x[batch]`` and ``y[batch]`` with the same
        array so features and labels stay paired.

    Raises:
        ValueError: for a bad `n_samples` or `batch_size` (as
            `iterations_per_epoch` does).

    Example:

    >>> [b.tolist() for b in minibatch_indices(10, 4, seed=0)]
    [[4, 6, 2, 7], [3, 5, 9, 0], [8, 1]]
    >>> rng = np.random.default_rng(0)
    >>> epochs = [[b.tolist() for b in minibatch_indices(4, 4, seed=rng)] for _ in range(2)]
    >>> epochs  # two epochs, two orders
    [[[2, 0, 1, 3]], [[3, 2, 1, 0]]]
    """
    ### BEGIN SOLUTION
    ### HINT: calling iterations_per_epoch validates the arguments; draw the order exactly as the docstring says, then yield consecutive slices of batch_size indices (the last one may be shorter).
    iterations_per_epoch(n_samples, batch_size)  # validates both arguments
    if shuffle:
        order = np.random.default_rng(seed).permutation(n_samples)
    else:
        order = np.arange(n_samples)
    for start in range(0, n_samples, batch_size):
        yield order[start:start + batch_size]
    ### END SOLUTION


def load_iris(seed=0):
    """Iris (150 flowers, 4 features, 3 classes), standardized, one-hot labels.

    Args:
        seed: seed of the stratified 60/20/20 split. Defaults to 0.

    Returns:
        ``(x_train, y_train), (x_val, y_val), (x_test, y_test)`` with
        float32 features of shape ``(n, 4)`` standardized with the training
        split's mean and standard deviation, and float32 one-hot labels of
        shape ``(n, 3)`` (90/30/30 rows).
    """
    text = _read_verified("iris.csv", IRIS_SHA256)
    rows = [line.split(",") for line in text.strip().splitlines()[1:]]
    x = np.array([[float(v) for v in r[:4]] for r in rows], dtype=np.float64)
    labels = np.array([IRIS_CLASSES.index(r[4]) for r in rows])
    train, val, test = _stratified_split(labels, seed)
    mean, std = x[train].mean(axis=0), x[train].std(axis=0)
    eye = np.eye(len(IRIS_CLASSES), dtype=np.float32)

    def part(idx):
        return ((x[idx] - mean) / std).astype(np.float32), eye[labels[idx]]

    return part(train), part(val), part(test)


def _parse_titanic(text):
    import csv
    import io

    return list(csv.DictReader(io.StringIO(text)))


def load_titanic(seed=0):
    """Titanic survival (891 passengers), imputed, encoded and scaled.

    Features (float32, in this order): ``pclass`` (1-3), ``is_female``,
    ``age`` (missing ages imputed with the training median), ``age_missing``
    (1 where the age was imputed), ``sibsp``, ``parch``, ``log_fare``
    (``log1p`` of the fare), and ``embarked_C/Q/S`` one-hot (missing ports
    imputed with the training mode). ``pclass``, ``age``, ``sibsp``,
    ``parch`` and ``log_fare`` are then standardized with the training
    split's mean and standard deviation.

    Args:
        seed: seed of the stratified 60/20/20 split. Defaults to 0.

    Returns:
        ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``; features
        of shape ``(n, 10)``, labels ``Survived`` as float32 of shape
        ``(n, 1)``.
    """
    records = _parse_titanic(_read_verified("titanic.csv", TITANIC_SHA256))
    y = np.array([[float(r["Survived"])] for r in records], dtype=np.float32)
    train, val, test = _stratified_split(y[:, 0], seed)

    ages = np.array([float(r["Age"]) if r["Age"] else np.nan for r in records])
    ports = [r["Embarked"] for r in records]
    age_median = float(np.nanmedian(ages[train]))
    train_ports = [ports[i] for i in train if ports[i]]
    port_mode = max(sorted(set(train_ports)), key=train_ports.count)

    columns = {
        "pclass": [float(r["Pclass"]) for r in records],
        "is_female": [float(r["Sex"] == "female") for r in records],
        "age": np.where(np.isnan(ages), age_median, ages),
        "age_missing": np.isnan(ages).astype(float),
        "sibsp": [float(r["SibSp"]) for r in records],
        "parch": [float(r["Parch"]) for r in records],
        "log_fare": np.log1p([float(r["Fare"]) for r in records]),
    }
    for port in "CQS":
        columns[f"embarked_{port}"] = [float((p or port_mode) == port) for p in ports]
    x = np.column_stack([np.asarray(columns[name], dtype=np.float64) for name in TITANIC_FEATURES])
    scaled = [TITANIC_FEATURES.index(n) for n in ("pclass", "age", "sibsp", "parch", "log_fare")]
    mean, std = x[train][:, scaled].mean(axis=0), x[train][:, scaled].std(axis=0)
    x[:, scaled] = (x[:, scaled] - mean) / std
    x = x.astype(np.float32)
    return (x[train], y[train]), (x[val], y[val]), (x[test], y[test])
