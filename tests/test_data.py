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
