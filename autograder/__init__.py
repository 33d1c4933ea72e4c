"""dlkit's autograder: grades student submissions against reference outputs.

``python -m autograder grade SUBMISSION... --json REPORT.json`` (see
``docs/grading.md``). Student code only ever runs in the worker process
(``autograder.worker``); checks, hidden checks and reference outputs stay in
this process.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
