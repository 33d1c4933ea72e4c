"""Helpers shared by the probe modules (not a probe module: the registry
skips names that start with ``_``)."""

import importlib
import sys


def given(name):
    """Module `name` of dlkit's given code (loaders, model builders) as the
    course wrote it: the course's copy (``dlkit_course``) where the grader
    provides one, else the student's own (their copy, the notebook)."""
    if "dlkit_course" in sys.modules:
        return importlib.import_module(f"dlkit_course.{name}")
    return importlib.import_module(f"dlkit.{name}")


def outcome(call):
    """What ``call()`` raised, as ``{"raised": name or None, "message": str}``.

    ``NotImplementedError`` propagates: an unwritten stub is an error of the
    check, not a finding about the arguments.
    """
    try:
        call()
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the wrong type is the finding
        return {"raised": type(exc).__name__, "message": str(exc)}
    return {"raised": None, "message": ""}


def outcomes(fn, cases):
    """``outcome`` of ``fn(**kwargs)`` for each ``kwargs`` in `cases`."""
    return [outcome(lambda kwargs=kwargs: fn(**kwargs)) for kwargs in cases]
