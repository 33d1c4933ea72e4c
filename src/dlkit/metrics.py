"""Classification metrics from the confusion matrix, in NumPy.

Lab ``iris_basics`` (``roc_curve`` and ``roc_auc``, at the end: lab
``generalization``). You write the bodies that raise ``NotImplementedError``
in your copy; everything else is given. The checks compare your functions
with scikit-learn's (``accuracy_score``, ``confusion_matrix``,
``recall_score``) on fixed label arrays.

Conventions that change the numbers:

- Labels are class indices ``0 .. n_classes - 1``. Every function also
  accepts one-hot labels or predicted probabilities, shape ``(n, k)``, and
  turns them into class indices with ``argmax`` over the last axis (the
  given `as_labels`), so ``accuracy(y_test, model(x_test))`` works.
- The confusion matrix has one **row per true class** and one **column per
  predicted class**: ``cm[i, j]`` counts the samples of class ``i``
  predicted as class ``j`` (scikit-learn's layout; some textbooks transpose
  it).
- Sensitivity and specificity are **one-vs-rest**, one value per class:
  for class ``k`` the positives are the samples of class ``k`` and the
  negatives all others. With ``TP, FN, FP, TN`` counted that way::

      sensitivity[k] = TP / (TP + FN)    # recall: of the class-k samples, the share found
      specificity[k] = TN / (TN + FP)    # of the other samples, the share not called k

  Sensitivity equals ``sklearn.metrics.recall_score(average=None)``.
- A ratio ``0 / 0`` (for example the sensitivity of a class with no
  samples in `y_true`) is ``0.0``, like scikit-learn's ``zero_division=0``.
  A class that is never *predicted* is no such case: its sensitivity is 0
  and its specificity is 1.

Example:

>>> y_true = [0, 0, 1, 1, 2, 2]
>>> y_pred = [0, 1, 1, 1, 2, 0]
>>> accuracy(y_true, y_pred)
0.6666666666666666
>>> confusion_matrix(y_true, y_pred).tolist()
[[1, 1, 0], [0, 2, 0], [1, 0, 1]]
>>> sensitivity(y_true, y_pred).tolist()
[0.5, 1.0, 0.5]
>>> specificity(y_true, y_pred).tolist()
[0.75, 0.75, 1.0]
"""

import numpy as np

__all__ = ["as_labels", "accuracy", "confusion_matrix", "one_vs_rest_counts", "sensitivity",
           "specificity", "roc_curve", "roc_auc"]


def as_labels(y):
    """Class indices of `y` (given code).

    Args:
        y: class indices, shape ``(n,)`` (or ``(n, 1)``), or one-hot labels /
            probabilities, shape ``(n, k)`` with ``k > 1``: the class is the
            ``argmax`` over the last axis. NumPy arrays, lists and tensors work.

    Returns:
        A 1-D ``int64`` NumPy array of length ``n``.
    """
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1).astype(np.int64)
    if y.ndim == 2:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(
            "Labels must have shape (n,), (n, 1) or (n, n_classes). "
            f"Received: shape={y.shape}"
        )
    labels = y.astype(np.int64)
    if not np.array_equal(labels, y) or (labels < 0).any():
        raise ValueError(
            "Labels must be class indices 0, 1, 2, ... "
            f"Received: labels={y[:10].tolist()}"
        )
    return labels


def _pair(y_true, y_pred):
    """Both label arrays as class indices, checked to have the same length."""
    y_true, y_pred = as_labels(y_true), as_labels(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(
            "Argument `y_pred` must have one label per sample of `y_true`. "
            f"Received: len(y_true)={len(y_true)}, len(y_pred)={len(y_pred)}"
        )
    return y_true, y_pred


def _ratio(numerator, denominator):
    """Element-wise ``numerator / denominator`` as float64, with 0 / 0 = 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, 0.0, numerator / safe)


def accuracy(y_true, y_pred):
    """Share of the samples whose predicted class equals the true class.

    Args:
        y_true: true classes (see `as_labels` for the accepted forms).
        y_pred: predicted classes or probabilities, one per sample.

    Returns:
        A Python ``float`` in ``[0, 1]``; ``0.0`` for zero samples. Equals
        ``sklearn.metrics.accuracy_score(y_true, y_pred)``.

    Example:

    >>> accuracy([0, 1, 2, 2], [0, 2, 2, 2])
    0.75
    """
    y_true, y_pred = _pair(y_true, y_pred)
    ### BEGIN SOLUTION
    ### HINT: accuracy is the share of positions where the two label arrays agree: compare element-wise and average. Pitfall: return a Python float, and 0.0 for empty inputs (no division by zero).
    if len(y_true) == 0:
        return 0.0
    return float(np.mean(y_true == y_pred))
    ### END SOLUTION


def confusion_matrix(y_true, y_pred, n_classes=None):
    """Counts of (true class, predicted class) pairs.

    Args:
        y_true: true classes (see `as_labels` for the accepted forms).
        y_pred: predicted classes or probabilities, one per sample.
        n_classes: number of classes, so a class that never occurs still
            gets its row and column. Defaults to None: one more than the
            largest class index in `y_true` or `y_pred` (0 for no samples).

    Returns:
        An ``int64`` array of shape ``(n_classes, n_classes)``: ``cm[i, j]``
        is the number of samples of true class ``i`` predicted as class
        ``j`` (rows: true, columns: predicted). It sums to the number of
        samples. Equals ``sklearn.metrics.confusion_matrix(y_true, y_pred,
        labels=range(n_classes))``.

    Example:

    >>> confusion_matrix([0, 1, 1], [0, 0, 1], n_classes=3).tolist()
    [[1, 0, 0], [1, 1, 0], [0, 0, 0]]
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if n_classes is None:
        n_classes = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    ### BEGIN SOLUTION
    ### HINT: count pairs: row = true class, column = predicted class, one count per sample, in an integer matrix of n_classes by n_classes. API: np.zeros with an integer dtype, and np.add.at (plain fancy-index += counts a repeated pair only once).
    ### MORE: A Python loop over the samples is fine too. Pitfall: a class that never occurs still gets its row and column.
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm
    ### END SOLUTION


def one_vs_rest_counts(y_true, y_pred, n_classes=None):
    """``TP, FN, FP, TN`` of every class, each class against all the others.

    For class ``k`` the positives are the samples whose true class is ``k``.
    From the confusion matrix ``cm`` (rows true, columns predicted):

    - ``TP[k] = cm[k, k]``: class ``k``, predicted ``k``;
    - ``FN[k]`` = row ``k``'s sum minus ``TP[k]``: class ``k``, predicted
      something else (missed);
    - ``FP[k]`` = column ``k``'s sum minus ``TP[k]``: another class,
      predicted ``k`` (false alarms);
    - ``TN[k]`` = all samples minus ``TP[k] + FN[k] + FP[k]``.

    Args:
        y_true: true classes (see `as_labels` for the accepted forms).
        y_pred: predicted classes or probabilities, one per sample.
        n_classes: as in `confusion_matrix`. Defaults to None.

    Returns:
        ``(tp, fn, fp, tn)``: four ``int64`` arrays of shape
        ``(n_classes,)``; ``tp + fn + fp + tn`` is the number of samples
        for every class.

    Example:

    >>> [c.tolist() for c in one_vs_rest_counts([0, 0, 1, 1], [0, 1, 1, 1])]
    [[1, 2], [1, 0], [0, 1], [2, 1]]
    """
    ### BEGIN SOLUTION
    ### HINT: reuse your confusion_matrix: for class k, TP is the diagonal entry, FN the rest of row k, FP the rest of column k, TN everything else (the notebook's table). API: np.diag and sums along an axis; all four are arrays over the classes.
    cm = confusion_matrix(y_true, y_pred, n_classes)
    tp = np.diag(cm)
    fn = cm.sum(axis=1) - tp
    fp = cm.sum(axis=0) - tp
    tn = cm.sum() - tp - fn - fp
    return tp, fn, fp, tn
    ### END SOLUTION


def sensitivity(y_true, y_pred, n_classes=None):
    """One-vs-rest sensitivity (recall, true-positive rate) of every class.

    ``sensitivity[k] = TP / (TP + FN)``: of the samples whose true class is
    ``k``, the share predicted as ``k`` (counts from `one_vs_rest_counts`).

    Args:
        y_true: true classes (see `as_labels` for the accepted forms).
        y_pred: predicted classes or probabilities, one per sample.
        n_classes: as in `confusion_matrix`. Defaults to None.

    Returns:
        A float64 array of shape ``(n_classes,)``; ``0.0`` for a class with
        no samples in `y_true` (0 / 0). Equals
        ``sklearn.metrics.recall_score(y_true, y_pred, labels=range(n_classes),
        average=None, zero_division=0)``.

    Example:

    >>> sensitivity([0, 0, 1, 1], [0, 1, 1, 1]).tolist()
    [0.5, 1.0]
    """
    ### BEGIN SOLUTION
    ### HINT: the one-vs-rest counts of every class come from your one_vs_rest_counts; the rate is the docstring's ratio of two of them, divided with the given _ratio so that a class with no samples gives 0 instead of a warning.
    ### MORE: Sensitivity asks: of the true members of class k, how many were found? Specificity: of the others, how many were not called k?
    tp, fn, fp, tn = one_vs_rest_counts(y_true, y_pred, n_classes)
    return _ratio(tp, tp + fn)
    ### END SOLUTION


def specificity(y_true, y_pred, n_classes=None):
    """One-vs-rest specificity (true-negative rate) of every class.

    ``specificity[k] = TN / (TN + FP)``: of the samples whose true class is
    *not* ``k``, the share not predicted as ``k`` (counts from
    `one_vs_rest_counts`).

    Args:
        y_true: true classes (see `as_labels` for the accepted forms).
        y_pred: predicted classes or probabilities, one per sample.
        n_classes: as in `confusion_matrix`. Defaults to None.

    Returns:
        A float64 array of shape ``(n_classes,)``; ``0.0`` where a class
        has no negatives (0 / 0). Equals the recall of the negative class of
        the one-vs-rest problem, ``recall_score(y_true != k, y_pred != k)``.

    Example:

    >>> specificity([0, 0, 1, 1], [0, 1, 1, 1]).tolist()
    [1.0, 0.5]
    """
    ### BEGIN SOLUTION
    ### HINT: the one-vs-rest counts of every class come from your one_vs_rest_counts; the rate is the docstring's ratio of two of them, divided with the given _ratio so that a class with no samples gives 0 instead of a warning.
    ### MORE: Sensitivity asks: of the true members of class k, how many were found? Specificity: of the others, how many were not called k?
    tp, fn, fp, tn = one_vs_rest_counts(y_true, y_pred, n_classes)
    return _ratio(tn, tn + fp)
    ### END SOLUTION


# -- lab generalization: the ROC curve and the area under it --------------------------
def _binary_scores(y_true, scores):
    """`y_true` as a 1-D bool array and `scores` as a 1-D float64 array
    (given): both are raveled, so ``(n, 1)`` labels and ``model.predict``
    outputs work."""
    y_true = np.asarray(y_true).ravel()
    scores = np.asarray(scores, dtype=np.float64).ravel()
    if y_true.shape != scores.shape:
        raise ValueError(f"Argument `scores` must hold one score per label ({y_true.size}). "
                         f"Received: scores of {scores.size} values")
    if y_true.size == 0 or not np.all(np.isin(y_true, (0, 1))):
        raise ValueError("Argument `y_true` must be a non-empty array of 0 and 1 labels. "
                         f"Received: y_true={y_true[:10].tolist()}")
    if not np.all(np.isfinite(scores)):
        raise ValueError("Argument `scores` must hold finite numbers. "
                         f"Received: scores={scores[:10].tolist()}")
    return y_true.astype(bool), scores


def roc_curve(y_true, scores):
    """The ROC curve: false- and true-positive rates at every threshold.

    A sample is predicted positive when its score is ``>= threshold``. The
    thresholds are the **distinct** scores in decreasing order, preceded by
    ``inf`` (nothing predicted positive: the curve starts at ``(0, 0)``);
    tied scores share one threshold, so the curve jumps diagonally across a
    tie. Every threshold is kept (scikit-learn's
    ``roc_curve(y_true, scores, drop_intermediate=False)``, which these
    values equal). With no positive (or no negative) label the rates divide
    by 0 and are ``nan``, as in scikit-learn.

    Args:
        y_true: 0/1 labels, shape ``(n,)`` or ``(n, 1)``.
        scores: one score per label (a probability or any real number),
            higher meaning more likely positive.

    Returns:
        ``(fpr, tpr, thresholds)``, 1-D float64 arrays of one length (the
        number of distinct scores + 1): ``fpr[i]`` and ``tpr[i]`` are the
        shares of negatives and of positives with ``score >= thresholds[i]``.

    Example:

    >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr.tolist(), tpr.tolist(), thresholds.tolist()
    ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0], [inf, 0.8, 0.4, 0.35, 0.1])
    """
    y_true, scores = _binary_scores(y_true, scores)
    ### BEGIN SOLUTION
    ### HINT: sort the samples by decreasing score, count positives and negatives cumulatively, and keep the counts only at the last sample of each run of equal scores. Pitfall: one point per sample instead of per distinct score when scores tie.
    ### MORE: np.argsort of the negated scores (kind="stable") orders them; np.cumsum counts; a position ends a run where the next sorted score differs (np.diff). Prepend a zero count and the threshold np.inf, then divide by the totals.
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], y_true[order]
    last = np.r_[np.flatnonzero(np.diff(ranked)), ranked.size - 1]
    tps = np.r_[0, np.cumsum(hits)[last]]
    fps = np.r_[0, np.cumsum(~hits)[last]]
    with np.errstate(invalid="ignore", divide="ignore"):
        fpr, tpr = fps / fps[-1], tps / tps[-1]
    return fpr, tpr, np.r_[np.inf, ranked[last]]
    ### END SOLUTION


def roc_auc(y_true, scores):
    """The area under the ROC curve (AUC), by the trapezoidal rule.

    Equals the probability that a random positive scores higher than a
    random negative, a tie counting one half, and
    ``sklearn.metrics.roc_auc_score`` for binary labels. The trapezoids
    matter at ties: across a run of tied scores the curve is a diagonal, not
    a step.

    Args:
        y_true: 0/1 labels, shape ``(n,)`` or ``(n, 1)``, both classes present.
        scores: one score per label.

    Returns:
        A Python float in ``[0, 1]``.

    Raises:
        ValueError: when `y_true` holds only one class (no curve to measure).

    Example:

    >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    >>> roc_auc([0, 1], [0.5, 0.5])
    0.5
    """
    labels, _ = _binary_scores(y_true, scores)
    if labels.all() or not labels.any():
        raise ValueError("Argument `y_true` must hold both classes: the AUC is undefined with "
                         f"one. Received: y_true with only {int(labels[0])} labels")
    ### BEGIN SOLUTION
    ### HINT: the area under the points of this file's roc_curve, one trapezoid between consecutive points. Pitfall: rectangles (left or right sums) count a tie as a step.
    ### MORE: np.trapezoid (np.trapz before NumPy 2) takes the y values first and the x values second; return a Python float.
    fpr, tpr, _ = roc_curve(y_true, scores)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))
    ### END SOLUTION
