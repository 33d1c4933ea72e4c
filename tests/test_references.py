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
    """The reference solution run now passes every check against the
    committed outputs, to the checks' own tolerances.

    Not to 1e-9: float32 results move in their last bits between CPUs as
    between releases. With the same TensorFlow and Keras, references made on
    another machine differ here (AMD EPYC) in 786 floats, by up to 2.5e-5
    relative (a loss after 60 epochs of training; 1e-5 for weights after a
    save/load); across releases the largest difference measured was 4.4e-7.
    A changed solution is caught by the provenance test below, and a changed
    output by its check."""
    checks, outputs = regenerated
    by_id = {c.id: c for c in checks}
    for (lab, hidden), values in outputs.items():
        committed = json.loads(references_path(lab, hidden).read_text())
        assert committed["provenance"]["generated_by"].startswith("make references")
        assert set(committed["outputs"]) == set(values), "run `make references`"
        for check_id, value in values.items():
            passed, message = by_id[check_id].compare(committed["outputs"][check_id],
                                                      json.loads(json.dumps(value)))
            assert passed, f"{check_id}: {message} (run `make references`?)"


def test_a_stale_reference_is_caught(regenerated):
    checks, outputs = regenerated
    check = next(c for c in checks if c.probe == "schedules.scripted_hooks")
    committed = json.loads(references_path(check.lab, check.hidden).read_text())
    stale = dict(committed["outputs"][check.id])
    stale["batch_rates"] = [r * 1.001 for r in stale["batch_rates"]]
    passed, _ = check.compare(stale, outputs[(check.lab, check.hidden)][check.id])
    assert not passed


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
