"""Helpers shared by the probe modules (not a probe module: the registry
skips names that start with ``_``)."""


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
