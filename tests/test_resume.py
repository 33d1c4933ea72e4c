"""A batch killed mid-way resumes: the rerun grades only what is missing and
writes the same report as a run that was never interrupted. Progress is
printed as plain lines when stderr is not a terminal."""

import json
import os
import signal
import subprocess
import sys
import time

from autograder import REPO

NAMES = ("starter.zip", "bug_step_decay_off_by_one")


def _command(demo, tmp_path, run):
    by_name = {p.name: p for p in demo}
    paths = [str(by_name[n]) for n in NAMES]
    return [sys.executable, "-m", "autograder", "grade", *paths, "--lab", "schedules",
            "--public-only", "--jobs", "1", "--no-canary",
            "--resume-dir", str(tmp_path / f"{run}-kept"), "--json", str(tmp_path / f"{run}.json")]


def _env():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("PYTHONPATH", None)
    return env


def _checks(path):
    return [(s["submission"], [(c["id"], c["status"], c["score"], c["message"])
                               for c in s["checks"]])
            for s in json.loads(path.read_text())["submissions"]]


def test_a_killed_batch_grades_only_what_is_missing(demo_submissions, tmp_path):
    whole = subprocess.run(_command(demo_submissions, tmp_path, "whole"), cwd=REPO, env=_env(),
                           capture_output=True, text=True, timeout=600)
    assert whole.returncode == 0, whole.stderr[-2000:]
    total = len(json.loads((tmp_path / "whole.json").read_text())["submissions"])
    assert total >= 2
    assert f"[{total}/{total}]" in whole.stderr and "below full marks" in whole.stderr

    kept = tmp_path / "cut-kept"
    cut = subprocess.Popen(_command(demo_submissions, tmp_path, "cut"), cwd=REPO, env=_env(),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not list(kept.glob("*.json")):
        time.sleep(0.05)
    os.killpg(cut.pid, signal.SIGKILL)
    cut.wait()
    stored = {p.name: p.stat().st_mtime_ns for p in kept.glob("*.json")}
    assert 1 <= len(stored) < total, f"kill the batch after its first submission: {stored}"
    assert not (tmp_path / "cut.json").exists()

    again = subprocess.run(_command(demo_submissions, tmp_path, "cut"), cwd=REPO, env=_env(),
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"resuming: {len(stored)} of {total} submissions were graded before" in again.stderr, (
        again.stderr[-2000:])
    # What was kept is not graded (nor written) again; the rest is added.
    assert {p.name: p.stat().st_mtime_ns for p in kept.glob("*.json")
            if p.name in stored} == stored
    assert len(list(kept.glob("*.json"))) == total
    assert _checks(tmp_path / "cut.json") == _checks(tmp_path / "whole.json")
