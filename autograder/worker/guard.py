"""Notices student code that replaces the tools the probes rely on.

The probes compute a few values inside the worker (a trained model's
accuracy, whether two arrays are equal). A submission that replaces
``numpy.mean``, a builtin, a Keras base class's method or a probe could make
those values lie. `Guard` records every attribute of the watched modules and
classes before any student code runs; after each probe the worker compares,
and a probe that ran with a replaced tool answers an error instead of its
values. It stops monkeypatching, not code that searches the worker's memory:
that code still cannot reach the references or another submission, which
never enter the worker (see ``sandbox.py``).
"""

import sys

_MODULES = ("builtins", "math", "json", "numpy", "numpy.linalg", "numpy.random",
            "keras", "keras.ops", "keras.random", "protocol", "guard")
_CLASSES = ("keras.Model", "keras.Sequential", "keras.layers.Layer", "keras.layers.Dense",
            "keras.callbacks.Callback", "keras.optimizers.Optimizer", "keras.losses.Loss",
            "keras.initializers.Initializer", "keras.Variable")


def _resolve(dotted):
    module, _, name = dotted.rpartition(".")
    return getattr(sys.modules[module], name)


def _namespaces():
    spaces = {name: vars(sys.modules[name]) for name in _MODULES if name in sys.modules}
    spaces.update({name: vars(module) for name, module in sys.modules.items()
                   if name.split(".")[0] in ("probes", "dlkit_course")})
    for dotted in _CLASSES:
        try:
            spaces[dotted] = vars(_resolve(dotted))
        except (KeyError, AttributeError):
            pass
    if "probes" in sys.modules:
        spaces["probes registry"] = sys.modules["probes"]._REGISTRY
    return spaces


class Guard:
    def __init__(self):
        # The objects themselves, not their ids: a freed id can be reused.
        self._saved = {(space, key): value for space, names in _namespaces().items()
                       for key, value in list(names.items())}

    def replaced(self):
        """Names of watched attributes that are no longer the saved objects."""
        spaces = _namespaces()
        missing = object()
        return sorted(f"{space}.{key}" for (space, key), value in self._saved.items()
                      if spaces.get(space, {}).get(key, missing) is not value)


def tampering_error(names):
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return {
        "type": "GraderToolsReplaced",
        "message": (
            f"your code replaced {shown}. The grader's tools (numpy, builtins, Keras's "
            "base classes, the probes, the course's given code) must stay as they are, so this check's result "
            "cannot be trusted and scores nothing. Remove the assignment; subclass or "
            "wrap instead of replacing."),
        "where": "",
    }
