"""Titanic preprocessing, fitted on the training split only.

Lab ``regularization``. You write the bodies that raise
``NotImplementedError`` in your copy (each says what to do in a ``TODO``
line above it). Everything else is given; read it, it is the contract your
code must meet. Your features must equal those of the given loader
``dlkit.data.load_titanic`` exactly; the loader stays independent of this
module so the labs before this one can train on Titanic.

A *record* is one row of ``datasets/titanic.csv`` as ``csv.DictReader``
reads it: a dict of strings, ``""`` where a value is missing (177 ages, 2
ports of embarkation). The features, in the order of
``dlkit.data.TITANIC_FEATURES``:

==============  ==========================================================
``pclass``      ``float(Pclass)`` (1, 2 or 3), standardized
``is_female``   1.0 if ``Sex == "female"``, else 0.0
``age``         ``float(Age)``; a missing age becomes the training median
                (``np.nanmedian``), then standardized
``age_missing`` 1.0 where the age was missing (imputed), else 0.0
``sibsp``       ``float(SibSp)``, standardized
``parch``       ``float(Parch)``, standardized
``log_fare``    ``np.log1p(float(Fare))``, standardized
``embarked_C``  one-hot of the port ``Embarked`` (``C``, ``Q`` or ``S``);
``embarked_Q``  a missing port becomes the training mode, the most
``embarked_S``  frequent port, ties broken alphabetically; a port outside
                C/Q/S gives three zeros
==============  ==========================================================

Conventions that change the numbers:

- Every statistic (the age median, the port mode, the means and standard
  deviations) comes from the rows given to `TitanicPreprocessor.fit`,
  the training split, and nothing else. `transform` only *applies* them:
  the features of a row never depend on the other rows transformed with
  it. Fitting on all rows, or recomputing a statistic in `transform`,
  lets the validation and test rows leak into the features.
- "Standardized" means ``(x - mean) / std`` with the training split's mean
  and *population* standard deviation (``np.std``, ``ddof=0``), computed
  in float64 on the imputed values (the mean age includes the imputed
  ages). A column whose training standard deviation is 0 is only centred.
- `transform` returns float32, one row per record, in the records' order.

Example:

>>> from dlkit.data import _parse_titanic, _read_verified, TITANIC_SHA256
>>> records = _parse_titanic(_read_verified("titanic.csv", TITANIC_SHA256))
>>> pre = TitanicPreprocessor().fit(records[:600])
>>> pre.transform(records[600:]).shape
(291, 10)
"""

import numpy as np

from dlkit.data import TITANIC_FEATURES

__all__ = ["TitanicPreprocessor", "preprocess_titanic", "SCALED_FEATURES", "PORTS"]

SCALED_FEATURES = ("pclass", "age", "sibsp", "parch", "log_fare")
PORTS = ("C", "Q", "S")
COLUMNS = ("Pclass", "Sex", "Age", "SibSp", "Parch", "Fare", "Embarked")
SCALED_INDEX = [TITANIC_FEATURES.index(name) for name in SCALED_FEATURES]


def _check_records(records, allow_empty=False):
    """Raises ValueError unless `records` is a list of rows with every column."""
    if not isinstance(records, (list, tuple)):
        raise ValueError(
            "Argument `records` must be a list of CSV rows (dicts). "
            f"Received: records of type {type(records).__name__}"
        )
    if not records and not allow_empty:
        raise ValueError("Argument `records` must hold at least one row. Received: records=[]")
    for n, record in enumerate(records):
        missing = [c for c in COLUMNS if not isinstance(record, dict) or c not in record]
        if missing:
            raise ValueError(
                f"Argument `records` must hold rows with the columns {', '.join(COLUMNS)}. "
                f"Received: row {n} without {', '.join(missing)}"
            )


def parse_age(record):
    """The record's age as a float, ``nan`` when it is missing (``""``)."""
    return float(record["Age"]) if record["Age"] else float("nan")


class TitanicPreprocessor:
    """Imputes, encodes and standardizes Titanic records (see the module).

    `fit` learns the statistics from the training rows; `transform` applies
    them to any rows. After `fit` the statistics are these attributes (the
    trailing underscore marks what `fit` learned, as in scikit-learn):

    Attributes:
        age_median_: median of the known ages (a float).
        port_mode_: the most frequent known port, ties broken
            alphabetically (``"C"``, ``"Q"`` or ``"S"``).
        mean_: float64 array of shape ``(5,)``, the mean of each feature
            of `SCALED_FEATURES` after imputation, before scaling.
        std_: float64 array of shape ``(5,)``, their standard deviations
            (``ddof=0``).

    Example:

    >>> pre = TitanicPreprocessor().fit(train_records)
    >>> x_train = pre.transform(train_records)
    >>> x_test = pre.transform(test_records)  # the training statistics
    """

    def __init__(self):
        self.age_median_ = None
        self.port_mode_ = None
        self.mean_ = None
        self.std_ = None

    def unscaled_features(self, records):
        """Float64 array ``(len(records), 10)``: imputed and encoded, not yet scaled.

        Uses `age_median_` and `port_mode_`, which must be set (by `fit`).
        Columns in the order of ``TITANIC_FEATURES``.
        """
        ### BEGIN SOLUTION
        ### HINT: build one feature row per passenger in the order of TITANIC_FEATURES (the module docstring lists each column and how it is encoded); missing ages take the median fitted on training data, with a 0/1 indicator column; the port is one-hot over PORTS, a missing one taking the fitted mode. Pitfall: an empty list of records must still give a 2-D array.
        ### MORE: parse_age gives nan for a missing age and np.log1p handles a fare of 0. Keep float64 here; transform casts.
        rows = []
        for record in records:
            age = parse_age(record)
            missing = np.isnan(age)
            port = record["Embarked"] or self.port_mode_
            rows.append([
                float(record["Pclass"]),
                float(record["Sex"] == "female"),
                self.age_median_ if missing else age,
                float(missing),
                float(record["SibSp"]),
                float(record["Parch"]),
                np.log1p(float(record["Fare"])),
                *(float(port == p) for p in PORTS),
            ])
        return np.array(rows, dtype=np.float64).reshape(-1, len(TITANIC_FEATURES))
        ### END SOLUTION

    def fit(self, records):
        """Learns the statistics from `records` (the training rows only).

        Args:
            records: list of CSV rows (dicts of strings) with at least one
                known age and one known port.

        Returns:
            self, fitted.

        Raises:
            ValueError: if `records` is empty or lacks a column, an age or
                a port; the message names `records`.
        """
        _check_records(records)
        if not any(record["Age"] for record in records):
            raise ValueError("Argument `records` must hold a known age. Received: no Age values")
        if not any(record["Embarked"] for record in records):
            raise ValueError(
                "Argument `records` must hold a known port. Received: no Embarked values")
        ### BEGIN SOLUTION
        ### HINT: learn every statistic from the records given (the training split): the median age ignoring missing ones (np.nanmedian), the most frequent port with ties broken alphabetically, and the mean and standard deviation of the SCALED_INDEX columns of the unscaled features. Pitfall: population std (NumPy's default), and never statistics of the validation or test split.
        ages = np.array([parse_age(record) for record in records])
        self.age_median_ = float(np.nanmedian(ages))
        ports = [record["Embarked"] for record in records if record["Embarked"]]
        self.port_mode_ = max(sorted(set(ports)), key=ports.count)
        scaled = self.unscaled_features(records)[:, SCALED_INDEX]
        self.mean_ = scaled.mean(axis=0)
        self.std_ = scaled.std(axis=0)
        ### END SOLUTION
        self.std_ = np.where(self.std_ > 0, self.std_, 1.0)  # a constant column is only centred
        return self

    def transform(self, records):
        """Features of `records` with the fitted statistics.

        Args:
            records: list of CSV rows (dicts of strings); may be empty.

        Returns:
            float32 array of shape ``(len(records), 10)``, no NaN.

        Raises:
            RuntimeError: if the preprocessor is not fitted.
            ValueError: if `records` lacks a column.
        """
        if self.mean_ is None:
            raise RuntimeError("This TitanicPreprocessor is not fitted: call fit(train_records) "
                               "first.")
        _check_records(records, allow_empty=True)
        ### BEGIN SOLUTION
        ### HINT: apply what fit learned, never refit: standardize only the SCALED_INDEX columns with the stored means and standard deviations and leave the 0/1 columns alone; return float32.
        x = self.unscaled_features(records)
        x[:, SCALED_INDEX] = (x[:, SCALED_INDEX] - self.mean_) / self.std_
        return x.astype(np.float32)
        ### END SOLUTION

    def fit_transform(self, records):
        """``fit(records)`` then ``transform(records)``."""
        return self.fit(records).transform(records)


def preprocess_titanic(records, train, val, test):
    """Preprocesses the three splits of `records` without leaking.

    Fits one `TitanicPreprocessor` on the training rows
    ``[records[i] for i in train]`` only, then transforms the training,
    validation and test rows with it. Rows keep the order of their index
    arrays (``train[0]`` first), so they stay paired with the labels
    ``y[train]``, ``y[val]``, ``y[test]``.

    Args:
        records: all CSV rows (dicts of strings).
        train: indices of the training rows (a sequence of ints).
        val: indices of the validation rows.
        test: indices of the test rows.

    Returns:
        ``((x_train, x_val, x_test), preprocessor)``: float32 features and
        the fitted preprocessor.

    Example:

    >>> (x_train, x_val, x_test), pre = preprocess_titanic(records, train, val, test)
    """
    ### BEGIN SOLUTION
    ### HINT: no leaks from validation and test: select each split's records by its indices (in that order), fit one preprocessor on the training records only, and transform all three splits with it; return what the docstring says.
    def rows(indices):
        return [records[i] for i in indices]

    preprocessor = TitanicPreprocessor().fit(rows(train))
    features = tuple(preprocessor.transform(rows(indices)) for indices in (train, val, test))
    return features, preprocessor
    ### END SOLUTION
