"""dlkit.metrics against scikit-learn (the oracle), the one-vs-rest
definitions, the 0 / 0 convention and the accepted label forms."""

import numpy as np
import pytest
from sklearn import metrics as sk

from dlkit import metrics


def _random_labels(seed, n, classes, error_rate=0.3):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, classes, size=n)
    y_pred = np.where(rng.random(n) < error_rate, rng.integers(0, classes, size=n), y_true)
    return y_true, y_pred


def _sk_specificity(y_true, y_pred, classes):
    return [sk.recall_score(y_true != k, y_pred != k, zero_division=0) for k in range(classes)]


@pytest.mark.parametrize("seed,n,classes", [(0, 12, 3), (1, 50, 3), (2, 40, 4), (3, 7, 5),
                                            (4, 200, 2)])
def test_metrics_equal_scikit_learn(seed, n, classes):
    y_true, y_pred = _random_labels(seed, n, classes)
    labels = list(range(classes))
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(sk.accuracy_score(y_true, y_pred))
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred, classes),
                                  sk.confusion_matrix(y_true, y_pred, labels=labels))
    np.testing.assert_allclose(
        metrics.sensitivity(y_true, y_pred, classes),
        sk.recall_score(y_true, y_pred, labels=labels, average=None, zero_division=0))
    np.testing.assert_allclose(metrics.specificity(y_true, y_pred, classes),
                               _sk_specificity(y_true, y_pred, classes))
    mcm = sk.multilabel_confusion_matrix(y_true, y_pred, labels=labels)  # [[TN, FP], [FN, TP]]
    tp, fn, fp, tn = metrics.one_vs_rest_counts(y_true, y_pred, classes)
    for ours, theirs in ((tp, mcm[:, 1, 1]), (fn, mcm[:, 1, 0]), (fp, mcm[:, 0, 1]),
                         (tn, mcm[:, 0, 0])):
        np.testing.assert_array_equal(ours, theirs)


def test_class_never_predicted_and_class_absent():
    y_true = [0, 1, 2, 2, 1, 0, 2, 1, 0, 2]
    y_pred = [0, 1, 1, 1, 1, 0, 0, 1, 0, 1]  # class 2 never predicted
    assert metrics.sensitivity(y_true, y_pred, 3)[2] == 0.0
    assert metrics.specificity(y_true, y_pred, 3)[2] == 1.0
    assert metrics.confusion_matrix(y_true, y_pred, 3)[:, 2].tolist() == [0, 0, 0]
    # class 3 never occurs in y_true: its sensitivity is 0 / 0 = 0, like sklearn's zero_division=0
    with np.errstate(all="raise"):
        sensitivity = metrics.sensitivity([0, 1, 2, 0], [0, 3, 2, 0], 4)
    np.testing.assert_array_equal(sensitivity, [1.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(
        sensitivity, sk.recall_score([0, 1, 2, 0], [0, 3, 2, 0], labels=[0, 1, 2, 3],
                                     average=None, zero_division=0))


def test_sensitivity_and_specificity_by_hand():
    # The module docstring's example, worked by hand: class 0 has TP 1, FN 1, FP 1, TN 3.
    y_true, y_pred = [0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0]
    assert [c.tolist() for c in metrics.one_vs_rest_counts(y_true, y_pred)] == [
        [1, 2, 1], [1, 0, 1], [1, 1, 0], [3, 3, 4]]
    np.testing.assert_allclose(metrics.sensitivity(y_true, y_pred), [0.5, 1.0, 0.5])
    np.testing.assert_allclose(metrics.specificity(y_true, y_pred), [0.75, 0.75, 1.0])
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(4 / 6)
    assert metrics.confusion_matrix(y_true, y_pred).tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]


def test_one_hot_labels_and_probabilities_are_accepted():
    y_true, y_pred = _random_labels(5, 30, 3)
    one_hot = np.eye(3, dtype="float32")[y_true]
    probabilities = np.eye(3)[y_pred] * 0.7 + 0.1
    assert metrics.accuracy(one_hot, probabilities) == metrics.accuracy(y_true, y_pred)
    np.testing.assert_array_equal(metrics.confusion_matrix(one_hot, probabilities),
                                  metrics.confusion_matrix(y_true, y_pred, 3))
    assert isinstance(metrics.accuracy(y_true, y_pred), float)
    assert metrics.confusion_matrix(y_true, y_pred).dtype == np.int64


def test_mismatched_lengths_name_the_argument():
    with pytest.raises(ValueError, match=r"`y_pred`.*Received: len\(y_true\)=3, len\(y_pred\)=2"):
        metrics.accuracy([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match="class indices"):
        metrics.confusion_matrix([0, 1.5], [0, 1])
