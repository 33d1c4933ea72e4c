"""The canary: in the instructor's copy a batch first grades the reference
solution, and a broken environment stops the batch instead of publishing
wrong marks."""

import json
import os
import subprocess
import sys
from pathlib import Path

from autograder import REPO


def _grade(python, tmp_path, *args, env=None):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})}
    env.pop("PYTHONPATH", None)
    # Each run its own temporary folder: no canary remembered from elsewhere.
    env["TMPDIR"] = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir(exist_ok=True)
    done = subprocess.run([str(python), "-m", "autograder", "grade", *map(str, args),
                           "--json", str(tmp_path / "report.json")], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900)
    return done


def test_a_broken_environment_stops_the_batch(tmp_path):
    # Data sets that are not there: every check that loads Titanic would
    # lose its points, for the reference as for the students.
    done = _grade(sys.executable, tmp_path, REPO, "--lab", "regularization",
                  env={"DLKIT_DATASETS": str(tmp_path / "no-datasets")})
    assert done.returncode == 3, done.stderr[-3000:]
    assert "grading stopped: The reference solution scored" in done.stderr
    assert "regularization.preprocessing.features (error)" in done.stderr, done.stderr[-3000:]
    assert not (tmp_path / "report.json").exists()


def test_a_symlinked_venv_gives_the_reference_full_marks(tmp_path):
    # `.venv -> elsewhere`: the confined worker must see the packages under
    # the name Python imports them by (modules TensorFlow loads lazily, as
    # the save/load checks do, failed before).
    link = tmp_path / "venv-link"
    link.symlink_to(Path(sys.prefix).resolve(), target_is_directory=True)
    python = link / "bin" / Path(sys.executable).name
    done = _grade(python, tmp_path, REPO, "--lab", "schedules", "--jobs", "2")
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "report.json").read_text())["submissions"][0]
    lost = [(c["id"], c["message"][:200]) for c in report["checks"] if c["status"] != "passed"]
    assert lost == [] and report["score"] == report["max_score"] > 0
