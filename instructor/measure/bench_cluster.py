"""``make bench`` (part): grading on a Dask cluster of 1 worker vs 2.

Grades the same batch (the demo set of one lab: reference, starter and its
planted bugs, hidden checks included) on a ``LocalCluster`` of one worker
process and on one of two, one after the other in this run, and prints the
wall time of each and the speed-up. Each cluster starts its workers' zygotes
before the clock starts, so the figure is grading, not start-up.
``BENCH_LAB`` picks the lab (default ``schedules``).
"""

import os
import tempfile
import time
from pathlib import Path

from autograder.core.cluster import DaskPool
from autograder.core.grading import grade_many
from instructor.demo import BUGS, build_demo


def _timed(paths, lab, workers):
    import distributed

    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        pool = DaskPool(client)
        with pool:  # registers the plugin: every worker starts its zygote now
            pass
        start = time.monotonic()
        report = grade_many(paths, labs=[lab], pool=DaskPool(client))
        return time.monotonic() - start, report


def main():
    lab = os.environ.get("BENCH_LAB", "schedules")
    with tempfile.TemporaryDirectory() as tmp:
        wanted = {"reference", "starter.zip"} | {b.name for b in BUGS if b.lab == lab}
        paths = [p for p in build_demo(Path(tmp) / "demo") if p.name in wanted]
        one, first = _timed(paths, lab, 1)
        two, second = _timed(paths, lab, 2)
    same = [s["checks"] for s in first["submissions"]] == [s["checks"] for s in second["submissions"]]
    print(f"Dask LocalCluster, lab {lab}, {len(paths)} submissions (hidden checks included), "
          f"{os.cpu_count()} cores")
    print(f"  1 worker : {one:6.1f} s")
    print(f"  2 workers: {two:6.1f} s   speed-up {one / two:.2f}x; reports identical: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
