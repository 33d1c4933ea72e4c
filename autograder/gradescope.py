"""Gradescope: grades ``/autograder/submission``, writes
``/autograder/results/results.json``.

The bundle (``python -m instructor gradescope``, ``make gradescope``) holds
this package, the hidden checks and references, the data sets,
``gradescope.json`` (its settings) and, as ``src/dlkit``, the starter: the
course's package with every solution block stubbed (never the reference
solution), which is also the course's given code the grader keeps
(``core/given_code.py``);
Gradescope unpacks it into ``/autograder/source`` and calls
``run_autograder`` once per submission, which runs
``python -m autograder.gradescope run``. The root is ``/autograder`` unless
``DLKIT_AUTOGRADER_ROOT`` names another (the tests' simulated root).

What a student may upload (``prepare_upload``): the ``submission.zip`` the
notebooks build, its unpacked folder (``src/dlkit`` at the top or one
folder down, or a ``dlkit`` folder), or loose module files such as
``callbacks.py``. The grader always starts from the starter's package and
puts the uploaded modules in place of its stubs, so a partial upload
(only the lab's module) still imports: the modules not uploaded are the
starter's, whose graded parts raise ``NotImplementedError``. Loose files
count only under the package's module names; links are never followed.

`run` (the supervisor) never imports TensorFlow and never runs student
code: it starts the grader as a child process with a deadline, then
writes results.json from that one place, atomically, whatever happened to
the grader (it raised, was killed for memory, ran out of time). The child
grades lab by lab and keeps its report on disk after each lab, so a grader
stopped at the deadline still yields the labs it finished.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import REPO
from autograder.core.runner import descendants
from autograder.core.submissions import (
    MAX_FILES,
    MAX_UNPACKED_BYTES,
    SubmissionError,
    unpack_zip,
)

DEFAULT_ROOT = "/autograder"
CONFIG = REPO / "gradescope.json"  # the bundle's settings (see `DEFAULTS`)
STARTER = REPO / "src" / "dlkit"  # in the bundle: the stubbed package partial uploads build on
VISIBILITY = ("hidden", "after_due_date", "after_published", "visible")
DEFAULTS = {
    "labs": None,  # None: every lab
    "hidden_visibility": "after_published",  # of the hidden checks' tests
    "timeout_scale": 1.0,  # multiplies every check's time limit
    "deadline_seconds": 540,  # the grader is stopped then (Gradescope's limit minus a margin)
}
SKIPPED = {"__MACOSX", "__pycache__", ".ipynb_checkpoints", ".git"}
FAILED_TEST = "Autograder failed"


def autograder_root():
    """Gradescope's ``/autograder``, or the folder ``DLKIT_AUTOGRADER_ROOT`` names."""
    return Path(os.environ.get("DLKIT_AUTOGRADER_ROOT", DEFAULT_ROOT))


def load_config(path=CONFIG):
    """The bundle's settings: `DEFAULTS` updated with ``gradescope.json``."""
    config = dict(DEFAULTS)
    if Path(path).is_file():
        config.update(json.loads(Path(path).read_text()))
    if config["hidden_visibility"] not in VISIBILITY:
        raise ValueError(f"hidden_visibility must be one of {', '.join(VISIBILITY)}. "
                         f"Received: {config['hidden_visibility']!r}")
    return config


def write_json_atomic(path, data):
    """Writes `data` to `path` through a temporary file and a rename: a
    reader sees the old file or the whole new one, never a part."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, allow_nan=False)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w") as f:
        f.write(text + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# -- the upload -----------------------------------------------------------------

def _visible(folder):
    return sorted(p for p in folder.iterdir()
                  if not p.name.startswith(".") and p.name not in SKIPPED)


def _real_dir(path):
    return path.is_dir() and not path.is_symlink()


def _real_file(path):
    return path.is_file() and not path.is_symlink()


def _find_package(root):
    """The uploaded package folder: ``src/dlkit`` at the top or one folder
    down, else ``dlkit`` at the top or one folder down; None if none."""
    for pattern in ("src/dlkit", "*/src/dlkit", "dlkit", "*/dlkit"):
        found = [p for p in root.glob(pattern)
                 if _real_dir(p) and not any(part in SKIPPED for part in p.parts)]
        if len(found) > 1:
            raise SubmissionError(
                "The upload holds several dlkit packages; upload one. Received: "
                + ", ".join(str(p.relative_to(root)) for p in found[:5]))
        if found:
            return found[0]
    return None


def _loose_modules(root, starter):
    """Module files of the package (by the starter's module names) at the
    top of `root`, or in its only folder."""
    for folder in (root, *[p for p in _visible(root) if _real_dir(p)][:1]):
        found = [p for p in _visible(folder)
                 if _real_file(p) and p.suffix == ".py" and (starter / p.name).is_file()]
        if found:
            return found
        if any(_real_file(p) for p in _visible(root)):
            break  # files at the top: not a zip of one folder
    return []


def _package_files(package):
    """``{relative path: file}`` of a package folder: regular files only (no
    links, no caches), bounded in count and size as zips are."""
    files, total = {}, 0
    for folder, dirs, names in os.walk(package, followlinks=False):
        dirs[:] = [d for d in dirs if d not in SKIPPED and not d.startswith(".")]
        for name in names:
            path = Path(folder) / name
            if not _real_file(path) or path.suffix in (".pyc", ".pyo"):
                continue
            total += path.stat().st_size
            files[path.relative_to(package).as_posix()] = path
    if len(files) > MAX_FILES or total > MAX_UNPACKED_BYTES:
        raise SubmissionError(
            f"The uploaded package holds more than {MAX_FILES} files or "
            f"{MAX_UNPACKED_BYTES >> 20} MiB. Received: {len(files)} files, {total >> 20} MiB")
    return files


def prepare_upload(upload, dest, starter=STARTER):
    """Lays out what a student uploaded as a submission folder.

    Args:
        upload: Gradescope's submission folder.
        dest: the folder to write (``dest/src/dlkit``); must not exist.
        starter: the starter's package folder (stubs and given code).

    Returns:
        ``(dest, notes)``: notes say what was graded and what was ignored.

    Raises:
        SubmissionError: nothing gradable, or an unsafe zip (says what was
            uploaded).
    """
    upload, dest, starter = Path(upload), Path(dest), Path(starter)
    notes = []
    source = upload
    if _find_package(upload) is None and not _loose_modules(upload, starter):
        zips = [p for p in _visible(upload) if _real_file(p) and p.suffix.lower() == ".zip"]
        if len(zips) > 1:
            raise SubmissionError(
                "The upload holds several zip files; upload one (the submission.zip the "
                f"last notebook cell builds). Received: {[p.name for p in zips[:5]]}")
        if zips:
            source = dest.with_name(dest.name + "-unpacked")
            unpack_zip(zips[0], source)
            notes.append(f"Unpacked {zips[0].name}.")
    package = _find_package(source)
    if package is not None:
        files = _package_files(package)
        notes.append(f"Graded the package {package.relative_to(source).as_posix()}/.")
    else:
        files = {p.name: p for p in _loose_modules(source, starter)}
        if not files:
            raise SubmissionError(
                "The upload holds no dlkit module. Upload the submission.zip the last cell of "
                "a lab notebook builds, your src/dlkit folder, or the module files you wrote "
                "(such as callbacks.py). Received: top-level entries "
                f"{[p.name for p in _visible(source)][:10]}")
        notes.append(f"Graded the module files {', '.join(sorted(files))}; the other modules "
                     "are the starter's.")
    target = dest / "src" / "dlkit"
    shutil.copytree(starter, target)
    for rel, path in sorted(files.items()):
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(path.read_bytes())
    missing = sorted(p.name for p in starter.glob("*.py") if p.name not in files)
    if package is not None and missing:
        notes.append(f"Not in your package, taken from the starter: {', '.join(missing)}.")
    return dest, notes


# -- the grader (a child process of `run`) ----------------------------------------

def _strip(rows):
    return [{k: v for k, v in row.items() if k != "plot"} for row in rows]


def grade_upload(root, report_path, work, config):
    """Prepares the upload and grades it lab by lab, rewriting `report_path`
    (``{"labs", "done", "notes", "upload_error", "isolation", "submission"}``)
    after each lab, so the labs finished survive a grader stopped later."""
    from autograder.core.catalog import LABS, load_checks
    from autograder.core.evaluate import CheckResult
    from autograder.core.grading import grade_many, submission_report
    from autograder.core.runner import isolation_level

    labs = list(config["labs"] or LABS)
    state = {"labs": labs, "done": [], "notes": [], "upload_error": None, "isolation": None,
             "submission": None}
    try:
        folder, state["notes"] = prepare_upload(root / "submission", Path(work) / "submission")
    except SubmissionError as exc:
        state["upload_error"] = str(exc)
        results = [CheckResult.error(c, str(exc)) for c in load_checks(labs, True)]
        state["submission"] = submission_report("submission", results)
        state["done"] = labs
        write_json_atomic(report_path, state)
        return 0
    rows = []
    for lab in labs:
        report = grade_many([folder], labs=[lab], include_hidden=True, jobs=1,
                            timeout_scale=config["timeout_scale"])
        rows += _strip(report["submissions"][0]["checks"])
        state["done"].append(lab)
        state["isolation"] = isolation_level()
        state["submission"] = {"submission": "submission",
                               "score": round(sum(r["score"] for r in rows), 4),
                               "max_score": round(sum(r["max_score"] for r in rows), 4),
                               "checks": rows}
        write_json_atomic(report_path, state)
    return 0


# -- results.json ----------------------------------------------------------------

def _numbers(rows):
    """Gradescope's test numbers, ``lab.task.n`` in course and notebook order."""
    from autograder.core.catalog import COURSE, LABS, lab_tasks
    from autograder.reports import row_task

    counts, numbers = {}, []
    for row in rows:
        lab, task = row["lab"], row_task(row)
        tasks = list(lab_tasks(lab)) if lab in LABS else []
        key = (COURSE.index(lab) + 1 if lab in COURSE else 0,
               tasks.index(task) + 1 if task in tasks else 0)
        counts[key] = counts.get(key, 0) + 1
        numbers.append(f"{key[0]}.{key[1]}.{counts[key]}")
    return numbers


def _test(row, number, hidden_visibility):
    from autograder.reports import row_task

    output = row["status"] + (f": {row['message']}" if row["message"] else "")
    return {"name": f"{row['id']}: {row.get('description', '')}".rstrip(": "),
            "number": number, "score": float(row["score"]), "max_score": float(row["max_score"]),
            "status": "passed" if row["status"] == "passed" else "failed",
            "output": output, "tags": [row["lab"], row_task(row)],
            "visibility": hidden_visibility if row.get("hidden") else "visible"}


def _overview(state, failure, show_hidden):
    """The short text at the top: per lab, points and what to fix first."""
    from autograder.reports import first_line, summarize

    lines = []
    if failure:
        lines += [f"The autograder did not finish: {first_line(failure, 400)}", ""]
    sub = state and state.get("submission")
    if state and state.get("upload_error"):
        lines += [f"Your upload could not be graded: {state['upload_error']}", ""]
    if sub and sub["checks"]:
        info = summarize(sub, show_hidden)
        hidden = info["hidden"]
        if show_hidden or not hidden["checks"]:
            lines.append(f"Score: {info['score']:g} / {info['max_score']:g}")
        else:
            lines.append(f"Score on the checks shown now: {info['shown_score']:g} / "
                         f"{info['shown_max_score']:g}. {hidden['checks']} hidden checks "
                         f"({hidden['max_score']:g} points) are shown when grades are published.")
        for lab in info["labs"]:
            lines.append(f"{lab['lab']}: {lab['score']:g} / {lab['max_score']:g}")
            fix = lab["fix_first"]
            if fix is not None:
                lines.append(f"  fix first: {fix['id']}: {first_line(fix['message'])}")
    for note in (state or {}).get("notes", []):
        lines.append(f"Upload: {note}")
    return "\n".join(lines).strip() + "\n"


def results_json(state, *, hidden_visibility, elapsed, failure=None):
    """Gradescope's results.json from the grader's report.

    Args:
        state: what `grade_upload` wrote (None if nothing).
        hidden_visibility: the visibility of the hidden checks' tests.
        elapsed: seconds since the run started.
        failure: why the grader did not finish (None if it did).

    Returns:
        The results: one test per check (name, number, score, max_score,
        status, output, tags ``[lab, task]``, visibility), an ``Autograder
        failed`` test with the reason when there is one, the execution
        time and a short overview.
    """
    rows = (state or {}).get("submission", {}) or {}
    rows = rows.get("checks", [])
    tests = [_test(row, number, hidden_visibility)
             for row, number in zip(rows, _numbers(rows))]
    if failure:
        tests.append({"name": FAILED_TEST, "number": "0.0.0", "score": 0.0, "max_score": 0.0,
                      "status": "failed", "output": failure, "tags": ["autograder"],
                      "visibility": "visible"})
    extra = {key: (state or {}).get(key) for key in ("labs", "done", "isolation", "notes")}
    return {"execution_time": round(elapsed, 1),
            "output": _overview(state, failure, hidden_visibility == "visible"),
            "output_format": "text", "test_output_format": "text",
            "visibility": "visible", "stdout_visibility": "hidden",
            "extra_data": extra, "tests": tests}


def _read_state(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def _ungraded(state, labs, reason):
    """Error rows for the labs the grader did not finish."""
    from autograder.core.catalog import load_checks
    from autograder.core.evaluate import CheckResult

    todo = [lab for lab in labs if lab not in state.get("done", [])]
    rows = [CheckResult.error(c, f"not graded: {reason}").as_dict()
            for c in load_checks(todo, True)] if todo else []
    sub = state.get("submission") or {"submission": "submission", "checks": []}
    checks = sub["checks"] + _strip(rows)
    state["submission"] = {"submission": sub["submission"],
                           "score": round(sum(r["score"] for r in checks), 4),
                           "max_score": round(sum(r["max_score"] for r in checks), 4),
                           "checks": checks}
    return state


def run(root=None):
    """Grades Gradescope's submission and writes its results.json; returns 0
    whatever happened (the file says it)."""
    started = time.monotonic()
    root = Path(root or autograder_root())
    work = Path(tempfile.mkdtemp(prefix="dlkit-gradescope-"))
    state = failure = None
    visibility = DEFAULTS["hidden_visibility"]
    try:
        config = load_config()
        visibility = config["hidden_visibility"]
        report, log = work / "report.json", work / "grader.log"
        with open(log, "wb") as out:
            child = subprocess.Popen(
                [sys.executable, "-m", "autograder.gradescope", "grade", "--root", str(root),
                 "--report", str(report), "--work", str(work)],
                cwd=REPO, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(REPO)}, start_new_session=True)
            try:
                code = child.wait(timeout=max(1.0, config["deadline_seconds"]
                                              - (time.monotonic() - started)))
            except subprocess.TimeoutExpired:
                for pid in [child.pid, *descendants(child.pid)]:  # its zygote and workers too
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                child.wait()
                code = None
        text = log.read_text(errors="replace")
        sys.stdout.write(text[-20000:])  # the instructor's log (Gradescope's stdout)
        state = _read_state(report)
        last = (text.strip().splitlines() or [""])[-1][:300]
        if code is None:
            failure = (f"the grader ran past the bundle's deadline of "
                       f"{config['deadline_seconds']:g} s (set by the instructor below "
                       f"Gradescope's time limit) and was stopped.")
        elif code != 0 or state is None:
            how = (f"was killed by signal {-code}" + (" (SIGKILL: most likely out of memory; "
                   "the instructor can raise the assignment's memory)" if code == -9 else "")
                   if code < 0 else f"stopped with exit status {code}")
            failure = f"the grader {how}. Its last line: {last}"
        if failure:
            state = _ungraded(state or {"done": []}, config["labs"] or _all_labs(), failure)
    except Exception as exc:  # noqa: BLE001 - results.json must say it, whatever it is
        failure = ((failure + " Then ") if failure else "") + (
            f"the autograder's supervisor failed: {type(exc).__name__}: {exc}")
    try:
        results = results_json(state, hidden_visibility=visibility,
                               elapsed=time.monotonic() - started, failure=failure)
    except Exception as exc:  # noqa: BLE001 - a report that cannot be read still says so
        results = results_json(None, hidden_visibility=visibility,
                               elapsed=time.monotonic() - started,
                               failure=f"{failure or ''} results: {type(exc).__name__}: {exc}")
    write_json_atomic(root / "results" / "results.json", results)
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _all_labs():
    from autograder.core.catalog import LABS

    return list(LABS)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.gradescope",
                                     description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run_cmd = sub.add_parser("run", help="grade Gradescope's submission (run_autograder)")
    run_cmd.add_argument("--root", type=Path, default=None,
                         help="Gradescope's root (default: $DLKIT_AUTOGRADER_ROOT or /autograder)")
    grade = sub.add_parser("grade", help="the grader process `run` starts (internal)")
    grade.add_argument("--root", type=Path, required=True)
    grade.add_argument("--report", type=Path, required=True)
    grade.add_argument("--work", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args.root)
    return grade_upload(args.root, args.report, args.work, load_config())


if __name__ == "__main__":
    sys.exit(main())
