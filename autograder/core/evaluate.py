"""The one probe-to-compare loop, and the typed result of a check.

Grading, the notebooks' check cells, reference generation and the gates all
run checks through `run_probes` and `evaluate`. Each passes its own
`ProbeCall`: a worker session (grading, references, gates) or the probes
run in the student's kernel (notebook cells). Each probe runs once per
distinct ``(probe, args)``, however many checks compare its output.
"""

import enum
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from autograder.core.catalog import Check
from autograder.core.runner import ProbeOutcome, ProbeStatus

# ``(probe, args, timeout) -> ProbeOutcome``; never raises for what student
# code does.
ProbeCall = Callable[[str, dict, float], ProbeOutcome]

MAX_MESSAGE = 1500  # characters of a check's message kept in reports


class Outcome(enum.Enum):
    """A check's status, as the contract's report spells it."""

    PASSED = "passed"
    FAILED = "failed"  # the code ran and its output differs from the reference
    ERROR = "error"  # the code raised, crashed, or could not be graded
    TIMEOUT = "timeout"  # the code ran past the check's time limit


@dataclass(frozen=True)
class CheckResult:
    """What one check gave one submission.

    Attributes:
        check: the `Check`.
        outcome: its `Outcome`.
        message: what differs (or what went wrong), in the student's terms.
        output: the probe's raw output (None unless the probe returned).
    """

    check: Check
    outcome: Outcome
    message: str
    output: object = None

    @property
    def passed(self):
        return self.outcome is Outcome.PASSED

    @property
    def score(self):
        return float(self.check.points) if self.passed else 0.0

    @classmethod
    def error(cls, check, message):
        """The result of a check that could not run at all."""
        return cls(check, Outcome.ERROR, message)

    def as_dict(self):
        """The report's row: the contract's keys plus ``description``."""
        return {"id": self.check.id, "lab": self.check.lab, "score": self.score,
                "max_score": float(self.check.points), "status": self.outcome.value,
                "message": self.message[:MAX_MESSAGE], "description": self.check.description}


def probe_args(check, seed=0):
    """The probe's arguments under grader seed `seed`: a trained-result gate
    trains with its own seed shifted by `seed` (0: the published grade)."""
    if seed and check.gate and "seed" in check.args:
        return {**check.args, "seed": check.args["seed"] + seed}
    return check.args


def run_probes(checks: Iterable[Check], call: ProbeCall, *, seed=0, timeout_scale=1.0):
    """Runs the probe of every check once per distinct ``(probe, args)``.

    Returns:
        ``{check id: ProbeOutcome}`` in check order.
    """
    cache, outcomes = {}, {}
    for check in checks:
        args = probe_args(check, seed)
        key = check.probe + json.dumps(args, sort_keys=True)
        if key not in cache:
            cache[key] = call(check.probe, args, check.timeout * timeout_scale)
        outcomes[check.id] = cache[key]
    return outcomes


def error_message(outcome):
    """One line from a failed probe call: ``Type: message (at where)``."""
    error = outcome.error or {}
    text = f"{error.get('type', 'Error')}: {error.get('message', '')}".strip()
    if error.get("where"):
        text += f" (at {error['where']})"
    return text


def judge(check, expected, outcome):
    """Compares one probe outcome with the reference output of `check`."""
    if outcome.status is ProbeStatus.OK:
        try:
            passed, message = check.compare(expected, outcome.result)
        except Exception as exc:  # noqa: BLE001 - odd output is the student's
            passed, message = False, f"unexpected output ({type(exc).__name__}: {exc})"
        return CheckResult(check, Outcome.PASSED if passed else Outcome.FAILED, message,
                           outcome.result)
    status = Outcome.TIMEOUT if outcome.status is ProbeStatus.TIMEOUT else Outcome.ERROR
    return CheckResult(check, status, error_message(outcome))


def evaluate(checks, references, call: ProbeCall, *, seed=0, timeout_scale=1.0):
    """Runs `checks` through `call` and compares with `references`.

    Args:
        checks: the checks, in report order.
        references: ``{check id: reference output}``.
        call: runs one probe (see `ProbeCall`).
        seed: the grader seed (see `probe_args`); 0 for the published grade.
        timeout_scale: multiplies every check's time limit.

    Returns:
        One `CheckResult` per check, in order.
    """
    checks = list(checks)
    outcomes = run_probes(checks, call, seed=seed, timeout_scale=timeout_scale)
    return [judge(check, references[check.id], outcomes[check.id]) for check in checks]
