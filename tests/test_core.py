"""The grading core with a fake worker: no TensorFlow, no processes, so a
change to the probe-to-compare loop is checked in seconds
(``pytest tests/test_core.py``)."""

import ast
import subprocess
import sys

import pytest

from autograder import REPO
from autograder.core import grading
from autograder.core.catalog import (
    GIVEN_CODE_TASK,
    LABS,
    Check,
    lab_tasks,
    load_checks,
    task_of,
)
from autograder.core.evaluate import MAX_MESSAGE, CheckResult, Outcome, evaluate, run_probes
from autograder.core.runner import ProbeOutcome, ProbeStatus


def _equal(expected, got):
    return (expected == got), ("matches" if expected == got else f"expected {expected}, got {got}")


def _check(what, probe="p", args=None, points=2, compare=_equal, **kwargs):
    return Check(f"schedules.step_decay.{what}", points, probe, args or {}, compare,
                 f"check {what}", **kwargs)


class FakeWorker:
    """A `ProbeCall` that answers from a table and records every call."""

    def __init__(self, answers):
        self.answers, self.calls = answers, []

    def __call__(self, probe, args, timeout):
        self.calls.append((probe, args, timeout))
        answer = self.answers[probe]
        return answer if isinstance(answer, ProbeOutcome) else ProbeOutcome(
            ProbeStatus.OK, result=answer)


def test_each_distinct_probe_runs_once():
    worker = FakeWorker({"p": 1, "q": 2})
    checks = [_check("a"), _check("b"), _check("c", probe="q"), _check("d", args={"x": 1})]
    outcomes = run_probes(checks, worker)
    assert list(outcomes) == [c.id for c in checks]
    assert [call[:2] for call in worker.calls] == [("p", {}), ("q", {}), ("p", {"x": 1})]


def test_outcomes_follow_the_probe_and_the_compare():
    def raises(expected, got):
        raise KeyError("rates")

    worker = FakeWorker({
        "ok": 3,
        "raises": ProbeOutcome(ProbeStatus.ERROR, error={
            "type": "NotImplementedError", "message": "StepDecay: not yet", "where": "x.py:3"}),
        "slow": ProbeOutcome(ProbeStatus.TIMEOUT, error={"type": "Timeout",
                                                         "message": "no answer within 5 s"}),
        "dies": ProbeOutcome(ProbeStatus.CRASHED, error={"type": "WorkerCrashed",
                                                        "message": "the worker stopped"}),
    })
    checks = [_check("right", "ok"), _check("wrong", "ok", args={"n": 1}),
              _check("odd", "ok", args={"n": 2}, compare=raises), _check("raised", "raises"),
              _check("hung", "slow"), _check("crashed", "dies")]
    references = {checks[0].id: 3, checks[1].id: 4, checks[2].id: 3, checks[3].id: 0,
                  checks[4].id: 0, checks[5].id: 0}
    results = evaluate(checks, references, worker)
    assert [r.outcome for r in results] == [Outcome.PASSED, Outcome.FAILED, Outcome.FAILED,
                                            Outcome.ERROR, Outcome.TIMEOUT, Outcome.ERROR]
    assert [r.score for r in results] == [2.0, 0, 0, 0, 0, 0]
    assert results[1].message == "expected 4, got 3" and results[1].output == 3
    assert results[2].message == "unexpected output (KeyError: 'rates')"
    assert results[3].message == "NotImplementedError: StepDecay: not yet (at x.py:3)"
    assert results[4].message == "Timeout: no answer within 5 s"
    assert results[5].message == "WorkerCrashed: the worker stopped"


def test_grader_seed_shifts_only_gate_seeds_and_time_limits_scale():
    worker = FakeWorker({"gate": 0.9, "plain": 1})
    gate = _check("gate", "gate", {"seed": 3}, gate=True, timeout=10)
    plain = _check("plain", "plain", {"seed": 3}, timeout=10)
    evaluate([gate, plain], {gate.id: 0.9, plain.id: 1}, worker, seed=5, timeout_scale=0.5)
    assert worker.calls == [("gate", {"seed": 8}, 5.0), ("plain", {"seed": 3}, 5.0)]
    worker.calls.clear()
    evaluate([gate], {gate.id: 0.9}, worker)  # seed 0: the published grade
    assert worker.calls == [("gate", {"seed": 3}, 10.0)]


def test_a_result_row_has_the_report_keys_and_a_bounded_message():
    check = _check("long")
    row = CheckResult(check, Outcome.FAILED, "x" * 5000).as_dict()
    assert set(row) == {"id", "lab", "score", "max_score", "status", "message", "description"}
    assert row["status"] == "failed" and row["lab"] == "schedules"
    assert row["score"] == 0.0 and row["max_score"] == 2.0 and len(row["message"]) == MAX_MESSAGE
    report = grading.submission_report("alice", [CheckResult(check, Outcome.PASSED, "ok"),
                                                 CheckResult.error(_check("b"), "broken")])
    assert (report["score"], report["max_score"]) == (2.0, 4.0)
    assert [c["status"] for c in report["checks"]] == ["passed", "error"]


def test_an_unreadable_submission_errors_every_check_with_the_reason(tmp_path):
    (tmp_path / "notes.txt").write_text("no src here")
    checks = [_check("a"), _check("b")]
    report = grading.grade_one(tmp_path, checks, {})
    assert report["score"] == 0 and {c["status"] for c in report["checks"]} == {"error"}
    assert all("has no src/dlkit folder" in c["message"] for c in report["checks"])


def test_a_grader_failure_costs_the_submission_not_the_batch(tmp_path, monkeypatch):
    (tmp_path / "src" / "dlkit").mkdir(parents=True)

    class BrokenSession:
        def __init__(self, *args, **kwargs):
            raise OSError("no room left")

    monkeypatch.setattr(grading, "WorkerSession", BrokenSession)
    report = grading.grade_one(tmp_path, [_check("a")], {})
    assert report["checks"][0]["status"] == "error"
    assert report["checks"][0]["message"].startswith("grader error: ")
    assert "no room left" in report["checks"][0]["message"]


def test_the_task_is_read_from_the_id():
    assert task_of("schedules.step_decay.rates") == "step_decay"
    assert task_of("schedules.cyclic_hidden_exp_range.rates") == "cyclic"
    assert task_of("losses.iris_training.gate") == "iris_training"  # not a shorter match
    assert _check("x").lab == "schedules" and _check("x").task == "step_decay"
    with pytest.raises(ValueError, match="names no task of lab 'schedules'"):
        task_of("schedules.stepdecay.rates")
    with pytest.raises(ValueError, match="Unknown lab"):
        task_of("nolab.step_decay.rates")


def test_every_check_names_a_task_of_its_lab_in_notebook_order():
    for lab in LABS:
        tasks = lab_tasks(lab)
        seen = [c.task for c in load_checks([lab], include_hidden=False)
                if c.task != GIVEN_CODE_TASK]
        assert set(seen) == set(tasks), lab
        first = sorted(set(seen), key=seen.index)
        assert tuple(first) == tasks, (lab, first)


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module or ""


def test_the_shipped_package_never_imports_the_instructors():
    offenders = [(path.relative_to(REPO).as_posix(), name)
                 for path in sorted((REPO / "autograder").rglob("*.py"))
                 for name in _imports(path) if name.split(".")[0] == "instructor"]
    assert offenders == []


def test_the_grading_core_loads_without_tensorflow():
    code = ("import sys, autograder.core.grading, autograder.core.evaluate, autograder.reports\n"
            "from autograder.core.catalog import load_checks\n"
            "load_checks()\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
