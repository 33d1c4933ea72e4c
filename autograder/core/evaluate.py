"""The one probe-to-compare loop, and the typed result of a check.

Grading, the notebooks' check cells, reference generation and the gates all
run checks through `run_probes` and `evaluate`. Each passes its own
`ProbeCall`: a worker session (grading, references, gates) or the probes
run in the student's kernel (notebook cells). Each probe runs once per
distinct ``(probe, args)``, however many checks compare its output.
"""

import enum
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from autograder.core.catalog import Check
from autograder.core.runner import ProbeOutcome, ProbeStatus

# ``(probe, args, timeout) -> ProbeOutcome``; never raises for what student
# code does.
ProbeCall = Callable[[str, dict, float], ProbeOutcome]

MAX_MESSAGE = 1500  # characters of a check's message kept in reports
MAX_PLOTS = 3  # sequences drawn for one failed check
MIN_POINTS = 3  # shorter lists are values, not a curve worth drawing


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
        expected: the reference output it was compared with (None unless
            the probe returned).
    """

    check: Check
    outcome: Outcome
    message: str
    output: object = None
    expected: object = None

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
        """The report's row: the contract's keys plus ``description``, and
        two optional keys the contract's report leaves out: ``hidden``
        (True, for a hidden check) and ``plot`` (a failed check's sequences,
        expected and got: `plot_series`)."""
        row = {"id": self.check.id, "lab": self.check.lab, "score": self.score,
               "max_score": float(self.check.points), "status": self.outcome.value,
               "message": self.message[:MAX_MESSAGE], "description": self.check.description}
        if self.check.hidden:
            row["hidden"] = True
        if self.outcome is Outcome.FAILED:
            series = plot_series(self.check, self.expected, self.output)
            if series:
                row["plot"] = series
        return row


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
                           outcome.result, expected)
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


# -- the sequences a student's feedback draws ---------------------------------

def plot_series(check, expected, got):
    """The sequences to draw, expected against got, for a failed check.

    A check that names its own (``Check.plot``) gets those. Otherwise they
    are found in the two outputs: a list of at least `MIN_POINTS` numbers
    (or of equal-length lists of numbers: a trajectory of weights) at the
    same key path in the reference output and in the probe's output, of
    lengths within a factor of two, which the check's verdict depends on:
    putting the expected list in place of the got one changes what the
    check says (so a check that compares ``batch_rates`` gets that curve,
    not the ``epoch_logs`` beside it in the same output).

    Args:
        check: the `Check`.
        expected: its reference output.
        got: the probe's output.

    Returns:
        Up to `MAX_PLOTS` dicts ``{"label", "expected", "got"}`` (lists of
        numbers or of lists of numbers; None for a value that is not one).
    """
    if check.plot is not None:
        try:
            series = list(check.plot(expected, got) or [])
        except Exception:  # noqa: BLE001 - a plot must never cost a grade
            return []
        return [s for s in series if isinstance(s, dict) and
                {"label", "expected", "got"} <= set(s)][:MAX_PLOTS]
    if got is None:
        return []
    verdict = _verdict(check, expected, got)
    found = []
    for path, want in _sequences(expected):
        have = _at(got, path)
        if not _alike(want, have):
            continue
        if _verdict(check, expected, _replaced(got, path, want)) == verdict:
            continue  # the check does not read this one
        found.append({"label": "/".join(path) or "output", "expected": want,
                      "got": [_numbers(v) for v in have]})
        if len(found) == MAX_PLOTS:
            break
    return found


def _verdict(check, expected, got):
    try:
        passed, message = check.compare(expected, got)
        return bool(passed), str(message)
    except Exception as exc:  # noqa: BLE001 - odd output is the student's
        return None, type(exc).__name__


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_sequence(value):
    if not isinstance(value, list) or len(value) < MIN_POINTS:
        return False
    if all(_is_number(v) for v in value):
        return True
    return (all(isinstance(v, list) and v and all(_is_number(x) for x in v) for v in value)
            and len({len(v) for v in value}) == 1)


def _sequences(value, path=(), depth=0):
    """``(key path, list)`` for every sequence in a reference output."""
    if _is_sequence(value):
        yield path, value
    elif isinstance(value, dict) and depth < 3:
        for key, item in value.items():
            yield from _sequences(item, (*path, str(key)), depth + 1)


def _at(value, path):
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _replaced(value, path, new):
    if not path:
        return new
    return {**value, path[0]: _replaced(value[path[0]], path[1:], new)}


def _alike(want, have):
    return isinstance(have, list) and len(want) / 2 <= len(have) <= 2 * len(want)


def _numbers(value):
    """A got value as the plot takes it: numbers stay, lists of numbers
    stay, anything else (a string, a dict) becomes None."""
    if _is_number(value):
        return value if math.isfinite(value) else None
    if isinstance(value, list) and all(_is_number(v) for v in value):
        return [v if math.isfinite(v) else None for v in value]
    return None
