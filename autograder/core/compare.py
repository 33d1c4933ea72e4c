"""Comparisons of a probe's raw output with the reference output.

Each function returns ``(passed, message)``; the message says what differs
in the student's terms: which epoch or element, expected vs got.
"""

import math

import numpy as np


def _fmt(value):
    if isinstance(value, float):
        return f"{value:.7g}"
    return repr(value)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def array_diff(expected, got, *, rtol, atol, label="element"):
    """None when `got` equals `expected` (nested lists) within tolerance,
    else a message naming the first element that differs."""
    e = np.asarray(expected, dtype=np.float64)
    if got is None:
        return f"expected an array of shape {e.shape}, got None"
    try:
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"expected an array of shape {e.shape}, got {str(got)[:80]}"
    if g.shape != e.shape:
        return f"expected shape {e.shape}, got shape {g.shape}"
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(g) | ~np.isclose(g, e, rtol=rtol, atol=atol)
    if not bad.any():
        return None
    index = tuple(int(i) for i in np.argwhere(bad)[0]) if bad.ndim else ()
    where = f"{label} {index[0] if len(index) == 1 else index}" if index else label
    detail = f"{where}: expected {_fmt(float(e[index]))}, got {_fmt(float(g[index]))}"
    if not math.isfinite(float(g[index])):
        detail += " (not finite)"
    if bad.sum() > 1:
        detail += f"; {int(bad.sum())} of {bad.size} differ"
    return detail


def sequence(expected, got, *, label="element", rtol=1e-6, atol=1e-12, what="values",
             explain=None):
    """Element-wise comparison of two lists of numbers.

    `explain`, if given, maps the first differing value to a hint that is
    added to the message ("" for none)."""
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
    if explain is not None:
        detail += explain(g)
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


def raised_value_errors(results, cases):
    """Each bad call raised ValueError naming its argument, ending ``Received: ...``.

    Args:
        results: the probe's outcomes, one ``{"raised", "message"}`` dict a call.
        cases: one ``(label, accepted_names)`` pair a call: the label says
            which call in the message; the error must name one of the names.
    """
    if not isinstance(results, list) or len(results) != len(cases):
        return False, f"expected {len(cases)} results, got {results!r}"
    for result, (label, accepted) in zip(results, cases):
        if not isinstance(result, dict) or result.get("raised") != "ValueError":
            raised = (result.get("raised") if isinstance(result, dict) else None) or "nothing"
            return False, f"{label}: expected ValueError, {raised} was raised"
        message = str(result.get("message", ""))
        if not any(name in message for name in accepted):
            return False, f"{label}: the message does not name `{accepted[0]}`: {message!r}"
        if "Received:" not in (message.splitlines() or [""])[-1]:
            return False, f"{label}: the message must end with 'Received: ...': {message!r}"
    return True, f"{len(cases)} bad arguments raise ValueError with a clear message"


def value_errors(expected, got, *, arguments, function=None):
    """`raised_value_errors` for calls that each get one bad ``(name, value)``
    of `arguments`; `function` (a name) labels the calls in the message."""
    cases = [(f"{function}({name}={value!r})" if function else f"{name}={value!r}", (name,))
             for name, value in arguments]
    return raised_value_errors(got, cases)
