"""The student's copy of a master file: solution blocks become stubs.

In ``src/dlkit`` every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block
becomes a stub that raises ``NotImplementedError`` with the block's
``### HINT:`` text (at hint level ``none``, without it). The release, the
nbgrader course and the demo starter all make student files here.
"""

import shutil
import subprocess

from autograder import REPO
from autograder.core.solution_blocks import (  # noqa: F401 - the release's vocabulary
    BEGIN,
    END,
    HINT,
    MORE,
    solution_lines,
    strip_solutions,
)


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    return [f for f in out.split("\0") if f and (REPO / f).is_file()]


def copy_student_file(rel, dest, hints="concept"):
    """Copies tracked file `rel` to `dest`, stubbing solutions in src/dlkit
    with hints at level `hints` (see `strip_solutions`)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if rel.startswith("src/dlkit/") and rel.endswith(".py"):
        dest.write_text(strip_solutions((REPO / rel).read_text(), hints))
    else:
        shutil.copy2(REPO / rel, dest)
