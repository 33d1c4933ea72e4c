"""The extra mutants of ``make mutants`` are well formed (no grading here:
``python -m instructor.measure.kill_rate`` grades them)."""

import ast

import pytest

from autograder import REPO
from autograder.core.catalog import LABS
from instructor.demo import BUGS
from instructor.demo.mutants import EQUIVALENT, MUTANTS
from instructor.measure.kill_rate import summarize, verdict


def test_names_are_unique_and_prefixed():
    names = [m.name for m in BUGS + MUTANTS]
    assert len(names) == len(set(names))
    assert all(m.name.startswith("mut_") for m in MUTANTS)


def test_every_lab_has_extra_mutants():
    assert len(MUTANTS) >= 20
    assert {m.lab for m in MUTANTS} == set(LABS)


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mutant_replaces_text_that_occurs_once_and_still_parses(mutant):
    text = (REPO / "src" / "dlkit" / mutant.file).read_text()
    assert text.count(mutant.old) == 1, "the text to replace must occur once"
    assert mutant.old != mutant.new
    assert mutant.loses == () and mutant.why
    ast.parse(text.replace(mutant.old, mutant.new))  # a mutant is wrong code, not a typo


def test_equivalent_mutants_exist_and_say_why():
    names = {m.name for m in MUTANTS}
    assert all(name in names and reason for name, reason in EQUIVALENT.items())


def test_kill_rate_leaves_equivalent_mutants_out():
    killed_one, survivor = [m for m in MUTANTS if m.name not in EQUIVALENT][:2]
    submission = {"score": 1.0, "max_score": 2.0, "checks": [
        {"id": "a", "status": "failed", "max_score": 1.0},
        {"id": "b", "status": "passed", "max_score": 1.0}]}
    # A check worth no points (the given-code report) kills nothing.
    untouched = {"score": 2.0, "max_score": 2.0, "checks": [
        {"id": "a", "status": "passed", "max_score": 1.0},
        {"id": "b", "status": "passed", "max_score": 1.0},
        {"id": "g", "status": "failed", "max_score": 0.0}]}
    rows = [verdict(killed_one, "extra", submission, {"a", "b"}),
            verdict(survivor, "extra", untouched, {"a", "b", "g"}),
            verdict(killed_one, "extra", submission, {"b"})]  # the reference fails "a" too
    assert [r["killed"] for r in rows] == [True, False, False]
    assert rows[0]["failed"] == ["a"]
    summary = summarize(rows, LABS)
    assert (summary["killed"], summary["counted"], summary["equivalent"]) == (1, 3, 0)
