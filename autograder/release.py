"""``make release``: the student copy, generated from this master repository.

1. Copies the tracked files students get (never ``autograder/hidden``, the
   tests, the demo submissions or the maintainers' tools).
2. Replaces every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block in
   ``src/dlkit`` by a stub that raises ``NotImplementedError`` with the
   block's ``### HINT:`` text.
3. Takes the notebooks from ``nbgrader generate_assignment`` (see
   ``autograder/nbgrader_course.py``), which strips solutions, hidden tests
   and outputs.
4. Runs the leak check, which fails the build on any solution text, marker,
   hidden check id or value, ``.pyc``, notebook output or personal metadata.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

from autograder import REPO

BEGIN, END, HINT = "### BEGIN SOLUTION", "### END SOLUTION", "### HINT:"
# What students get, relative to the repository root (tracked files only).
INCLUDE = ("README.md", "requirements.txt", "src/dlkit", "datasets", "autograder", "labs")
EXCLUDE = (
    "autograder/hidden", "autograder/demo", "autograder/oracles", "autograder/release.py",
    "autograder/references.py", "autograder/nbgrader_course.py", "autograder/bench.py", "autograder/gates.py",
    "autograder/mutants.py", "autograder/flake.py",
)
STUDENT_MAKEFILE = REPO / "tools" / "Makefile.student"
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", HINT)
NOTEBOOK_METADATA = {"kernelspec", "language_info", "nbgrader"}


class LeakError(RuntimeError):
    pass


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    return [f for f in out.split("\0") if f and (REPO / f).is_file()]


def _wanted(path):
    return (any(path == p or path.startswith(p + "/") for p in INCLUDE)
            and not any(path == p or path.startswith(p + "/") for p in EXCLUDE))


def _enclosing_name(lines, index):
    """``Class.method`` (or ``function``) that contains line `index`."""
    indent = len(lines[index]) - len(lines[index].lstrip())
    names = []
    for line in reversed(lines[:index]):
        stripped = line.lstrip()
        level = len(line) - len(stripped)
        match = re.match(r"(def|class)\s+(\w+)", stripped)
        if match and level < indent:
            names.append(match.group(2))
            indent = level
            if match.group(1) == "class" or level == 0:
                break
    return ".".join(reversed(names)) or "this function"


def strip_solutions(text):
    """Returns `text` with every solution block replaced by a stub."""
    lines = text.splitlines(keepends=True)
    out, i = [], 0
    while i < len(lines):
        if lines[i].strip() != BEGIN:
            if lines[i].strip().startswith((END, HINT)):
                raise ValueError(f"Marker outside a solution block at line {i + 1}: {lines[i]!r}")
            out.append(lines[i])
            i += 1
            continue
        start, indent = i, lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        hints = []
        i += 1
        while i < len(lines) and lines[i].strip() != END:
            if lines[i].strip().startswith(HINT):
                hints.append(lines[i].strip()[len(HINT):].strip())
            if lines[i].strip() == BEGIN:
                raise ValueError(f"Nested solution block at line {i + 1}")
            i += 1
        if i == len(lines):
            raise ValueError(f"Solution block opened at line {start + 1} is never closed")
        hint = " ".join(hints) or "see the docstring above"
        name = _enclosing_name(lines, start)
        out.append(f"{indent}# TODO: your code here. Hint: {hint}\n")
        out.append(f"{indent}raise NotImplementedError({f'{name}: not implemented yet. Hint: {hint}'!r})\n")
        i += 1
    return "".join(out)


def solution_lines(text):
    """Code lines inside solution blocks (what must never reach students)."""
    lines, inside = [], False
    for line in text.splitlines():
        s = line.strip()
        if s == BEGIN:
            inside = True
        elif s == END:
            inside = False
        elif inside and s and not s.startswith("#") and len(s) >= 12:
            lines.append(s)
    return lines


def hidden_strings():
    """Ids and argument values of hidden checks (none of which may leak)."""
    from autograder.checks import LABS, hidden_available, load_checks

    if not hidden_available():
        return []
    public = {c.id for c in load_checks(LABS, include_hidden=False)}
    strings = []
    for check in load_checks(LABS, include_hidden=True):
        if check.id not in public:
            strings += [check.id, json.dumps(check.args, sort_keys=True)]
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
            if path.name in ("__pycache__", ".ipynb_checkpoints", ".git", "hidden"):
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


def copy_student_file(rel, dest):
    """Copies tracked file `rel` to `dest`, stubbing solutions in src/dlkit."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if rel.startswith("src/dlkit/") and rel.endswith(".py"):
        dest.write_text(strip_solutions((REPO / rel).read_text()))
    else:
        shutil.copy2(REPO / rel, dest)


def build_release(target=REPO / "build" / "release", notebooks=None):
    """Writes the student copy to `target` and leak-checks it."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    for rel in tracked_files():
        if not _wanted(rel) or rel.endswith(".ipynb"):
            continue
        copy_student_file(rel, target / rel)
    shutil.copy2(STUDENT_MAKEFILE, target / "Makefile")
    if notebooks is None:
        from autograder.nbgrader_course import released_notebooks

        notebooks = released_notebooks()
    for path in notebooks:
        (target / "labs").mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / "labs" / Path(path).name)
    leak_check(target)
    return target


def main():
    target = build_release()
    n = sum(1 for p in target.rglob("*") if p.is_file())
    print(f"student release: {target} ({n} files); leak check passed")
    return 0
