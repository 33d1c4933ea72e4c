"""Argument checks shared by dlkit components (given code, not a task).

Every helper raises ``ValueError`` with a message that names the argument,
says what was expected and ends with ``Received: ...``, the shape Keras uses.
"""

import math
import numbers


def _fail(name, expected, value):
    raise ValueError(
        f"Argument `{name}` {expected}. Received: {name}={value!r}"
    )


def _is_real(value):
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def check_positive(name, value):
    """Raises unless `value` is a finite real number > 0."""
    if not (_is_real(value) and value > 0):
        _fail(name, "must be a positive number", value)


def check_non_negative(name, value):
    """Raises unless `value` is a finite real number >= 0."""
    if not (_is_real(value) and value >= 0):
        _fail(name, "must be a non-negative number", value)


def as_integer(value):
    """`value` as an ``int`` when it is a float with an integral value
    (``2000.0``, ``np.float32(4.0)``, often computed as ``4 * len(x) /
    batch_size``), as Keras users expect; anything else unchanged, so that
    the checks below still refuse ``2000.5``."""
    if (isinstance(value, numbers.Real) and not isinstance(value, (bool, numbers.Integral))
            and math.isfinite(value) and float(value).is_integer()):
        return int(value)
    return value


def check_positive_int(name, value):
    """Raises unless `value` is an integer >= 1."""
    if not (isinstance(value, numbers.Integral) and not isinstance(value, bool)
            and value >= 1):
        _fail(name, "must be a positive integer", value)


def check_in_range(name, value, low, high):
    """Raises unless `value` is a real number with low < value <= high."""
    if not (_is_real(value) and low < value <= high):
        _fail(name, f"must be a number in ({low}, {high}]", value)


def check_fraction(name, value, include_one=True):
    """Raises unless `value` is a real number in ``[0, 1]`` (``[0, 1)`` when
    `include_one` is False)."""
    if not (_is_real(value) and 0 <= value and (value <= 1 if include_one else value < 1)):
        _fail(name, "must be a number in [0, 1" + ("]" if include_one else ")"), value)


def check_bool(name, value):
    """Raises unless `value` is ``True`` or ``False``."""
    if not isinstance(value, bool):
        _fail(name, "must be True or False", value)


def check_one_of(name, value, allowed):
    """Raises unless `value` is one of `allowed`."""
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        _fail(name, f"must be one of {choices}", value)
