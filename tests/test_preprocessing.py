"""The reference Titanic preprocessing: equal to the features of the given
loader ``dlkit.data.load_titanic``, fitted on the training split only (no
leak), and its errors."""

import numpy as np
import pytest

from autograder.worker.probes.regularization import port_ties, titanic_features, titanic_leak
from dlkit import data
from dlkit.preprocessing import TitanicPreprocessor, preprocess_titanic
from instructor.oracles.regularization import titanic_oracle

RECORDS = data._parse_titanic(data._read_verified("titanic.csv", data.TITANIC_SHA256))
LABELS = np.array([float(r["Survived"]) for r in RECORDS], dtype=np.float32)


def given_load_titanic(seed):
    """The features of the given ``dlkit.data.load_titanic`` and its split."""
    (x_train, _), (x_val, _), (x_test, _) = data.load_titanic(seed=seed)
    return (x_train, x_val, x_test), data._stratified_split(LABELS, seed)


def rows(indices, records=RECORDS):
    return [records[i] for i in indices]


@pytest.mark.parametrize("seed", [0, 1, 3, 7, 42])
def test_equals_the_given_loader_exactly(seed):
    want, splits = given_load_titanic(seed)
    got, _ = preprocess_titanic(RECORDS, *splits)
    for x, w in zip(got, want):
        assert x.dtype == np.float32 and x.shape == w.shape
        np.testing.assert_array_equal(x, w)
        assert np.isfinite(x).all()


def test_load_titanic_labels_follow_the_split():
    (_, y_train), _, (_, y_test) = data.load_titanic(seed=0)
    train, _, test = data._stratified_split(LABELS, 0)
    np.testing.assert_array_equal(y_train[:, 0], LABELS[train])
    np.testing.assert_array_equal(y_test[:, 0], LABELS[test])


@pytest.mark.parametrize("seed", [0, 7])
def test_statistics_are_the_training_rows_alone(seed):
    stats, features, splits, _ = titanic_oracle(seed)
    (x_train, x_val, _), pre = preprocess_titanic(RECORDS, *splits)
    assert pre.age_median_ == stats["age_median"] and pre.port_mode_ == stats["port_mode"]
    np.testing.assert_allclose(pre.mean_, stats["mean"], rtol=1e-12)
    np.testing.assert_allclose(pre.std_, stats["std"], rtol=1e-12)
    np.testing.assert_allclose(x_val, features["val"], rtol=1e-6, atol=1e-6)
    scaled = [0, 2, 4, 5, 6]
    np.testing.assert_allclose(x_train[:, scaled].mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(x_train[:, scaled].std(axis=0), 1, atol=1e-5)
    assert not np.allclose(x_val[:, scaled].mean(axis=0), 0, atol=1e-3)


def test_no_leak_from_validation_and_test_rows():
    out = titanic_leak(0)
    assert out == {"statistics_changed": [], "train_rows_changed": 0,
                   "untouched_val_rows_changed": 0, "untouched_test_rows_changed": 0,
                   "rows_transformed_alone_differ": 0}


def test_fitting_on_all_rows_is_a_detectable_leak():
    train, val, test = data._stratified_split(LABELS, 0)
    honest = TitanicPreprocessor().fit(rows(train))
    leaky = TitanicPreprocessor().fit(RECORDS)
    assert not np.allclose(honest.mean_, leaky.mean_)
    changed = [dict(r, Fare=str(float(r["Fare"]) * 50)) if i in set(test) else r
               for i, r in enumerate(RECORDS)]
    again, _ = preprocess_titanic(changed, train, val, test)
    np.testing.assert_array_equal(again[0], preprocess_titanic(RECORDS, train, val, test)[0][0])


def test_rows_keep_the_order_of_the_indices_and_are_independent():
    train, val, test = data._stratified_split(LABELS, 2)
    (_, x_val, _), pre = preprocess_titanic(RECORDS, train, val, test)
    for k in (0, 5, 77):
        np.testing.assert_array_equal(x_val[k], pre.transform([RECORDS[val[k]]])[0])
    np.testing.assert_array_equal(pre.transform(rows(val[::-1])), x_val[::-1])


def test_imputation_and_encoding():
    pre = TitanicPreprocessor().fit(RECORDS[:300])
    missing_age = next(r for r in RECORDS[300:] if not r["Age"])
    no_port = [r for r in RECORDS if not r["Embarked"]]
    raw = pre.unscaled_features([missing_age, *no_port])
    assert raw[0, 2] == pre.age_median_ and raw[0, 3] == 1.0
    port = raw[1:, 7:]
    assert (port == [float(p == pre.port_mode_) for p in "CQS"]).all()
    unknown = pre.unscaled_features([dict(RECORDS[0], Embarked="X")])
    assert (unknown[0, 7:] == 0).all()
    assert pre.transform([]).shape == (0, 10)


def test_port_mode_ties_go_to_the_first_port_alphabetically():
    base = RECORDS[0]
    ports = ["S", "Q", "C", "S", "C"]
    pre = TitanicPreprocessor().fit([dict(base, Embarked=p) for p in ports])
    assert pre.port_mode_ == "C"


def test_port_ties_probe_and_first_seen_message():
    from autograder.checks.regularization import CHECKS

    check = next(c for c in CHECKS if c.probe == "regularization.port_ties")
    out = port_ties(**check.args)
    assert [r["port_mode"] for r in out] == ["C", "Q", "C"]
    assert out[0]["embarked"][4] == [1.0, 0.0, 0.0]  # the missing port gets the mode
    assert check.compare(out, out)[0]
    first_seen = [{**r, "port_mode": ports[0]} for r, ports in zip(out, check.args["cases"])]
    passed, message = check.compare(out, first_seen)
    assert not passed
    assert "expected 'C', got 'Q'" in message and "C and Q occur 2 times each" in message
    assert "alphabetically first" in message


def test_constant_column_is_only_centred():
    records = [dict(r, SibSp="1") for r in RECORDS[:50]]
    x = TitanicPreprocessor().fit_transform(records)
    assert np.isfinite(x).all() and (x[:, 4] == 0).all()


def test_probe_reports_features_and_statistics():
    out = titanic_features(0, head=3)
    assert out["train"]["shape"] == [534, 10] and out["test"]["shape"] == [179, 10]
    assert out["val"]["dtype"] == "float32" and out["val"]["nan"] == 0
    assert out["statistics"]["port_mode"] == "S"


@pytest.mark.parametrize("call,error,match", [
    (lambda: TitanicPreprocessor().fit([]), ValueError, "`records`.*Received: records=\\[\\]"),
    (lambda: TitanicPreprocessor().fit("titanic.csv"), ValueError, "`records`.*Received"),
    (lambda: TitanicPreprocessor().fit([{k: v for k, v in RECORDS[0].items() if k != "Age"}]),
     ValueError, "`records`.*Received: row 0 without Age"),
    (lambda: TitanicPreprocessor().fit([dict(r, Age="") for r in RECORDS[:5]]), ValueError,
     "known age"),
    (lambda: TitanicPreprocessor().transform(RECORDS[:2]), RuntimeError, "not fitted"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
