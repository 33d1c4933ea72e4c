"""The course's data sets, split and preprocessed (given code).

Both loaders return ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``:
a stratified 60/20/20 split drawn with `seed`, float32 features, and every
preprocessing statistic (medians, modes, means, standard deviations) fitted
on the training split only, so nothing about the validation or test rows
leaks into the features.

The CSV files ship in the repository's ``datasets/`` folder (see its
``README.md``, the data card); nothing is downloaded.
"""

import hashlib
import math
import os
from pathlib import Path

import numpy as np

__all__ = ["load_iris", "load_titanic", "iterations_per_epoch", "DATASETS_DIR"]

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
    iterations, 201 samples give 41.

    Args:
        n_samples: number of training samples, an integer >= 0.
        batch_size: samples per batch, an integer >= 1.

    Returns:
        ``ceil(n_samples / batch_size)`` as an int.
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 0:
        raise ValueError(
            "Argument `n_samples` must be a non-negative integer. "
            f"Received: n_samples={n_samples!r}"
        )
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(
            "Argument `batch_size` must be a positive integer. "
            f"Received: batch_size={batch_size!r}"
        )
    return math.ceil(int(n_samples) / int(batch_size))


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
