"""Committed reference outputs equal the ones the reference solution gives
now, and all of them agree with the oracles."""

import json

import pytest

from autograder import REPO
from autograder.core.catalog import LABS, references_path
from instructor import reference_outputs as references
from instructor.oracles import oracle_module


@pytest.fixture(scope="module")
def regenerated():
    return references.generate()


def test_committed_references_equal_regenerated(regenerated):
    _, outputs = regenerated
    for (lab, hidden), values in outputs.items():
        committed = json.loads(references_path(lab, hidden).read_text())
        assert committed["provenance"]["generated_by"].startswith("make references")
        assert set(committed["outputs"]) == set(values), "run `make references`"
        rel = 1e-9 if _same_versions(committed["provenance"]) else CROSS_VERSION_REL
        for check_id, value in values.items():
            assert _close(committed["outputs"][check_id], json.loads(json.dumps(value)), rel), \
                check_id


# Float32 results move in their last bits between TensorFlow/Keras releases:
# under Colab's TF 2.20 / Keras 3.13 the largest difference from references
# made with TF 2.21 / Keras 3.15 was 4.4e-7 relative (15 of 366 outputs). The
# checks' own tolerances are 1e-6 and looser.
CROSS_VERSION_REL = 1e-5


def _same_versions(provenance):
    import keras
    import tensorflow as tf

    return (provenance["keras"], provenance["tensorflow"]) == (keras.__version__, tf.__version__)


@pytest.mark.parametrize("lab", LABS)
def test_provenance_names_the_current_reference_solution(lab):
    """The hashes of the reference solution's files in each committed file
    are those of the files now: a changed solution means `make references`."""
    for hidden in (False, True):
        path = references_path(lab, hidden)
        if path.is_file():
            committed = json.loads(path.read_text())["provenance"]
            now = references.provenance(lab)
            for versions in (committed, now):  # the suite also runs on Colab's versions
                versions.pop("keras"), versions.pop("tensorflow")
            assert committed == now, f"{path.name}: run `make references`"


def _close(a, b, rel=1e-9):
    """Recursive equality, floats to `rel` relative (JSON keeps them exactly;
    1e-9 only absorbs a last-bit difference across platforms)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], rel) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, rel) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return a == pytest.approx(b, rel=rel, abs=1e-15)
    return a == b


def test_references_agree_with_oracles(regenerated):
    checks, outputs = regenerated
    assert {c.lab for c in checks} == set(LABS)
    for lab in LABS:
        lab_checks = [c for c in checks if c.lab == lab]
        assert oracle_module(lab).verify(lab_checks, outputs) == len(lab_checks), lab
        assert oracle_module(lab).verify_lecture_examples(REPO / "src") >= 1, lab


def test_oracle_check_can_fail(regenerated):
    checks, outputs = regenerated
    check = next(c for c in checks if c.probe == "schedules.scripted_hooks")
    broken = {k: dict(v) for k, v in outputs.items()}
    rates = list(broken[(check.lab, check.hidden)][check.id]["batch_rates"])
    rates[1] *= 1.001
    broken[(check.lab, check.hidden)][check.id] = {
        **broken[(check.lab, check.hidden)][check.id], "batch_rates": rates}
    with pytest.raises(references.OracleMismatch):
        references.verify(checks, broken)
