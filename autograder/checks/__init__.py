"""Check definitions: what each check probes, for how many points, and how
its output is compared with the reference output.

Public checks live here and ship to students; hidden variants live in
``autograder/hidden`` (instructor copy only) and are loaded when present.
"""

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from autograder import ROOT

# The course's labs in teaching order. A lab exists once its public checks
# module ``autograder/checks/<lab>.py`` does; a test keeps labs/ in step.
COURSE = ("iris_basics", "losses", "initializers", "optimizers", "schedules", "regularization")
LABS = tuple(lab for lab in COURSE if (ROOT / "checks" / f"{lab}.py").is_file())


@dataclass(frozen=True)
class Check:
    """One graded check.

    Attributes:
        id: unique id, ``<lab>.<task>.<what>``.
        lab: the lab (notebook) it belongs to.
        task: the notebook task it checks (public checks run after it).
        points: points for passing.
        probe: name of the worker probe whose output it compares.
        args: the probe's arguments (JSON-able).
        compare: ``(expected, got) -> (passed, message)``.
        description: one line a student reads.
        hidden: True for instructor-only variants.
        timeout: seconds the probe may run.
        gate: True for a trained-result gate (a threshold on a metric of a
            seeded training run). Its probe takes a ``seed`` argument, so
            ``python -m autograder gates`` can measure how often the
            reference fails it and how often broken code passes it.
    """

    id: str
    lab: str
    task: str
    points: float
    probe: str
    args: dict
    compare: Callable = field(compare=False, repr=False)
    description: str = ""
    hidden: bool = False
    timeout: float = 60.0
    gate: bool = False

    @property
    def probe_key(self):
        return self.probe + json.dumps(self.args, sort_keys=True)


def hidden_available():
    return (ROOT / "hidden" / "__init__.py").is_file()


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
            checks += importlib.import_module(f"autograder.hidden.{lab}").CHECKS
    ids = [c.id for c in checks]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise RuntimeError(f"Duplicate check ids: {sorted(duplicates)}")
    return checks


def references_path(lab, hidden):
    folder = ROOT / "hidden" / "references" if hidden else ROOT / "references"
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
    missing = [c.id for c in checks if c.id not in outputs]
    if missing:
        raise RuntimeError(
            f"No reference output for {len(missing)} checks (first: {missing[0]}): "
            "run `make references`."
        )
    return outputs
