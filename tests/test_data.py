import hashlib

import numpy as np
import pytest

from dlkit import data


def test_titanic_checksum_matches_contract():
    digest = hashlib.sha256((data.DATASETS_DIR / "titanic.csv").read_bytes()).hexdigest()
    assert digest == "4a437fde05fe5264e1701a7387ac6fb75393772ba38bb2c9c566405af5af4bd7"


def test_corrupted_file_is_refused(tmp_path, monkeypatch):
    (tmp_path / "titanic.csv").write_text("PassengerId,Survived\n1,0\n")
    monkeypatch.setattr(data, "DATASETS_DIR", tmp_path)
    with pytest.raises(ValueError, match="git checkout datasets/titanic.csv"):
        data.load_titanic()


@pytest.mark.parametrize("loader,n,features,labels", [
    (data.load_iris, 150, 4, 3), (data.load_titanic, 891, 10, 1)])
def test_split_shapes_dtypes_and_stratification(loader, n, features, labels):
    (xt, yt), (xv, yv), (xs, ys) = loader(seed=3)
    assert len(xt) + len(xv) + len(xs) == n
    assert abs(len(xt) / n - 0.6) < 0.01 and abs(len(xv) / n - 0.2) < 0.01
    for x, y in ((xt, yt), (xv, yv), (xs, ys)):
        assert x.dtype == np.float32 and x.shape[1] == features and y.shape[1] == labels
        assert np.isfinite(x).all()
    rate = lambda y: y.mean(axis=0)  # noqa: E731
    np.testing.assert_allclose(rate(yv), rate(yt), atol=0.03)
    np.testing.assert_allclose(rate(ys), rate(yt), atol=0.03)


def test_scaling_fitted_on_training_split_only():
    (xt, _), (xv, _), _ = data.load_iris(seed=0)
    np.testing.assert_allclose(xt.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(xt.std(axis=0), 1, atol=1e-5)
    assert not np.allclose(xv.mean(axis=0), 0, atol=1e-3)


def test_seed_changes_split_and_is_reproducible():
    a, b = data.load_iris(seed=1)[0][0], data.load_iris(seed=1)[0][0]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, data.load_iris(seed=2)[0][0])


def test_iterations_per_epoch_lecture_example():
    assert data.iterations_per_epoch(200, 5) == 40
    assert 1000 * data.iterations_per_epoch(200, 5) == 40_000
    assert data.iterations_per_epoch(201, 5) == 41
    with pytest.raises(ValueError, match="batch_size"):
        data.iterations_per_epoch(200, 0)


# -- iris_basics: iterations_per_epoch and minibatch_indices -------------------------
@pytest.mark.parametrize("n,b", [(200, 5), (201, 5), (199, 5), (0, 5), (1, 1), (1, 5),
                                 (90, 16), (90, 90), (90, 1), (150, 200), (10**18 + 1, 10**9)])
def test_iterations_per_epoch_is_the_ceiling(n, b):
    got = data.iterations_per_epoch(n, b)
    assert type(got) is int
    assert got == -(-n // b)
    assert (got - 1) * b < n <= got * b or n == got == 0  # the last batch is not empty


def test_iterations_per_epoch_accepts_numpy_integers():
    assert data.iterations_per_epoch(np.int64(201), np.int32(5)) == 41


@pytest.mark.parametrize("kwargs,argument", [
    ({"n_samples": -1, "batch_size": 5}, "n_samples"),
    ({"n_samples": 10.0, "batch_size": 5}, "n_samples"),
    ({"n_samples": True, "batch_size": 5}, "n_samples"),
    ({"n_samples": 10, "batch_size": 0}, "batch_size"),
    ({"n_samples": 10, "batch_size": 2.5}, "batch_size"),
    ({"n_samples": 10, "batch_size": -4}, "batch_size"),
])
def test_iterations_per_epoch_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError) as info:
        data.iterations_per_epoch(**kwargs)
    message = str(info.value)
    assert f"`{argument}`" in message
    assert message.splitlines()[-1].split("Received: ")[1].startswith(f"{argument}=")


def _epoch(n, b, seed, shuffle=True):
    return [batch.tolist() for batch in data.minibatch_indices(n, b, seed=seed, shuffle=shuffle)]


@pytest.mark.parametrize("n,b", [(10, 4), (200, 5), (201, 5), (6, 10), (7, 7), (0, 3), (9, 1)])
def test_minibatches_cover_every_index_once_with_the_partial_batch(n, b):
    batches = _epoch(n, b, seed=1)
    assert len(batches) == data.iterations_per_epoch(n, b)
    assert [len(x) for x in batches] == [b] * (n // b) + ([n % b] if n % b else [])
    assert sorted(i for batch in batches for i in batch) == list(range(n))


def test_minibatch_order_is_the_documented_permutation():
    from instructor.oracles.iris_basics import documented_batches

    for n, b, seed in [(10, 4, 3), (23, 5, 17), (201, 5, 0)]:
        order = np.random.default_rng(seed).permutation(n)
        expected = [order[s:s + b].tolist() for s in range(0, n, b)]
        assert _epoch(n, b, seed) == expected == documented_batches(n, b, seed)
    assert _epoch(10, 4, 0) == [[4, 6, 2, 7], [3, 5, 9, 0], [8, 1]]  # the docstring's


def test_same_int_seed_same_order_generator_a_new_order_every_epoch():
    assert _epoch(30, 7, seed=5) == _epoch(30, 7, seed=5)
    assert _epoch(30, 7, seed=5) != _epoch(30, 7, seed=6)
    rng, oracle = np.random.default_rng(5), np.random.default_rng(5)
    epochs = [_epoch(30, 7, seed=rng) for _ in range(3)]
    assert epochs[0] == _epoch(30, 7, seed=5)
    assert epochs[1] != epochs[0] and epochs[2] != epochs[1]
    for epoch in epochs:
        order = oracle.permutation(30)
        assert [i for batch in epoch for i in batch] == order.tolist()


def test_no_shuffle_keeps_order_and_leaves_the_generator_alone():
    rng = np.random.default_rng(0)
    assert _epoch(10, 3, seed=rng, shuffle=False) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert rng.permutation(5).tolist() == np.random.default_rng(0).permutation(5).tolist()


def test_minibatch_indices_yields_integer_arrays_and_validates():
    batch = next(data.minibatch_indices(10, 4, seed=0))
    assert isinstance(batch, np.ndarray) and batch.dtype.kind == "i" and batch.ndim == 1
    with pytest.raises(ValueError, match="`batch_size`"):
        list(data.minibatch_indices(10, 0))
    with pytest.raises(ValueError, match="`n_samples`"):
        list(data.minibatch_indices(-3, 2))


def test_lecture_examples_on_the_reference():
    from autograder import REPO
    from instructor.oracles.iris_basics import verify_lecture_examples

    assert verify_lecture_examples(REPO / "src") == 3
