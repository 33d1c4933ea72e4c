"""The catalog of checks: what each check probes, for how many points, and
how its output is compared with the reference output.

Public checks live in ``autograder/checks/<lab>.py`` (they ship to
students, with their reference outputs in ``autograder/references/``).
Hidden variants live in the instructor copy's ``instructor/hidden/<lab>.py``
(references in ``instructor/hidden/references/``); the catalog loads them
as data when that folder exists, so this package never imports the
instructor's code and works unchanged in the student copy.

A check id reads ``<lab>.<task>[_<variant>].<what>``: the lab is its first
part, and the task is the one of the lab's ``TASKS`` (declared in its public
checks module, in notebook order) that its second part starts with.
"""

import importlib
import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from autograder import REPO, ROOT

# The course's labs in teaching order. A lab exists once its public checks
# module ``autograder/checks/<lab>.py`` does; a test keeps labs/ in step.
COURSE = ("iris_basics", "losses", "initializers", "optimizers", "schedules", "regularization",
          "generalization")
LABS = tuple(lab for lab in COURSE if (ROOT / "checks" / f"{lab}.py").is_file())

# The instructor copy's hidden checks: a folder of check modules and their
# reference outputs, absent from the student release.
HIDDEN = REPO / "instructor" / "hidden"
HIDDEN_PACKAGE = "instructor.hidden"
# Every lab's task for the check that its given code is the course's.
GIVEN_CODE_TASK = "given_code"
# Probes that run in the grader's process (they read files, run no student code).
GRADER_PROBES = "grader."


@dataclass(frozen=True)
class Check:
    """One graded check.

    Attributes:
        id: unique id, ``<lab>.<task>[_<variant>].<what>``; the lab and the
            task are read from it (see the module docstring).
        points: points for passing.
        probe: name of the worker probe whose output it compares.
        args: the probe's arguments (JSON-able).
        compare: ``(expected, got) -> (passed, message)``.
        description: one line a student reads.
        hidden: True for instructor-only variants.
        timeout: seconds the probe may run.
        gate: True for a trained-result gate (a threshold on a metric of a
            seeded training run). Its probe takes a ``seed`` argument, so
            ``make gates`` can measure how often the reference fails it and
            how often broken code passes it.
        plot: optional ``(expected, got) -> [{"label", "expected", "got"}]``
            naming the sequences the feedback draws for a failed check; by
            default they are found in the outputs (``evaluate.plot_series``).
    """

    id: str
    points: float
    probe: str
    args: dict
    compare: Callable = field(compare=False, repr=False)
    description: str = ""
    hidden: bool = False
    timeout: float = 60.0
    gate: bool = False
    plot: Callable | None = field(default=None, compare=False, repr=False)

    @property
    def lab(self):
        return self.id.split(".", 1)[0]

    @property
    def task(self):
        return task_of(self.id)

    @property
    def probe_key(self):
        return self.probe + json.dumps(self.args, sort_keys=True)


@cache
def lab_tasks(lab):
    """The tasks of `lab` in notebook order (its checks module's ``TASKS``)."""
    if lab not in LABS:
        raise ValueError(f"Unknown lab. Expected one of {', '.join(LABS)}. Received: lab={lab!r}")
    return tuple(importlib.import_module(f"autograder.checks.{lab}").TASKS)


def task_of(check_id):
    """The task a check id belongs to: the longest of its lab's tasks (or
    `GIVEN_CODE_TASK`) that its second part equals or starts with followed
    by ``_``."""
    lab, _, rest = check_id.partition(".")
    part = rest.split(".", 1)[0]
    tasks = (*lab_tasks(lab), GIVEN_CODE_TASK)
    matches = [t for t in tasks if part == t or part.startswith(t + "_")]
    if not matches:
        raise ValueError(
            f"Check id {check_id!r} names no task of lab {lab!r}: its second part must be one "
            f"of {', '.join(lab_tasks(lab))}, optionally followed by _<variant>. "
            f"Received: {part!r}")
    return max(matches, key=len)


def course_source():
    """The course's own ``src`` (holding the reference solution's
    ``dlkit``) in the instructor's copy, where the hidden checks are; None in
    a student's copy, whose ``src`` is the student's."""
    if hidden_available() and (REPO / "src" / "dlkit").is_dir():
        return REPO / "src"
    return None


def given_code_check(lab):
    """``<lab>.given_code.unchanged``: the given code of the lab's modules
    is the course's (see ``core/given_code.py``); worth no points."""
    from autograder.core import given_code

    modules = importlib.import_module(f"autograder.checks.{lab}").MODULES
    return Check(f"{lab}.{GIVEN_CODE_TASK}.unchanged", 0, given_code.PROBE,
                 {"modules": list(modules)}, given_code.compare,
                 f"the given code of {', '.join(modules)} is the course's (compared by syntax "
                 "tree; the grader runs its own loaders and model builders)")


def hidden_available():
    return (HIDDEN / "__init__.py").is_file() and importlib.util.find_spec(
        HIDDEN_PACKAGE) is not None


def load_checks(labs=LABS, include_hidden=True):
    """All checks of `labs`, public first, then hidden ones if present."""
    checks = []
    for lab in labs:
        if lab not in LABS:
            raise ValueError(
                f"Unknown lab. Expected one of {', '.join(LABS)}. Received: lab={lab!r}"
            )
        checks += importlib.import_module(f"autograder.checks.{lab}").CHECKS
        if include_hidden and hidden_available():
            checks += importlib.import_module(f"{HIDDEN_PACKAGE}.{lab}").CHECKS
        if course_source() is not None:
            checks.append(given_code_check(lab))
    ids = [c.id for c in checks]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise RuntimeError(f"Duplicate check ids: {sorted(duplicates)}")
    for check in checks:
        task_of(check.id)  # every id names a task of its lab
    return checks


def references_path(lab, hidden):
    folder = HIDDEN / "references" if hidden else ROOT / "references"
    return folder / f"{lab}.json"


def load_references(checks):
    """Reference outputs for `checks`, keyed by check id."""
    outputs = {}
    for lab, hidden in sorted({(c.lab, c.hidden) for c in checks}):
        path = references_path(lab, hidden)
        if not path.is_file():
            raise FileNotFoundError(
                f"Reference outputs {path} are missing: run `make references`."
            )
        outputs.update(json.loads(path.read_text())["outputs"])
    for check in checks:  # compared with the course's files, not with an output
        if check.probe.startswith(GRADER_PROBES):
            outputs[check.id] = None
    missing = [c.id for c in checks if c.id not in outputs]
    if missing:
        raise RuntimeError(
            f"No reference output for {len(missing)} checks (first: {missing[0]}): "
            "run `make references`."
        )
    return outputs
