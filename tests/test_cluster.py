"""Grading over a Dask cluster (a LocalCluster of two worker processes): the
same report, check by check, as grading on this machine; each Dask worker
keeps its own zygote; a worker of another version is refused."""

import distributed
import pytest

from autograder.core.cluster import DaskPool, VersionMismatch, grade_remote, pack
from autograder.core.grading import grade_many
from autograder.core.runner import Zygote

NAMES = ("starter.zip", "bug_step_decay_off_by_one", "reference")


def _rows(report):
    return [(s["submission"], [(c["id"], c["status"], c["score"], c["message"])
                               for c in s["checks"]]) for s in report["submissions"]]


def _zygote_pid():
    return Zygote._instance.process.pid if Zygote._instance is not None else None


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        yield client


def test_a_cluster_grades_as_this_machine_does(demo_submissions, demo_report, client):
    by_name = {p.name: p for p in demo_submissions}
    paths = [by_name[n] for n in NAMES]
    remote = grade_many(paths, labs=["schedules"], pool=DaskPool(client))
    # This machine's grading of the same submissions, hidden checks included
    # (the session's demo report; the lab's rows of it).
    local = {"submissions": [
        {**demo_report[s["submission"]],
         "checks": [c for c in demo_report[s["submission"]]["checks"] if c["lab"] == "schedules"]}
        for s in remote["submissions"]]}
    assert _rows(remote) == _rows(local)
    assert [s["score"] for s in remote["submissions"]][0] == 0
    assert remote["submissions"][2]["score"] == remote["submissions"][2]["max_score"] > 0
    # One zygote per Dask worker, started by the plugin: TensorFlow is
    # imported once per worker, not per submission.
    zygotes = client.run(_zygote_pid)
    assert len(zygotes) == 2 and all(zygotes.values()) and len(set(zygotes.values())) == 2


def test_a_worker_of_another_version_is_refused(client):
    future = client.submit(grade_remote, "alice", pack("missing"), ("schedules",), False, 1.0,
                           0, "0" * 64, pure=False)
    with pytest.raises(VersionMismatch, match="Received: client version 000000000000"):
        future.result()
