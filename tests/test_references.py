"""Committed reference outputs equal the ones the reference solution gives
now, and all of them agree with the oracles."""

import json

import pytest

from autograder import REPO, references
from autograder.checks import LABS, references_path
from autograder.oracles import oracle_module


@pytest.fixture(scope="module")
def regenerated():
    return references.generate()


def test_committed_references_equal_regenerated(regenerated):
    _, outputs = regenerated
    for (lab, hidden), values in outputs.items():
        committed = json.loads(references_path(lab, hidden).read_text())
        assert committed["provenance"]["generated_by"].startswith("make references")
        assert set(committed["outputs"]) == set(values), "run `make references`"
        for check_id, value in values.items():
            assert _close(committed["outputs"][check_id], json.loads(json.dumps(value))), check_id


@pytest.mark.parametrize("lab", LABS)
def test_provenance_names_the_current_reference_solution(lab):
    """The hashes of the reference solution's files in each committed file
    are those of the files now: a changed solution means `make references`."""
    for hidden in (False, True):
        path = references_path(lab, hidden)
        if path.is_file():
            committed = json.loads(path.read_text())["provenance"]
            assert committed == references.provenance(lab), f"{path.name}: run `make references`"


def _close(a, b):
    """Recursive equality, floats to 1e-9 relative (JSON keeps them exactly;
    the slack only absorbs a last-bit difference across platforms)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return a == pytest.approx(b, rel=1e-9, abs=1e-15)
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
