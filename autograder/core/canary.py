"""The canary: the reference solution, graded before a batch's marks count.

In the instructor's copy ``src/dlkit`` is the reference solution, which
must get full marks. If it does not, the grader's environment is broken (a
Python whose packages the confined worker cannot see, missing data sets, a
damaged checkout) and every mark of the batch would be wrong in the same
way, so `grade_many` stops the batch (`CanaryFailed`).

A canary that passed is remembered for the same grader, reference,
data sets and Python (a small file in the temporary folder): the notebooks'
graded cells under nbgrader grade one lab of one student at a time and
should not pay for the reference every time.
"""

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from autograder import REPO
from autograder.core.catalog import HIDDEN, course_source


def reference_root():
    """The folder holding the reference solution's ``src/dlkit``: this
    repository in the instructor's copy (where the hidden checks are), else
    None (a student's copy holds the student's own code)."""
    source = course_source()
    return source.parent if source is not None else None


def _fingerprint(labs, include_hidden):
    digest = hashlib.sha256(json.dumps(
        [sorted(labs), include_hidden, sys.executable, sys.prefix,
         os.path.realpath(sys.prefix), sys.version, os.environ.get("DLKIT_SANDBOX", ""),
         os.environ.get("DLKIT_DATASETS", "")]).encode())
    folders = (REPO / "autograder", HIDDEN, REPO / "src" / "dlkit",
               Path(os.environ.get("DLKIT_DATASETS", REPO / "datasets")))
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*")
                           if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def _marker(labs, include_hidden):
    return Path(tempfile.gettempdir()) / f"dlkit-canary-{_fingerprint(labs, include_hidden)}"


def passed_before(labs, include_hidden):
    return _marker(labs, include_hidden).is_file()


def remember_pass(labs, include_hidden):
    marker = _marker(labs, include_hidden)
    tmp = marker.with_suffix(f".{os.getpid()}")
    tmp.write_text("the reference solution got full marks in this environment\n")
    os.replace(tmp, marker)
