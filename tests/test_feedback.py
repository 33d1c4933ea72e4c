"""Feedback students read: the plot data a failed sequence check carries, the
per-student HTML (summary first, lost checks first, plots, hidden checks
per the feedback policy), the LMS gradebook CSV, and the page as headless
Chromium renders it."""

import copy
import csv
import json
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from autograder.core import compare
from autograder.core.catalog import Check, load_checks, load_references
from autograder.core.evaluate import CheckResult, judge
from autograder.core.runner import ProbeOutcome, ProbeStatus
from autograder.notebook import show_plots
from autograder.reports import (
    check_lines,
    contract_report,
    feedback_html,
    print_check_table,
    summarize,
    write_reports,
)

CHROMIUM = shutil.which("chromium")


def _rates(expected, got):
    return compare.sequence(expected["rates"], got.get("rates"), label="epoch")


def _check(check_id, compare_fn=_rates, hidden=False, **kwargs):
    return Check(check_id, 2, "schedules.scripted_hooks", {}, compare_fn, "a check", hidden,
                 **kwargs)


def _judged(check, expected, got):
    return judge(check, expected, ProbeOutcome(ProbeStatus.OK, got))


def test_a_failed_sequence_check_carries_the_curve_it_compares():
    expected = {"rates": [0.1, 0.1, 0.05, 0.05], "logs": [0.1, 0.05, 0.05, 0.02]}
    got = {"rates": [0.1, 0.05, 0.05, 0.025], "logs": [9.0, 9.0, 9.0, 9.0]}
    row = _judged(_check("schedules.step_decay.rates"), expected, got).as_dict()
    assert row["status"] == "failed"
    # `logs` differs too, but this check does not read it: no curve for it.
    assert row["plot"] == [{"label": "rates", "expected": expected["rates"],
                            "got": got["rates"]}]
    passed = _judged(_check("schedules.step_decay.rates"), expected, expected).as_dict()
    assert "plot" not in passed and "hidden" not in passed
    error = CheckResult.error(_check("schedules.step_decay.rates"), "boom").as_dict()
    assert "plot" not in error


def test_a_check_can_name_its_series_and_odd_output_draws_nothing():
    def named(expected, got):
        return [{"label": "the rate", "expected": expected["rates"], "got": got["rates"]}]

    check = _check("schedules.step_decay.rates", plot=named)
    expected, got = {"rates": [1.0, 2.0, 3.0]}, {"rates": [1.0, 2.0, 4.0]}
    assert _judged(check, expected, got).as_dict()["plot"][0]["label"] == "the rate"
    odd = _judged(_check("schedules.step_decay.rates"), expected, {"rates": "0.1"}).as_dict()
    assert odd["status"] == "failed" and "plot" not in odd


def _real(check_id):
    checks = {c.id: c for c in load_checks()}
    return checks[check_id], load_references([checks[check_id]])[check_id]


def test_the_curve_is_found_generically_in_real_outputs():
    check, expected = _real("schedules.step_decay.rates")
    got = copy.deepcopy(expected)
    for key in ("batch_rates", "epoch_logs"):  # an off-by-one schedule
        got[key] = got[key][1:] + got[key][-1:]
    row = _judged(check, expected, got).as_dict()
    assert [s["label"] for s in row["plot"]] == ["batch_rates"]
    assert row["plot"][0]["expected"] == expected["batch_rates"]
    assert row["plot"][0]["got"] == got["batch_rates"]

    check, expected = _real("optimizers.adam.trajectory")
    got = copy.deepcopy(expected)
    got["trajectory"]["w1"] = [[x * 1.1 for x in step] for step in got["trajectory"]["w1"]]
    row = _judged(check, expected, got).as_dict()
    assert [s["label"] for s in row["plot"]] == ["trajectory/w1"]
    assert row["plot"][0]["expected"] == expected["trajectory"]["w1"]


def test_plots_and_hidden_flags_never_reach_the_contract_report():
    expected, got = {"rates": [0.1, 0.1, 0.05]}, {"rates": [0.1, 0.05, 0.05]}
    rows = [_judged(_check("schedules.step_decay.rates"), expected, got).as_dict(),
            _judged(_check("schedules.step_decay_hidden.rates", hidden=True), expected,
                    got).as_dict()]
    assert "plot" in rows[0] and rows[1]["hidden"] is True
    report = {"submissions": [{"submission": "a", "score": 0, "max_score": 4, "checks": rows}]}
    out = contract_report(report)["submissions"][0]["checks"]
    assert all(set(c) == {"id", "lab", "score", "max_score", "status", "message"} for c in out)


HIDDEN_EXPECTED = 0.31415926  # a value only the hidden check's reference holds


def _submission():
    public = {"rates": [0.1, 0.1, 0.05, 0.05]}
    secret = {"rates": [HIDDEN_EXPECTED, 0.2, 0.1]}
    results = [
        # a later task listed first: "what to fix first" goes by task order
        _judged(_check("schedules.cyclic.rates"), public, {"rates": [0.1, 0.1, 0.05, 0.07]}),
        _judged(_check("schedules.step_decay.rates"), public, {"rates": [0.1, 0.05, 0.05, 0.05]}),
        _judged(_check("schedules.step_decay.logs"), public, public),
        _judged(_check("schedules.step_decay_hidden.rates", hidden=True), secret,
                {"rates": [0.3, 0.2, 0.1]}),
        _judged(_check("schedules.exponential_hidden.rates", hidden=True), public, public),
    ]
    rows = [r.as_dict() for r in results]
    return {"submission": "alice", "score": sum(r["score"] for r in rows),
            "max_score": sum(r["max_score"] for r in rows), "checks": rows}


def test_the_summary_counts_labs_tasks_and_picks_the_first_task_to_fix():
    info = summarize(_submission())
    lab = info["labs"][0]
    assert (info["score"], info["max_score"]) == (4, 10)
    assert [t["task"] for t in lab["tasks"]] == ["step_decay", "exponential", "cyclic"]
    assert lab["tasks"][0] == {"task": "step_decay", "score": 2, "max_score": 6, "lost": 2}
    assert lab["fix_first"]["id"] == "schedules.step_decay.rates"
    public = summarize(_submission(), show_hidden=False)
    assert public["hidden"] == {"checks": 2, "passed": 1, "score": 2, "max_score": 4}
    assert public["labs"][0]["tasks"][0]["max_score"] == 4


def test_feedback_opens_with_the_summary_and_lists_lost_checks_first():
    page = feedback_html(_submission())
    summary, lost, folded = (page.index('id="summary"'), page.index('id="lost"'),
                             page.index("<details"))
    assert summary < lost < folded
    assert "What to fix first" in page[summary:lost]
    assert "schedules.step_decay.rates" in page[summary:lost]
    # lost checks with their curves before the fold; passed ones inside it
    assert page[lost:folded].count("<svg") == 3
    assert "schedules.step_decay.logs" in page[folded:]
    assert "schedules.step_decay.logs" not in page[:folded]
    assert "step_decay_hidden" in page  # after the deadline: every check


def test_public_only_feedback_shows_hidden_checks_as_a_count_only():
    page = feedback_html(_submission(), feedback="public-only")
    assert "Hidden checks: 2 (1 passed), 2 / 4 points" in page
    assert "_hidden" not in page and f"{HIDDEN_EXPECTED:g}" not in page
    assert str(HIDDEN_EXPECTED) not in feedback_html(_submission(), "public-only")
    assert page.count("<svg") == 2  # the two public curves only
    with pytest.raises(ValueError, match="Received: feedback='hidden'"):
        feedback_html(_submission(), feedback="hidden")


def test_the_lms_csv_has_a_student_id_and_one_column_per_lab(tmp_path):
    sub = _submission()
    other = {**sub, "submission": "bob", "checks": [
        {**c, "lab": "losses", "id": "losses.regression.mse.config"} for c in sub["checks"]]}
    write_reports({"submissions": [sub, other]}, out_dir=tmp_path)
    rows = list(csv.reader(open(tmp_path / "grades_lms.csv")))
    # labs in course order: losses before schedules
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "losses",
                       "schedules"]
    assert rows[1] == ["alice", "", "", "alice", "", "0", "4"]
    assert rows[2] == ["bob", "", "", "bob", "", "4", "0"]
    assert next(csv.reader(open(tmp_path / "grades.csv")))[:3] == [
        "submission", "score", "max_score"]


def test_grade_feedback_option_reaches_the_html(tmp_path, monkeypatch):
    from autograder import cli
    from autograder.core import grading, runner

    monkeypatch.setattr(grading, "grade_many", lambda *a, **k: {"submissions": [_submission()]})
    monkeypatch.setattr(runner, "isolation_level", lambda: "test")
    for mode, shown in (("public-only", False), ("after-deadline", True)):
        out = tmp_path / mode
        assert cli.main(["grade", str(tmp_path), "--no-canary", "--feedback", mode,
                         "--out", str(out), "--json", str(out / "r.json")]) == 0
        page = (out / "feedback" / "alice.html").read_text()
        assert ("step_decay_hidden" in page) is shown
        assert "plot" not in json.loads((out / "r.json").read_text())["submissions"][0][
            "checks"][0]


def _chromium(*args):
    profile = tempfile.mkdtemp(prefix="dlkit-chromium-")
    try:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                    reason="needs chromium (apt-get install chromium; .ci/run installs it)")
def test_the_page_renders_in_chromium_with_its_summary_and_a_plot(demo_report, tmp_path):
    from PIL import Image

    assert CHROMIUM, "chromium is missing: .ci/run installs it (apt-get install chromium)"
    page = tmp_path / "feedback.html"
    page.write_text(feedback_html(demo_report["bug_step_decay_off_by_one"]))
    dom = _chromium("--dump-dom", page.as_uri()).stdout
    assert 'id="summary"' in dom and "What to fix first" in dom
    assert dom.count("<svg") >= 3  # the step_decay checks the bug loses draw their curves
    shot = tmp_path / "out.png"
    _chromium(f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri())
    image = Image.open(shot).convert("L")
    assert image.size == (1200, 1600)
    histogram = image.histogram()
    # not blank: text, bars and curves give many grey levels, and a fair share
    # of the page is not background
    assert sum(1 for n in histogram if n) > 20
    assert max(histogram) < 0.97 * sum(histogram)


def _not_started(check_id, name="InverseTimeDecay.__init__"):
    return CheckResult.error(_check(check_id), f"NotImplementedError: {name}: not implemented "
                             "yet. Hint: the idea (at callbacks.py:10)").as_dict()


def _mixed():
    rows = _submission()["checks"] + [
        _not_started("schedules.inverse_time.rates"), _not_started("schedules.inverse_time.logs"),
        _not_started("schedules.inverse_time_per_batch.rates", "InverseTimeDecay.schedule")]
    return {**_submission(), "checks": rows}


def test_a_task_not_started_is_one_line_after_the_failing_checks():
    lines = check_lines(_mixed()["checks"])
    text = "\n".join(lines)
    assert "NotImplementedError" not in text  # not the same error three times
    assert ("inverse_time: not started, 3 checks, 6 points; begin with "
            "`InverseTimeDecay.__init__`") in lines
    failing = [k for k, line in enumerate(lines) if line.lstrip().startswith("FAIL")]
    summaries = [k for k, line in enumerate(lines) if re.match(r"\w+: ", line)]
    assert failing and summaries and max(failing) < min(summaries)
    assert [lines[k].split(":")[0] for k in summaries] == [
        "step_decay", "inverse_time", "exponential", "cyclic"]  # notebook order, one each
    # a task where one check runs is started: its errors are listed
    started = [*_mixed()["checks"][:-1], CheckResult.error(
        _check("schedules.inverse_time_per_batch.rates"), "ValueError: bad").as_dict()]
    assert not any("not started" in line for line in check_lines(started))


def test_make_check_and_the_feedback_show_a_task_not_started_once(capsys):
    sub = _mixed()
    assert print_check_table(sub) == 1
    out = capsys.readouterr().out
    assert out.count("not started") == 1 and "NotImplementedError" not in out
    assert out.rstrip().endswith(f"score {sub['score']:g} / {sub['max_score']:g}")
    page = feedback_html(sub)
    lost = page[page.index('id="lost"'):page.index("<details")]
    assert lost.count("not started") == 1 and "NotImplementedError" not in lost
    assert 'id="check-schedules.inverse_time.rates"' in lost  # "fix first" links land


def test_the_notebook_draws_expected_against_got_for_a_failing_sequence():
    figures = show_plots(_submission()["checks"])
    failing_with_curves = [r for r in _submission()["checks"] if r.get("plot")]
    assert len(figures) == len(failing_with_curves) == 3
    ax = figures[0].axes[0]
    assert "first difference at index" in ax.get_title()
    assert len(ax.lines) >= 2  # expected and got
