"""Grades submissions: runs each check's probe in the submission's worker and
compares the output with the reference output, here, outside the worker."""

import os
import traceback
from concurrent.futures import ThreadPoolExecutor

from autograder.checks import LABS, load_checks, load_references
from autograder.runner import WorkerSession
from autograder.submissions import SubmissionError, open_submission, submission_name

IMPORT_TIMEOUT = 60.0  # seconds a fresh worker may take to import the student's package


def _status_message(outcome):
    error = outcome.error or {}
    text = f"{error.get('type', 'Error')}: {error.get('message', '')}".strip()
    if error.get("where"):
        text += f" (at {error['where']})"
    return text


def probe_args(check, seed):
    """The probe's arguments under grader seed `seed`: a trained-result gate
    trains with its own seed shifted by `seed` (0: the published grade)."""
    if seed and check.gate and "seed" in check.args:
        return {**check.args, "seed": check.args["seed"] + seed}
    return check.args


def grade_checks(src, checks, references, timeout_scale=1.0, seed=0):
    """Runs `checks` against the package in `src`; returns check result dicts.

    `seed` seeds the worker's global random state and shifts the gates'
    training seeds (see `probe_args`); grading uses 0, ``make flake-report``
    many."""
    session = WorkerSession(src, import_timeout=IMPORT_TIMEOUT * timeout_scale, seed=seed)
    outcomes = {}
    results = []
    try:
        for check in checks:
            if check.probe_key not in outcomes:
                outcomes[check.probe_key] = session.call(
                    check.probe, probe_args(check, seed), check.timeout * timeout_scale)
            outcome = outcomes[check.probe_key]
            result = {"id": check.id, "lab": check.lab, "score": 0.0,
                      "max_score": float(check.points)}
            if outcome.status == "ok":
                try:
                    passed, message = check.compare(references[check.id], outcome.result)
                except Exception as exc:  # noqa: BLE001 - odd output is the student's
                    passed, message = False, f"unexpected output ({type(exc).__name__}: {exc})"
                result["status"] = "passed" if passed else "failed"
                result["score"] = float(check.points) if passed else 0.0
            elif outcome.status == "timeout":
                result["status"], message = "timeout", _status_message(outcome)
            else:
                result["status"], message = "error", _status_message(outcome)
            result["message"] = message[:1500]
            result["description"] = check.description
            results.append(result)
    finally:
        session.close()
    return results


def grade_one(path, checks, references, timeout_scale=1.0, seed=0):
    name = submission_name(path)
    try:
        submission = open_submission(path)
    except SubmissionError as exc:
        results = [{"id": c.id, "lab": c.lab, "score": 0.0, "max_score": float(c.points),
                    "status": "error", "message": str(exc), "description": c.description}
                   for c in checks]
    else:
        try:
            results = grade_checks(submission.src, checks, references, timeout_scale, seed)
        except Exception:  # noqa: BLE001 - a grader bug must not stop the batch
            message = "grader error: " + traceback.format_exc(limit=3)
            results = [{"id": c.id, "lab": c.lab, "score": 0.0, "max_score": float(c.points),
                        "status": "error", "message": message, "description": c.description}
                       for c in checks]
        finally:
            submission.close()
    return {
        "submission": name,
        "score": round(sum(r["score"] for r in results), 4),
        "max_score": round(sum(r["max_score"] for r in results), 4),
        "checks": results,
    }


def grade_many(paths, labs=None, include_hidden=True, jobs=None, timeout_scale=1.0, seed=0):
    """Grades every submission in `paths`, `jobs` at a time (default: all cores).

    `timeout_scale` multiplies every check's time limit (slower machines)."""
    checks = load_checks(labs or LABS, include_hidden)
    references = load_references(checks)
    jobs = jobs or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        reports = list(pool.map(
            lambda p: grade_one(p, checks, references, timeout_scale, seed), paths))
    return {"submissions": reports}
