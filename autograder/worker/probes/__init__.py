"""Probes: trusted code that exercises the student's dlkit and returns the
raw values it produced (JSON-able: numbers, lists, dicts, strings).

A probe never knows what the right answer is; the grader compares. Probes
run in the worker process (and in-process for the notebook's public checks).
"""

from . import schedules

_REGISTRY = {**schedules.PROBES}


def run(name, args):
    if name not in _REGISTRY:
        raise KeyError(f"Unknown probe {name!r}.")
    return _REGISTRY[name](**args)
