"""Grades submissions: runs each check's probe in the submission's worker and
compares the output with the reference output, here, outside the worker."""

import os
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed

from autograder.core.catalog import LABS, course_source, load_checks, load_references
from autograder.core.evaluate import CheckResult, evaluate
from autograder.core.given_code import with_grader_probes
from autograder.core.runner import WorkerSession
from autograder.core.store import ResultStore, grading_version
from autograder.core.submissions import SubmissionError, open_submission, submission_name

IMPORT_TIMEOUT = 60.0  # seconds a fresh worker may take to import the student's package


def grade_checks(src, checks, references, timeout_scale=1.0, seed=0):
    """Runs `checks` against the package in `src`; returns `CheckResult`s.

    `seed` seeds the worker's global random state and shifts the gates'
    training seeds (see `evaluate.probe_args`); grading uses 0,
    ``make flake-report`` many."""
    session = WorkerSession(src, import_timeout=IMPORT_TIMEOUT * timeout_scale, seed=seed)
    call = with_grader_probes(session.call, src, course_source())
    try:
        return evaluate(checks, references, call, seed=seed, timeout_scale=timeout_scale)
    finally:
        session.close()


def submission_report(name, results):
    """The report of one submission: ``{"submission", "score", "max_score",
    "checks"}`` with one row per `CheckResult`."""
    rows = [r.as_dict() for r in results]
    return {
        "submission": name,
        "score": round(sum(r["score"] for r in rows), 4),
        "max_score": round(sum(r["max_score"] for r in rows), 4),
        "checks": rows,
    }


def grade_one(path, checks, references, timeout_scale=1.0, seed=0):
    name = submission_name(path)
    try:
        submission = open_submission(path)
    except SubmissionError as exc:
        results = [CheckResult.error(c, str(exc)) for c in checks]
    else:
        try:
            results = grade_checks(submission.src, checks, references, timeout_scale, seed)
        except Exception:  # noqa: BLE001 - a grader bug must not stop the batch
            message = "grader error: " + traceback.format_exc(limit=3)
            results = [CheckResult.error(c, message) for c in checks]
        finally:
            submission.close()
    return submission_report(name, results)


class CanaryFailed(RuntimeError):
    """The reference solution lost points: the grader's environment is
    broken, so no mark of the batch can be trusted."""


def canary_message(report):
    lost = [c for c in report["checks"] if c["status"] != "passed"]
    lines = [f"  {c['id']} ({c['status']}): {c['message'].splitlines()[0][:300] if c['message'] else ''}"
             for c in lost[:10]]
    more = f"\n  ... and {len(lost) - 10} more" if len(lost) > 10 else ""
    return (f"The reference solution scored {report['score']:g} / {report['max_score']:g} in this "
            f"environment, so this batch's marks cannot be trusted and none were written. "
            f"Checks it lost ({len(lost)}):\n" + "\n".join(lines) + more +
            "\nFix the environment (the Python it runs, the data sets, the grader's files) and "
            "grade again; `--no-canary` skips this test.")


class LocalPool:
    """Grades on this machine: `jobs` submissions at a time, one thread each
    (each thread drives its own confined worker process)."""

    def __init__(self, jobs=None):
        self.jobs = jobs or os.cpu_count() or 1

    def __enter__(self):
        self._pool = ThreadPoolExecutor(max_workers=self.jobs)
        return self

    def __exit__(self, *exc):
        self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, path, checks, references, timeout_scale, seed, labs, include_hidden):
        return self._pool.submit(grade_one, path, checks, references, timeout_scale, seed)

    @staticmethod
    def as_completed(futures):
        return as_completed(futures)

    def cancel(self):
        self._pool.shutdown(wait=False, cancel_futures=True)


def grade_many(paths, labs=None, include_hidden=True, jobs=None, timeout_scale=1.0, seed=0,
               canary=None, store=None, progress=None, pool=None):
    """Grades every submission in `paths`, `jobs` at a time (default: all cores).

    Args:
        paths: submission folders or zips.
        labs: the labs to grade (default: all).
        include_hidden: grade hidden checks too, where this copy has them.
        jobs: submissions graded at once.
        timeout_scale: multiplies every check's time limit (slower machines).
        seed: the grader seed (0: the published grade).
        canary: a folder holding the reference solution's ``src/dlkit``. It
            is graded first, beside the batch; if it loses any point, the
            batch stops with `CanaryFailed` naming the checks it lost, and
            nothing is stored.
        store: a folder where each submission's report is kept as soon as it
            is graded (`store.ResultStore`); a submission already there, with
            the same content and the same checks, is not graded again.
        progress: a `progress.Progress` told about each submission done.
        pool: where submissions are graded: a `LocalPool` (the default, with
            `jobs`) or a `cluster.DaskPool`.

    Returns:
        ``{"submissions": [report, ...]}`` in the order of `paths`.
    """
    labs = list(labs or LABS)
    checks = load_checks(labs, include_hidden)
    references = load_references(checks)
    pool = pool or LocalPool(jobs)
    kept = (ResultStore(store, grading_version(labs, include_hidden, seed, timeout_scale))
            if store is not None else None)
    reports = [kept.load(p, submission_name(p)) if kept else None for p in paths]
    todo = [i for i, report in enumerate(reports) if report is None]
    if progress is not None:
        progress.start(len(paths), [r for r in reports if r is not None], canary is not None)

    def submit(path):
        return pool.submit(path, checks, references, timeout_scale, seed, labs, include_hidden)

    with pool:
        tested = submit(canary) if canary is not None else None
        futures = {submit(paths[i]): i for i in todo}
        if tested is not None:
            report = tested.result()
            if report["score"] != report["max_score"]:
                pool.cancel()
                raise CanaryFailed(canary_message(report))
            if progress is not None:
                progress.canary_passed()
        for future in pool.as_completed(futures):
            i = futures[future]
            reports[i] = future.result()
            if kept is not None:
                kept.save(paths[i], reports[i])
            if progress is not None:
                progress.done(reports[i])
    if progress is not None:
        progress.close()
    return {"submissions": reports}
