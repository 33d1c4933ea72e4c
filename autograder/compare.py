"""Comparisons of a probe's raw output with the reference output.

Each function returns ``(passed, message)``; the message says what differs
in the student's terms: which epoch or element, expected vs got.
"""

import math

SENTINEL_RATE = 123.0  # the worker's starting rate (see worker/probes/schedules.py)


def _fmt(value):
    if isinstance(value, float):
        return f"{value:.7g}"
    return repr(value)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def sequence(expected, got, *, label="element", rtol=1e-6, atol=1e-12, what="values"):
    """Element-wise comparison of two lists of numbers."""
    if not isinstance(got, list):
        return False, f"expected a list of {len(expected)} {what}, got {type(got).__name__}"
    if len(got) != len(expected):
        return False, (
            f"expected {len(expected)} {what} ({label}s 0-{len(expected) - 1}), got {len(got)}"
        )
    bad = []
    for i, (e, g) in enumerate(zip(expected, got)):
        if g is None or not _is_number(g):
            bad.append((i, e, g, "is missing" if g is None else f"is a {type(g).__name__}"))
        elif not math.isfinite(g):
            bad.append((i, e, g, "is not finite"))
        elif not math.isclose(g, e, rel_tol=rtol, abs_tol=atol):
            bad.append((i, e, g, ""))
    if not bad:
        return True, f"all {len(expected)} {what} match"
    i, e, g, why = bad[0]
    detail = f"{label} {i}: expected {_fmt(e)}, got {_fmt(g)}" + (f" ({why})" if why else "")
    if _is_number(g) and g == SENTINEL_RATE:
        detail += " - the rate was never set (123 is the grader's starting rate)"
    if len(bad) > 1:
        detail += f"; {len(bad)} of {len(expected)} {what} differ"
    return False, detail


def mapping(expected, got, *, keys=None, rtol=1e-6):
    """Compares selected keys of two dicts (numbers with tolerance)."""
    if not isinstance(got, dict):
        return False, f"expected a dict, got {type(got).__name__}"
    for key in keys or sorted(expected):
        e, g = expected.get(key), got.get(key)
        if isinstance(e, list):
            ok, msg = sequence(e, g, rtol=rtol, what=key.replace("_", " "))
            if not ok:
                return False, f"{key}: {msg}"
        elif _is_number(e) and _is_number(g):
            if not math.isclose(g, e, rel_tol=rtol, abs_tol=1e-12):
                return False, f"{key}: expected {_fmt(e)}, got {_fmt(g)}"
        elif e != g:
            return False, f"{key}: expected {_fmt(e)}, got {_fmt(g)}"
    return True, "matches the reference"
