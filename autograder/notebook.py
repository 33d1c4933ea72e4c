"""Helpers the lab notebooks call: setup, the visible checks, the submission.

These run in the student's own kernel (Colab or local Jupyter) on the public
checks only. Grading never trusts them: the grader re-runs every check,
public and hidden, in its own worker process.
"""

import importlib
import math
import os
import sys
import types
import zipfile
from pathlib import Path

from autograder import REPO

GRADING = os.environ.get("DLKIT_GRADING") == "1"


def _install_imp_shim():
    # IPython 7.34 (Colab) autoreload imports `imp`, removed in Python 3.12.
    if sys.version_info >= (3, 12) and "imp" not in sys.modules:
        shim = types.ModuleType("imp")
        shim.reload = importlib.reload
        sys.modules["imp"] = shim


def setup(seed=0):
    """Seeds, determinism and autoreload for a lab notebook. Safe to re-run."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    try:
        ip = get_ipython()  # noqa: F821 - defined inside IPython
    except NameError:
        ip = None
    if ip is not None:
        _install_imp_shim()
        try:
            ip.run_line_magic("load_ext", "autoreload")
            ip.run_line_magic("autoreload", "2")
        except Exception as exc:  # noqa: BLE001 - autoreload is a convenience
            print(f"autoreload unavailable ({exc}); restart the kernel after editing src/.")
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    print(f"dlkit ready: repo {REPO}, keras {keras.__version__}, tensorflow {tf.__version__}, "
          f"GPU: {bool(tf.config.list_physical_devices('GPU'))}")


def _reload_student_modules():
    for name in sorted(n for n in sys.modules if n == "dlkit" or n.startswith("dlkit.")):
        try:
            importlib.reload(sys.modules[name])
        except Exception:  # noqa: BLE001 - the check will report the import error
            pass


def check(lab, task=None, *, quiet=False):
    """Runs the public checks of `lab` (only those of `task` if given).

    Prints one line per check (what differs when it fails) and raises
    ``AssertionError`` if any check fails, so a notebook run stops there.

    Returns:
        ``(score, max_score)``.
    """
    from autograder.checks import load_checks, load_references
    from autograder.worker import probes

    _reload_student_modules()
    checks = [c for c in load_checks([lab], include_hidden=False)
              if task is None or c.task == task]
    if not checks:
        raise ValueError(f"No public checks for this task. Received: lab={lab!r}, task={task!r}")
    references = load_references(checks)
    outputs, score, total, failed = {}, 0.0, 0.0, []
    for c in checks:
        if c.probe_key not in outputs:
            try:
                outputs[c.probe_key] = ("ok", probes.run(c.probe, c.args))
            except Exception as exc:  # noqa: BLE001 - shown to the student
                outputs[c.probe_key] = ("error", f"{type(exc).__name__}: {exc}")
        kind, value = outputs[c.probe_key]
        if kind == "ok":
            passed, message = c.compare(references[c.id], value)
        else:
            passed, message = False, value
        total += c.points
        score += c.points if passed else 0
        if not passed:
            failed.append(c.id)
        if not quiet:
            mark = "ok  " if passed else "FAIL"
            print(f"{mark} {c.id} ({c.points:g} pt): {message}")
    print(f"{task or lab}: {score:g} / {total:g} points")
    if failed:
        raise AssertionError(f"{len(failed)} check(s) failed: {', '.join(failed)}")
    return score, total


def submission_files(root=REPO):
    root = Path(root)
    files = [p for p in (root / "src" / "dlkit").rglob("*.py")]
    files += sorted((root / "labs").glob("*.ipynb"))
    return sorted(p for p in files if "__pycache__" not in p.parts and
                  ".ipynb_checkpoints" not in p.parts)


def build_submission(root=REPO, name="submission.zip"):
    """Zips your ``src/dlkit`` and ``labs/*.ipynb`` into `root`/`name` to hand in."""
    if GRADING:
        print("grading run: no submission zip is built")
        return None
    root = Path(root)
    target = root / name
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in submission_files(root):
            archive.write(path, path.relative_to(root).as_posix())
    size = target.stat().st_size
    print(f"wrote {target} ({len(archive.namelist())} files, {math.ceil(size / 1024)} KiB): "
          "upload this file")
    return target


def _grader_report(root, lab):
    """Grades `root` with the course's grader in its own process (cached)."""
    import hashlib
    import json
    import subprocess
    import tempfile

    # Same student code and same checks give the same grade: re-running a
    # graded cell, or the next graded cell, costs nothing.
    digest = hashlib.sha256(lab.encode())
    graded = [*(Path(root) / "src").rglob("*.py"), *(REPO / "autograder").rglob("*.py"),
              *(REPO / "autograder").rglob("*.json")]
    for path in sorted(p for p in graded if "__pycache__" not in p.parts):
        digest.update(path.as_posix().encode() + path.read_bytes())
    key = digest.hexdigest()[:24]
    cache = Path(tempfile.gettempdir()) / f"dlkit-grade-{key}.json"
    if not cache.is_file():
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
        done = subprocess.run(
            [sys.executable, "-m", "autograder", "grade", str(root), "--lab", lab,
             "--json", str(cache), "--jobs", "1"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        if done.returncode != 0 or not cache.is_file():
            print(done.stdout[-2000:])  # stdout, never stderr: stderr zeroes an nbgrader cell
            return None
    return json.loads(cache.read_text())["submissions"][0]


def graded_score(lab, task):
    """Score of `task` for nbgrader's partial credit (the cell's last value).

    Under nbgrader (``DLKIT_GRADING=1``) this is the course grader's score of
    the task, public and hidden checks, computed in a separate process on this
    submission's ``src/``: the same number ``python -m autograder grade``
    gives. In your own copy it is your score on the public checks.
    """
    if not GRADING:
        try:
            return float(check(lab, task, quiet=True)[0])
        except AssertionError:
            return 0.0
    root = next((p for p in (Path.cwd(), *Path.cwd().parents) if (p / "src" / "dlkit").is_dir()),
                Path.cwd())
    report = _grader_report(root, lab)
    if report is None:
        return 0.0
    from autograder.checks import load_checks

    ids = {c.id for c in load_checks([lab]) if c.task == task}
    return float(sum(c["score"] for c in report["checks"] if c["id"] in ids))
