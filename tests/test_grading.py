"""The grader on the demo submissions (hostile ones: test_hostile.py)."""

import csv
import json

import pytest

from autograder.core.catalog import GIVEN_CODE_TASK, LABS, load_checks
from autograder.reports import write_reports
from instructor.demo import BUGS

STATUSES = {"passed", "failed", "error", "timeout"}


def test_reference_gets_full_marks(demo_report):
    ref = demo_report["reference"]
    bad = [(c["id"], c["message"]) for c in ref["checks"] if c["status"] != "passed"]
    assert not bad and ref["score"] == ref["max_score"] > 0


def test_starter_gets_zero_with_hints(demo_report):
    starter = demo_report["starter"]
    assert starter["score"] == 0
    graded = [c for c in starter["checks"] if c["max_score"] > 0]
    assert all(c["status"] == "error" for c in graded)
    assert all("NotImplementedError" in c["message"] and "Hint:" in c["message"]
               for c in graded)
    # The starter's given code is the course's: each lab's given-code check passes.
    given = [c for c in starter["checks"] if c["id"].endswith(".given_code.unchanged")]
    assert len(given) == len(LABS) and all(c["status"] == "passed" for c in given)


@pytest.mark.parametrize("bug", BUGS, ids=lambda b: b.name)
def test_planted_bug_loses_exactly_its_checks(demo_report, bug):
    sub = demo_report[bug.name]
    ids = [c["id"] for c in sub["checks"]]
    failed = {c["id"] for c in sub["checks"] if c["status"] != "passed"}
    assert failed == bug.expected_failures(ids)
    assert failed, "a planted bug must lose points"
    assert all(c["status"] == "failed" and c["message"] for c in sub["checks"]
               if c["id"] in failed)


def test_messages_say_what_differs(demo_report):
    checks = {c["id"]: c for c in demo_report["bug_step_decay_off_by_one"]["checks"]}
    assert checks["schedules.step_decay.rates"]["message"].startswith(
        "epoch 2: expected 0.1, got 0.05")


def test_reports_follow_the_contract(demo_report, tmp_path):
    report = {"submissions": list(demo_report.values())}
    write_reports(report, json_path=tmp_path / "r.json", out_dir=tmp_path)
    data = json.loads((tmp_path / "r.json").read_text())
    for sub in data["submissions"]:
        assert set(sub) == {"submission", "score", "max_score", "checks"}
        assert sub["score"] == pytest.approx(sum(c["score"] for c in sub["checks"]))
        for c in sub["checks"]:
            assert set(c) == {"id", "lab", "score", "max_score", "status", "message"}
            assert c["status"] in STATUSES and 0 <= c["score"] <= c["max_score"]
    rows = list(csv.DictReader(open(tmp_path / "grades.csv")))
    assert {r["submission"] for r in rows} == set(demo_report)
    html = (tmp_path / "feedback" / "bug_triangular2_scale.html").read_text()
    assert "schedules.cyclic_triangular2.rates" in html and "FAIL" in html


def test_every_check_has_points_and_a_unique_id():
    checks = load_checks()
    assert len({c.id for c in checks}) == len(checks)
    assert all(c.points > 0 and c.description for c in checks if c.task != GIVEN_CODE_TASK)
    assert all(c.points == 0 for c in checks if c.task == GIVEN_CODE_TASK)
    assert any(c.hidden for c in checks)
