"""``make bench``: grading cost of this grader vs ``nbgrader autograde``,
measured side by side in one run on the same submissions and machine.

Prints wall seconds per submission for both and their ratio, for one
submission and for a batch (the demo set; ours uses every core, nbgrader is
sequential by design).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import REPO, nbgrader_course
from autograder.demo import build_demo


def _ours(paths):
    with tempfile.TemporaryDirectory() as tmp:
        start = time.monotonic()
        subprocess.run([sys.executable, "-m", "autograder", "grade", *map(str, paths),
                        "--json", str(Path(tmp) / "r.json")], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
        return time.monotonic() - start


def _nbgrader(paths):
    with tempfile.TemporaryDirectory() as tmp:
        course = nbgrader_course.build_course(Path(tmp) / "course")
        nbgrader_course.collect(paths, course=course)
        # Graded cells reuse a cached grade of identical code: start cold.
        for cached in Path(tempfile.gettempdir()).glob("dlkit-grade-*.json"):
            cached.unlink()
        start = time.monotonic()
        nbgrader_course.autograde_and_export(course=course)
        return time.monotonic() - start


def main():
    demo = build_demo()
    batch = demo[: int(os.environ.get("BENCH_BATCH", "4"))]
    rows = []
    for label, paths in (("1 submission", demo[:1]), (f"batch of {len(batch)}", batch)):
        ours, theirs = _ours(paths), _nbgrader(paths)
        n = len(paths)
        rows.append((label, ours / n, theirs / n, theirs / ours))
    print(f"machine: {os.cpu_count()} cores; lab: schedules; "
          "nbgrader runs the lab notebook with DLKIT_EPOCHS=2")
    print(f"{'':16} {'autograder s/sub':>17} {'nbgrader s/sub':>15} {'speed-up':>9}")
    for label, ours, theirs, ratio in rows:
        print(f"{label:16} {ours:17.1f} {theirs:15.1f} {ratio:8.1f}x")
    shutil.rmtree(REPO / "build" / "demo", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
