"""Given code stays the course's.

Everything in ``src/dlkit`` outside the solution blocks is given code: the
loaders, the model builders, the validation helpers, the docstrings. A
student can change it, by accident or not. In the instructor's copy, where
the grader holds the course's own ``src/dlkit``:

- `course_copy` writes the course's version of the given-only modules the
  probes rely on (`GIVEN_MODULES`, solution blocks stubbed) as the package
  ``dlkit_course``. The workers import it before any student code runs (and
  the guard watches it), and the probes load data and build models from it
  (``worker/probes/_common.given``): a submission whose loader changes the
  split or the scaling trains its gates on the course's data all the same.
- `changes` compares a submission's module with the course's by syntax tree
  outside the solution blocks (formatting and comments do not count), as
  nbgrader checksums its read-only cells. The check ``<lab>.given_code.
  unchanged`` reports each change with the function and the line; it is
  worth no points, it says what the grader did not use.
"""

import ast
import shutil
from pathlib import Path

from autograder.core.solution_blocks import strip_solutions

# Modules of given code only that the probes import from the course's copy.
GIVEN_MODULES = ("_validation", "data", "models")
COURSE_PACKAGE = "dlkit_course"
PROBE = "grader.given_code"  # runs in the grader's process: it reads files, runs nothing
MAX_SHOWN = 5


def course_copy(reference_src, dest):
    """Writes ``dest/dlkit_course/`` from the course's ``src/dlkit`` (with
    its solution blocks stubbed); returns `dest`."""
    package = Path(dest) / COURSE_PACKAGE
    if package.exists():
        shutil.rmtree(package)
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""The course\'s copy of dlkit\'s given code."""\n')
    for name in GIVEN_MODULES:
        text = strip_solutions((Path(reference_src) / "dlkit" / f"{name}.py").read_text())
        # Its own imports of dlkit's given modules stay within the course's copy.
        text = text.replace("from dlkit.", f"from {COURSE_PACKAGE}.").replace(
            "import dlkit.", f"import {COURSE_PACKAGE}.")
        (package / f"{name}.py").write_text(text)
    return Path(dest)


# -- comparing a submission's module with the course's ------------------------------

def _is_stub(node):
    """The ``raise NotImplementedError('...: not implemented yet...')`` a
    solution block became: where the student's code goes."""
    return (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
            and isinstance(node.exc.func, ast.Name) and node.exc.func.id == "NotImplementedError"
            and any(isinstance(a, ast.Constant) and isinstance(a.value, str)
                    and "not implemented yet" in a.value for a in node.exc.args))


def _shallow(node):
    """`node` without its statement bodies and positions, for comparing."""
    fields = {}
    for name, value in ast.iter_fields(node):
        if name in ("body", "orelse", "finalbody", "handlers"):
            continue
        fields[name] = value
    return ast.dump(type(node)(**fields), annotate_fields=True, include_attributes=False)


def _name(node):
    return getattr(node, "name", None) or type(node).__name__.lower()


class _Diff:
    def __init__(self):
        self.found = []

    def add(self, where, line, what):
        self.found.append(f"{where or 'module level'} (line {line}): {what}")

    def statements(self, course, student, where, parent_line, top=False):
        stubs = [i for i, node in enumerate(course) if _is_stub(node)]
        if len(stubs) > 1:  # never in the course's files; compare what can be compared
            stubs = stubs[:1]
        if stubs:
            k = stubs[0]
            before, after = course[:k], course[k + 1:]
            if len(student) < len(before) + len(after):
                line = student[0].lineno if student else parent_line
                self.add(where, line, "given statements around your code were removed")
                return
            self.pairs(before, student[:len(before)], where)
            self.pairs(after, student[len(student) - len(after):], where)
            return
        if top:  # imports, and helper functions of new names, are the student's to add
            names = {_name(n) for n in course}
            course = [n for n in course if not isinstance(n, (ast.Import, ast.ImportFrom))]
            student = [n for n in student if not (
                isinstance(n, (ast.Import, ast.ImportFrom)) or (
                    isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name not in names))]
        if len(student) != len(course):
            line = student[min(len(student), len(course)) - 1].lineno if student else parent_line
            self.add(where, line, f"{len(course)} given statements, {len(student)} here")
            return
        self.pairs(course, student, where)

    def pairs(self, course, student, where):
        for c, s in zip(course, student):
            self.node(c, s, where)

    def node(self, course, student, where):
        inner = f"{where}.{course.name}" if where and hasattr(course, "name") else \
            getattr(course, "name", where)
        if type(course) is not type(student) or _shallow(course) != _shallow(student):
            self.add(inner if isinstance(course, (ast.FunctionDef, ast.ClassDef)) else where,
                     student.lineno, "differs from the course's given code")
            return
        for field in ("body", "orelse", "finalbody"):
            if hasattr(course, field):
                self.statements(getattr(course, field), getattr(student, field), inner,
                                student.lineno)
        for c, s in zip(getattr(course, "handlers", []), getattr(student, "handlers", [])):
            self.node(c, s, inner)


def changes(course_text, student_text, module="module"):
    """The changes to given code in `student_text`, the student's version of
    a module whose course version (with solution blocks) is `course_text`.

    Returns:
        A list of ``"<module>: <function> (line N): what"``, empty when the
        given code is unchanged.
    """
    course = ast.parse(strip_solutions(course_text))
    try:
        student = ast.parse(student_text)
    except (SyntaxError, ValueError) as exc:
        return [f"{module}: cannot be read ({type(exc).__name__}: {exc})"]
    except RecursionError:
        return [f"{module}: nested too deeply to read"]
    diff = _Diff()
    diff.statements(course.body, student.body, "", 1, top=True)
    return [f"{module}: {change}" for change in diff.found]


def run_probe(args, student_src, reference_src):
    """The ``grader.given_code`` probe: the changes in each module of
    ``args["modules"]`` (file names in ``dlkit/``)."""
    found = []
    for module in args["modules"]:
        course = Path(reference_src) / "dlkit" / module
        mine = Path(student_src) / "dlkit" / module
        if not course.is_file():
            continue
        if not mine.is_file():
            found.append(f"{module}: missing")
            continue
        try:
            text = mine.read_text()
        except (OSError, UnicodeDecodeError) as exc:
            found.append(f"{module}: cannot be read ({type(exc).__name__})")
            continue
        found += changes(course.read_text(), text, module)
    return found


def compare(expected, got):
    """A check's compare: no change passes; otherwise the first few."""
    if not isinstance(got, list):
        return False, f"expected a list of changes, got {type(got).__name__}"
    if not got:
        return True, "the given code is the course's"
    shown = "; ".join(got[:MAX_SHOWN]) + (f"; and {len(got) - MAX_SHOWN} more"
                                          if len(got) > MAX_SHOWN else "")
    return False, ("given code changed (the grader used the course's loaders and model "
                   f"builders, not yours; keep given code as it is): {shown}")


def with_grader_probes(call, student_src, reference_src):
    """`call` (a ``ProbeCall``) that also answers the grader's own probes,
    here, from files: the student's code is read, never run."""
    from autograder.core.runner import ProbeOutcome, ProbeStatus

    def answer(probe, args, timeout):
        if probe != PROBE:
            return call(probe, args, timeout)
        if reference_src is None:
            return ProbeOutcome(ProbeStatus.ERROR, error={
                "type": "Unavailable", "message": "no course copy of src/ to compare with"})
        try:
            return ProbeOutcome(ProbeStatus.OK,
                                result=run_probe(args, student_src, reference_src))
        except Exception as exc:  # noqa: BLE001 - a file the parser chokes on
            return ProbeOutcome(ProbeStatus.ERROR, error={"type": type(exc).__name__,
                                                          "message": str(exc)[:500]})

    return answer
