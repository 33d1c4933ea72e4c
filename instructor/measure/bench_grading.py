"""``make bench``: grading cost of this grader vs ``nbgrader autograde``,
measured side by side in one run on the same submissions and machine.

Prints wall seconds per submission for both and their ratio, for one
submission and for a batch (the lab's demo set: reference, starter and
planted bugs; ours uses every core, nbgrader is sequential by design).
``BENCH_LAB`` picks the lab (default ``schedules``), ``BENCH_BATCH`` caps
the batch.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import REPO
from instructor import nbgrader_course
from instructor.demo import BUGS, build_demo


def _ours(paths, lab):
    with tempfile.TemporaryDirectory() as tmp:
        start = time.monotonic()
        subprocess.run([sys.executable, "-m", "autograder", "grade", *map(str, paths),
                        "--lab", lab, "--json", str(Path(tmp) / "r.json")], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
        return time.monotonic() - start


def _nbgrader(paths, lab):
    with tempfile.TemporaryDirectory() as tmp:
        course = nbgrader_course.build_course(Path(tmp) / "course", labs=[lab])
        nbgrader_course.collect(paths, course=course, labs=[lab])
        # Graded cells reuse a cached grade of identical code: start cold.
        for cached in Path(tempfile.gettempdir()).glob("dlkit-grade-*.json"):
            cached.unlink()
        start = time.monotonic()
        nbgrader_course.autograde_and_export(course=course, labs=[lab])
        return time.monotonic() - start


def main():
    lab = os.environ.get("BENCH_LAB", "schedules")
    demo_dir = Path(tempfile.mkdtemp(prefix="dlkit-bench-"))
    demo = build_demo(demo_dir)
    # The reference, the starter and the lab's planted bugs: what a class hands in.
    batch = [p for p in demo if p.name in ("reference", "starter.zip")
             or any(b.name == p.name and b.lab == lab for b in BUGS)]
    batch = batch[: int(os.environ.get("BENCH_BATCH", "8"))]
    rows = []
    for label, paths in (("1 submission", batch[:1]), (f"batch of {len(batch)}", batch)):
        ours, theirs = _ours(paths, lab), _nbgrader(paths, lab)
        n = len(paths)
        rows.append((label, ours / n, theirs / n, theirs / ours))
    print(f"machine: {os.cpu_count()} cores; lab: {lab}; "
          "nbgrader runs the lab notebook with DLKIT_EPOCHS=2")
    print(f"{'':16} {'autograder s/sub':>17} {'nbgrader s/sub':>15} {'speed-up':>9}")
    for label, ours, theirs, ratio in rows:
        print(f"{label:16} {ours:17.1f} {theirs:15.1f} {ratio:8.1f}x")
    shutil.rmtree(demo_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
