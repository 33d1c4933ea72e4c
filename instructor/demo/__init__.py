"""Demo submissions for ``make grade`` and the tests (instructor copy only).

- ``reference``: the master solution (must get full marks);
- ``starter``: the student release's stubs, zipped (must get zero, with
  ``NotImplementedError`` hints in the messages);
- one submission per planted bug (``instructor/demo/bugs/<lab>.py``), each a
  mistake students make, with the checks of its lab it must lose
  (shell-style patterns over check ids) and no other.
"""

import fnmatch
import importlib
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder import REPO
from instructor.student_copy import strip_solutions

DEMO = REPO / "build" / "demo"


@dataclass(frozen=True)
class PlantedBug:
    lab: str
    name: str
    file: str  # relative to src/dlkit
    old: str
    new: str
    loses: tuple  # patterns of the check ids that must fail, and only those
    why: str

    def expected_failures(self, check_ids):
        return {i for i in check_ids if any(fnmatch.fnmatch(i, p) for p in self.loses)}


def _load_bugs():
    from autograder.core.catalog import LABS

    bugs = []
    for lab in LABS:
        if (Path(__file__).parent / "bugs" / f"{lab}.py").is_file():
            bugs += importlib.import_module(f"instructor.demo.bugs.{lab}").BUGS
    return tuple(bugs)


BUGS = _load_bugs()


def copy_source(dest, transform=None):
    """Writes the reference solution's ``src/dlkit`` under `dest`, each file
    passed through ``transform(relative path, text)`` if given."""
    for path in sorted((REPO / "src" / "dlkit").rglob("*.py")):
        rel = path.relative_to(REPO / "src")
        out = dest / "src" / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text()
        out.write_text(transform(rel, text) if transform else text)


def build_bug(bug, dest):
    """Writes a submission folder `dest`: the reference with `bug` planted
    (a `PlantedBug` or a mutant of ``mutants.py``)."""
    copy_source(dest, lambda rel, text: plant(bug, rel, text))
    return dest


def plant(bug, rel, text):
    if rel.as_posix() != f"dlkit/{bug.file}":
        return text
    if text.count(bug.old) != 1:
        raise RuntimeError(f"{bug.name}: the text to replace must occur once in {bug.file}")
    return text.replace(bug.old, bug.new)


def build_demo(target=DEMO, bugs_per_lab=None):
    """Writes the demo submissions; returns their paths (folders and a zip).

    `bugs_per_lab` keeps the first that many planted bugs of each lab
    (default: all of them).
    """
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    paths = []
    copy_source(target / "reference")
    paths.append(target / "reference")
    starter = target / "starter"
    copy_source(starter, lambda rel, text: strip_solutions(text))
    with zipfile.ZipFile(target / "starter.zip", "w") as archive:
        for path in sorted(starter.rglob("*.py")):
            archive.write(path, path.relative_to(starter).as_posix())
    shutil.rmtree(starter)
    paths.append(target / "starter.zip")
    for bug in _sample(BUGS, bugs_per_lab):
        paths.append(build_bug(bug, target / bug.name))
    return paths


def _sample(bugs, per_lab):
    if per_lab is None:
        return bugs
    kept = {}
    for bug in bugs:
        kept.setdefault(bug.lab, [])
        if len(kept[bug.lab]) < per_lab:
            kept[bug.lab].append(bug)
    return tuple(bug for bug in bugs if bug in kept[bug.lab])


def main(bugs_per_lab=None):
    for path in build_demo(bugs_per_lab=bugs_per_lab):
        print(path.relative_to(REPO))
    return 0
