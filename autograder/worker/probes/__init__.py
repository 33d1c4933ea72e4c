"""Probes: trusted code that exercises the student's dlkit and returns the
raw values it produced (JSON-able: numbers, lists, dicts, strings).

A probe never knows what the right answer is; the grader compares. Probes
run in the worker process (and in-process for the notebook's public checks).
Each lab has one module here whose ``PROBES`` maps ``"<lab>.<probe>"`` to a
function; every module in this package not named ``_*`` is loaded (the zygote imports them
once, before it forks).
"""

import importlib
import pkgutil

_REGISTRY = {}
for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith("_"):  # shared helpers, not a lab
        continue
    _REGISTRY.update(importlib.import_module(f"{__name__}.{_module.name}").PROBES)


def run(name, args):
    if name not in _REGISTRY:
        raise KeyError(f"Unknown probe {name!r}.")
    return _REGISTRY[name](**args)
