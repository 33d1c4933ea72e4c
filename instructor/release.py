"""``make release``: the student copy, generated from this master repository.

1. Copies the tracked files of the folders in `SHIPPED`, an allow-list of
   whole folders: ``autograder/`` (the grading core, public checks and
   references), ``src/dlkit``, ``datasets``, ``requirements.txt``. Nothing
   of ``instructor/`` ships, so a new instructor tool never reaches
   students by accident.
2. Replaces every solution block in ``src/dlkit`` by a stub
   (``instructor/student_copy.py``).
3. Takes the notebooks from ``nbgrader generate_assignment`` (see
   ``instructor/nbgrader_course.py``), which strips solutions, hidden tests
   and outputs; adds the student README and Makefile
   (``instructor/release_files/``).
4. At hint level ``more``, adds the blocks' ``### MORE:`` hints to the
   notebooks, folded, before each task's check cell (``instructor/hints.py``).
5. Runs the leak check, which fails the build on any solution text, marker,
   hidden check id or value, ``.pyc``, notebook output or personal metadata,
   and on any hint or notebook text that shares `hints.LIMIT` consecutive
   code tokens with its solution (at every hint level).
"""

import json
import shutil
from pathlib import Path

from autograder import REPO
from instructor import hints as hint_measure
from instructor.nbgrader_course import released_notebooks
from instructor.student_copy import (
    HINT,
    MORE,
    copy_student_file,
    solution_lines,
    strip_solutions,
    tracked_files,
)

# What students get: whole folders and files, relative to the repository root
# (tracked files only; notebooks come from nbgrader).
SHIPPED = ("autograder", "datasets", "requirements.txt", "src/dlkit")
RELEASE_FILES = REPO / "instructor" / "release_files"  # README.md and Makefile of the copy
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", HINT, MORE)
NOTEBOOK_METADATA = {"kernelspec", "language_info", "nbgrader"}


def shipped(path):
    """True for a tracked file `path` (relative) that the release holds."""
    return any(path == p or path.startswith(p + "/") for p in SHIPPED)


class LeakError(RuntimeError):
    pass


MIN_SECRET_ARGS = 20  # characters of a hidden check's JSON arguments worth searching for


def hidden_strings():
    """Ids and argument values of hidden checks (none of which may leak)."""
    from autograder.core.catalog import LABS, hidden_available, load_checks

    if not hidden_available():
        return []
    public = {c.id for c in load_checks(LABS, include_hidden=False)}
    strings = []
    for check in load_checks(LABS, include_hidden=True):
        if check.id not in public:
            strings.append(check.id)
            args = json.dumps(check.args, sort_keys=True)
            # Arguments as short as '{"seed": 1}' say nothing about the check and
            # occur in public code by chance.
            if len(args) >= MIN_SECRET_ARGS:
                strings.append(args)
    return strings


def leak_check(release, master=REPO):
    """Raises LeakError listing everything in `release` a student must not get."""
    release = Path(release)
    problems = []
    # Solution lines that the given code (stubs, hints, helpers) does not
    # itself contain: those must appear nowhere in the student copy.
    sources = [p.read_text() for p in sorted((master / "src" / "dlkit").rglob("*.py"))]
    given = "\n".join(strip_solutions(text) for text in sources)
    forbidden = [line for text in sources for line in solution_lines(text) if line not in given]
    hidden = hidden_strings()
    for path in sorted(release.rglob("*")):
        rel = path.relative_to(release).as_posix()
        if path.is_dir():
            if path.name in ("__pycache__", ".ipynb_checkpoints", ".git", "hidden", "instructor"):
                problems.append(f"{rel}/: folder must not be released")
            continue
        if path.suffix in (".pyc", ".pyo") or path.name in ("submission.zip", "gradebook.db"):
            problems.append(f"{rel}: build or grading leftover")
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        for marker in MARKERS:
            if marker in text:
                problems.append(f"{rel}: contains the marker {marker!r}")
        if rel.startswith(("src/", "labs/")):
            for line in forbidden:
                if line in text:
                    problems.append(f"{rel}: contains solution text {line!r}")
                    break
        for s in hidden:
            if s in text:
                problems.append(f"{rel}: contains a hidden check ({s[:60]!r})")
                break
        if path.suffix == ".ipynb":
            problems += _notebook_problems(rel, json.loads(text))
    problems += [f"hint leak: {leak}" for leak in hint_measure.release_leaks(release, master)]
    if problems:
        raise LeakError("The release leaks:\n  " + "\n  ".join(problems))


def _notebook_problems(rel, nb):
    problems = []
    extra = set(nb.get("metadata", {})) - NOTEBOOK_METADATA
    if extra:
        problems.append(f"{rel}: notebook metadata {sorted(extra)} (personal or tool state)")
    for n, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count")):
            problems.append(f"{rel}: cell {n} has outputs or an execution count")
        extra = set(cell.get("metadata", {})) - {"nbgrader", "tags", "deletable", "editable"}
        if extra:
            problems.append(f"{rel}: cell {n} metadata {sorted(extra)}")
    return problems


def build_release(target=REPO / "build" / "release", notebooks=None, hints="concept"):
    """Writes the student copy to `target` with hints at level `hints`
    (``none``, ``concept`` or ``more``) and leak-checks it."""
    hint_measure.check_level(hints)
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    for rel in tracked_files():
        if shipped(rel):
            copy_student_file(rel, target / rel, hints)
    for path in sorted(RELEASE_FILES.iterdir()):
        shutil.copy2(path, target / path.name)
    if notebooks is None:
        notebooks = released_notebooks()
    for path in notebooks:
        (target / "labs").mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / "labs" / Path(path).name)
        if hints == "more":
            hint_measure.add_more_hints(target / "labs" / Path(path).name, Path(path).stem)
    leak_check(target)
    return target


def main(hints="concept"):
    target = build_release(hints=hints)
    n = sum(1 for p in target.rglob("*") if p.is_file())
    print(f"student release: {target} ({n} files, hints={hints}); leak check passed")
    return 0
