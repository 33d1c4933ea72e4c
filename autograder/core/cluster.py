"""Grading spread over a Dask distributed cluster.

``python -m autograder grade --cluster tcp://HOST:8786 SUBMISSION...``

- Every Dask worker runs this repository at the same version as the client
  (the nodes need the course repository installed; ``docs/cluster.md``). A
  worker plugin, `GraderPlugin`, starts the grader's zygote on each worker
  as it joins, so TensorFlow is imported once per Dask worker, never per
  submission, and checks that the worker grades with exactly the client's
  checks, references, grader code, data sets and packages
  (`store.grading_version`). A task sent to a worker of another version is
  refused with `VersionMismatch`, and the batch stops.
- Submissions travel as bytes (a zip made here), so the nodes share no
  filesystem; reports come back as plain dicts, and are identical, check by
  check, to a local grading of the same submissions.
"""

import io
import os
import shutil
import sys
import tempfile
import zipfile
from functools import cache
from pathlib import Path

from distributed import WorkerPlugin

from autograder.core.store import grading_version
from autograder.core.submissions import (
    MAX_FILES,
    MAX_UNPACKED_BYTES,
    SubmissionError,
    find_root,
    submission_name,
)


class VersionMismatch(RuntimeError):
    """A Dask worker grades with other checks or another environment."""


def pack(path):
    """A submission (folder or zip) as zip bytes: a zip as it is; of a
    folder, its ``src/dlkit`` (all that grading reads), or everything when
    it has none (the worker then says what is missing)."""
    path = Path(path)
    if path.is_file():
        return path.read_bytes()
    buffer, total, count = io.BytesIO(), 0, 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if path.is_dir():
            try:
                top = find_root(path) / "src" / "dlkit"
            except SubmissionError:
                top = path
            for file in sorted(p for p in top.rglob("*") if p.is_file() and not p.is_symlink()
                               and "__pycache__" not in p.parts and p.suffix != ".pyc"):
                total, count = total + file.stat().st_size, count + 1
                if total > MAX_UNPACKED_BYTES or count > MAX_FILES:
                    break  # the worker's unpacking says what is missing
                archive.write(file, file.relative_to(top.parent.parent if top != path else path)
                              .as_posix())
    return buffer.getvalue()


@cache
def _catalog(labs, include_hidden):
    from autograder.core.catalog import load_checks, load_references

    checks = load_checks(list(labs), include_hidden)
    return checks, load_references(checks)


def grade_remote(name, payload, labs, include_hidden, timeout_scale, seed, version):
    """Runs on a Dask worker: grades one submission sent as zip bytes."""
    from autograder.core.grading import grade_one

    mine = grading_version(list(labs), include_hidden, seed, timeout_scale)
    if mine != version:
        raise VersionMismatch(
            f"This Dask worker ({os.uname().nodename}, {sys.executable}) grades with other "
            "checks, references, grader code, data sets or packages than the client: install "
            "the same version of the course repository and requirements on every node. "
            f"Received: client version {version[:12]}, worker version {mine[:12]}")
    checks, references = _catalog(tuple(labs), include_hidden)
    folder = Path(tempfile.mkdtemp(prefix="dlkit-cluster-"))
    try:
        path = folder / f"{name}.zip"  # the report names the submission as the client does
        path.write_bytes(payload)
        return grade_one(path, checks, references, timeout_scale, seed)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class GraderPlugin(WorkerPlugin):
    """A Dask worker plugin: starts the grader's zygote (TensorFlow imported
    once) when a worker joins, and records the worker's grading version."""

    name = "dlkit-grader"

    def setup(self, worker):
        from autograder.core.runner import Zygote

        Zygote.get(sys.executable)

    def teardown(self, worker):
        from autograder.core.runner import Zygote

        Zygote.shutdown()


class DaskPool:
    """Grades on a Dask cluster (see the module docstring).

    Args:
        address: the scheduler, e.g. ``tcp://HOST:8786``, or a
            ``distributed.Client`` to use as it is.
    """

    def __init__(self, address):
        self.address = address
        self.client = None
        self.versions = {}

    def __enter__(self):
        from distributed import Client

        if isinstance(self.address, Client):
            self.client, self._own = self.address, False
        else:
            self.client, self._own = Client(self.address), True
        self.client.register_plugin(GraderPlugin(), name=GraderPlugin.name)
        return self

    def __exit__(self, *exc):
        if self._own:
            self.client.close()

    def submit(self, path, checks, references, timeout_scale, seed, labs, include_hidden):
        key = (tuple(labs), include_hidden, seed, timeout_scale)
        if key not in self.versions:
            self.versions[key] = grading_version(list(labs), include_hidden, seed, timeout_scale)
        # pure=False: the same submission graded twice (the canary and a
        # student's copy of the reference) is two tasks, not one.
        return self.client.submit(grade_remote, submission_name(path), pack(path), tuple(labs),
                                  include_hidden, timeout_scale, seed, self.versions[key],
                                  pure=False)

    @staticmethod
    def as_completed(futures):
        from distributed import as_completed

        return as_completed(list(futures))

    def cancel(self):
        pass  # the client's futures are released when the batch stops
