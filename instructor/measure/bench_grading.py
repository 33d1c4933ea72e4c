"""``make bench``: what grading one submission costs, per lab and for the
whole course, beside ``nbgrader autograde`` of the same lab, in one run on
the same machine.

The submission is the reference solution (every check runs its probe; a
starter stops early). For this grader a lab's figure is the CPU time (user +
system, every thread) of a fresh worker that grades that lab's checks,
hidden ones included, read from /proc before the worker ends; the whole
course is one worker grading every check, as ``python -m autograder grade``
does. The zygote's one-time import of TensorFlow, paid once per grading
process and not per submission, is printed on its own line.

nbgrader's figure is the CPU time of ``nbgrader autograde`` for the lab
(its process and the kernels it waits for, from ``getrusage``): it executes
the whole notebook with ``DLKIT_EPOCHS=2`` and its graded cells grade
through this grader. The grader workers those cells start are reaped by the
zygote, not waited for, so their CPU time is not in nbgrader's figure: it is
a lower bound, and the ratio too.

``BENCH_LABS`` (comma-separated) narrows the labs; ``BENCH_NBGRADER=0`` skips
nbgrader.
"""

import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from autograder.core.catalog import LABS, course_source, load_checks, load_references
from autograder.core.evaluate import evaluate
from autograder.core.given_code import with_grader_probes
from autograder.core.runner import WorkerSession, Zygote, cpu_seconds
from instructor import nbgrader_course
from instructor.demo import copy_source


def grade_cost(src, checks, references):
    """(CPU seconds, wall seconds, score, max score) of one worker grading
    `checks` on the package in `src`."""
    session = WorkerSession(src, import_timeout=300)
    call = with_grader_probes(session.call, src, course_source())
    start = time.monotonic()
    try:
        results = evaluate(checks, references, call, timeout_scale=3.0)
        cpu = session.cpu_seconds()
    finally:
        session.close()
    return (cpu, time.monotonic() - start, sum(r.score for r in results),
            sum(r.check.points for r in results))


def _children_and_self():
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def nbgrader_cost(submission, lab, tmp):
    """(CPU seconds, wall seconds) of ``nbgrader autograde`` of `lab`."""
    course = nbgrader_course.build_course(Path(tmp) / f"course-{lab}", labs=[lab])
    nbgrader_course.collect([submission], course=course, labs=[lab])
    # Graded cells reuse a cached grade of identical code: start cold.
    for cached in Path(tempfile.gettempdir()).glob("dlkit-grade-*.json"):
        cached.unlink()
    cpu, start = _children_and_self(), time.monotonic()
    nbgrader_course.autograde_and_export(course=course, labs=[lab])
    return _children_and_self() - cpu, time.monotonic() - start


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    labs = [lab for lab in os.environ.get("BENCH_LABS", ",".join(LABS)).split(",") if lab]
    with_nbgrader = os.environ.get("BENCH_NBGRADER", "1") != "0"
    tmp = Path(tempfile.mkdtemp(prefix="dlkit-bench-"))
    try:
        submission = tmp / "reference"
        copy_source(submission)
        src = submission / "src"
        checks = load_checks(include_hidden=True)
        references = load_references(checks)
        # Start the zygote (TensorFlow imported once) before measuring anything.
        grade_cost(src, [c for c in checks if c.lab == labs[0]][:1], references)
        zygote = Zygote.get(sys.executable)
        rows = []
        for lab in labs:
            lab_checks = [c for c in checks if c.lab == lab]
            ours = grade_cost(src, lab_checks, references)
            theirs = nbgrader_cost(submission, lab, tmp) if with_nbgrader else None
            rows.append((lab, len(lab_checks), ours, theirs))
        every = [c for c in checks if c.lab in labs]
        whole = grade_cost(src, every, references)
        print(f"machine: {os.cpu_count()} cores, {_cpu_model()}; the reference solution, "
              "hidden checks included; nbgrader runs the notebook with DLKIT_EPOCHS=2")
        print(f"{'lab':16} {'checks':>6} {'score':>9} {'ours core-s':>11} {'ours wall s':>11}"
              f" {'nbgrader core-s':>15} {'nbgrader wall s':>15} {'ratio':>6}")
        for lab, n, (cpu, wall, score, points), theirs in rows:
            line = f"{lab:16} {n:6} {score:4.0f}/{points:<4.0f} {cpu:11.1f} {wall:11.1f}"
            if theirs:
                line += f" {theirs[0]:15.1f} {theirs[1]:15.1f} {theirs[0] / cpu:5.1f}x"
            print(line)
        cpu, wall, score, points = whole
        total = sum(row[2][0] for row in rows)
        print(f"{'whole course':16} {len(every):6} {score:4.0f}/{points:<4.0f} {cpu:11.1f} "
              f"{wall:11.1f}   (one worker, every lab; the labs' workers summed: {total:.1f})")
        if zygote is not None:
            print(f"once per grading process: the zygote's import of TensorFlow, "
                  f"{cpu_seconds(zygote.process.pid):.1f} core-s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
