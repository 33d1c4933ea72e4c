"""The grader on the demo submissions and on submissions that misbehave."""

import csv
import json
import shutil
import zipfile

import pytest

from autograder.checks import load_checks
from autograder.demo import BUGS
from autograder.grading import grade_many
from autograder.report import write_reports

STATUSES = {"passed", "failed", "error", "timeout"}


def test_reference_gets_full_marks(demo_report):
    ref = demo_report["reference"]
    bad = [(c["id"], c["message"]) for c in ref["checks"] if c["status"] != "passed"]
    assert not bad and ref["score"] == ref["max_score"] > 0


def test_starter_gets_zero_with_hints(demo_report):
    starter = demo_report["starter"]
    assert starter["score"] == 0
    assert all(c["status"] == "error" for c in starter["checks"])
    assert all("NotImplementedError" in c["message"] and "Hint:" in c["message"]
               for c in starter["checks"])


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
    assert all(c.points > 0 and c.description for c in checks)
    assert any(c.hidden for c in checks)


# -- submissions that misbehave -------------------------------------------------
def _variant(tmp_path, name, prepend="", replace=None):
    """The reference solution with code added at import or a line replaced."""
    root = tmp_path / name
    shutil.copytree("src/dlkit", root / "src" / "dlkit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    path = root / "src" / "dlkit" / "callbacks.py"
    text = path.read_text()
    if replace:
        assert text.count(replace[0]) == 1
        text = text.replace(*replace)
    path.write_text(prepend + text)
    return root


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    subs = [
        _variant(tmp, "hangs_at_import", "while True:\n    pass\n"),
        _variant(tmp, "exits_at_import", "import os\nos._exit(3)\n"),
        _variant(tmp, "sys_exit_in_method", replace=(
            "exponent = math.floor(step / self.epochs_per_drop)",
            "exponent = math.floor(step / self.epochs_per_drop); import sys; sys.exit(1)")),
        _variant(tmp, "floods_output", replace=(
            "return float(self.initial_learning_rate * math.exp(-self.decay_rate * step))",
            "print('x' * 40_000_000)\n"
            "        return float(self.initial_learning_rate * math.exp(-self.decay_rate * step))")),
        _variant(tmp, "syntax_error", replace=("def schedule(self, step):\n        \"\"\"Returns the rate for epoch `step`",
                                              "def schedule(self, step)\n        \"\"\"Returns the rate for epoch `step`")),
    ]
    empty = tmp / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    evil = tmp / "escapes.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../../outside.py", "print('escaped')")
    subs += [empty, evil, _variant(tmp, "reference_again")]
    # Short limits keep the hanging submission cheap, yet leave an honest
    # check several times its usual cost (0.1 lost a save/load check to a
    # timeout on a machine loaded 8x beyond its cores).
    report = grade_many(subs, labs=["schedules"], include_hidden=False, timeout_scale=0.25)
    return {s["submission"]: s for s in report["submissions"]}, tmp


def test_hostile_batch_goes_on_and_good_submission_keeps_its_grade(hostile_report):
    report, _ = hostile_report
    assert report["reference_again"]["score"] == report["reference_again"]["max_score"]


def test_hang_at_import_times_out(hostile_report):
    report, _ = hostile_report
    statuses = {c["status"] for c in report["hangs_at_import"]["checks"]}
    assert "timeout" in statuses and report["hangs_at_import"]["score"] == 0


def test_exit_at_import_is_an_error(hostile_report):
    report, _ = hostile_report
    sub = report["exits_at_import"]
    assert sub["score"] == 0 and all(c["status"] == "error" for c in sub["checks"])


def test_sys_exit_in_one_method_loses_only_its_checks(hostile_report):
    report, _ = hostile_report
    sub = report["sys_exit_in_method"]
    lost = {c["id"] for c in sub["checks"] if c["status"] != "passed"}
    assert lost and all(i.startswith("schedules.step_decay") for i in lost)
    assert any(c["status"] == "error" and "SystemExit" in c["message"] for c in sub["checks"])


def test_output_flood_is_bounded(hostile_report):
    report, _ = hostile_report
    sub = report["floods_output"]
    lost = {c["id"]: c for c in sub["checks"] if c["status"] != "passed"}
    # Printing 40 MB passes the 16 MiB output cap: the worker is stopped in
    # the flooding method, only the checks that call it lose their points.
    assert lost and all(i.startswith("schedules.exponential") for i in lost)
    assert all(c["status"] == "error" and c["message"] for c in lost.values())
    assert sub["score"] > 0


def test_syntax_error_is_reported(hostile_report):
    report, _ = hostile_report
    sub = report["syntax_error"]
    assert sub["score"] == 0 and "SyntaxError" in sub["checks"][0]["message"]


def test_unusable_zips_are_reported_not_fatal(hostile_report):
    report, tmp = hostile_report
    assert "empty" in report["empty"]["checks"][0]["message"]
    assert "unsafe path" in report["escapes"]["checks"][0]["message"]
    assert not (tmp.parent / "outside.py").exists()
