"""Graded results kept on disk, so an interrupted batch resumes.

Each submission's report is written atomically (a temporary file, then
``os.replace``) the moment it is graded, under a key made of the
submission's content and the grading's version: the checks, the references,
the grader's own code, the reference data sets and the options that change
marks. Rerunning a batch after Ctrl-C or ``kill -9`` grades only what is
missing; a changed submission or a changed check is graded again.
"""

import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path

from autograder import REPO
from autograder.core.catalog import HIDDEN


def _hash_tree(digest, folder):
    folder = Path(folder)
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and
                       "__pycache__" not in p.parts and p.suffix != ".pyc"):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def _versions():
    found = {}
    for package in ("tensorflow", "keras", "numpy", "pandas", "scikit-learn"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def grading_version(labs, include_hidden, seed, timeout_scale):
    """A hash of everything besides the submission that decides its marks:
    the options, the Python and its packages, the grader (checks,
    references, worker) and the data sets."""
    digest = hashlib.sha256(json.dumps(
        [sorted(labs), include_hidden, seed, timeout_scale, sys.version, _versions()]).encode())
    for folder in (REPO / "autograder", REPO / "datasets", HIDDEN):
        if folder.is_dir():
            _hash_tree(digest, folder)
    return digest.hexdigest()


def submission_hash(path):
    """A hash of a submission's content (a zip's bytes, or a folder's files)."""
    path = Path(path)
    digest = hashlib.sha256()
    if path.is_dir():
        _hash_tree(digest, path)
    elif path.is_file():
        digest.update(path.read_bytes())
    else:
        digest.update(b"missing:" + str(path).encode())
    return digest.hexdigest()


class ResultStore:
    """Reports of graded submissions in `folder`, one JSON file each."""

    def __init__(self, folder, version):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.version = version

    def _path(self, submission):
        key = hashlib.sha256((self.version + submission_hash(submission)).encode())
        return self.folder / f"{key.hexdigest()[:40]}.json"

    def load(self, submission, name):
        """The stored report of `submission` (renamed to `name`), or None."""
        path = self._path(submission)
        try:
            report = json.loads(path.read_text())
        except (OSError, ValueError):
            return None  # not graded yet (or a file cut short: grade again)
        return {**report, "submission": name}

    def save(self, submission, report):
        path = self._path(submission)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(report))
        os.replace(tmp, path)
