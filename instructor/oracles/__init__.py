"""Independent oracles for the reference outputs, one module per lab.

Each ``instructor/oracles/<lab>.py`` defines:

- ``SOURCES``: the reference-solution files the lab's outputs come from
  (hashed into the references' provenance);
- ``VERIFIED_AGAINST``: one line naming the oracles;
- ``verify(checks, outputs)``: raises ``OracleMismatch`` when a reference
  output disagrees with the oracle; returns how many outputs it verified;
- ``verify_lecture_examples(src)``: the lecture's worked examples run on the
  reference solution in `src`; returns how many it checked.
"""

import importlib

import numpy as np


class OracleMismatch(AssertionError):
    pass


def close(name, expected, got, rtol, atol=0.0):
    """Raises OracleMismatch unless `got` equals `expected` within tolerance."""
    expected, got = np.asarray(expected, dtype=np.float64), np.asarray(got, dtype=np.float64)
    if expected.shape != got.shape or not np.allclose(got, expected, rtol=rtol, atol=atol):
        raise OracleMismatch(f"{name}: reference {got.tolist()} != oracle {expected.tolist()}")


def oracle_module(lab):
    return importlib.import_module(f"instructor.oracles.{lab}")
