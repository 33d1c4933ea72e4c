"""``make references``: regenerates the reference outputs from the reference
solution (this repository's ``src/``) and verifies them against independent
oracles (``instructor/oracles/<lab>.py``: the Keras built-ins of the same
name, formulas written from the papers, and the lecture's worked examples).

The outputs are the probes' raw outputs on the reference solution, produced
by the same worker that grades students.
"""

import hashlib
import json

from autograder import REPO
from autograder.core.catalog import GRADER_PROBES, LABS, load_checks, references_path
from autograder.core.evaluate import error_message, run_probes
from autograder.core.runner import ProbeStatus, WorkerSession
from instructor.oracles import OracleMismatch, oracle_module

__all__ = ["OracleMismatch", "generate", "verify", "write", "main"]


def generate(labs=LABS, include_hidden=True, src=REPO / "src"):
    """Runs every check's probe on `src`; returns the checks and
    ``{(lab, hidden): {id: output}}``."""
    # The grader's own probes compare files and have no reference output.
    checks = [c for c in load_checks(labs, include_hidden)
              if not c.probe.startswith(GRADER_PROBES)]
    session = WorkerSession(src)
    try:
        outcomes = run_probes(checks, session.call)
    finally:
        session.close()
    outputs = {}
    for check in checks:
        outcome = outcomes[check.id]
        if outcome.status is not ProbeStatus.OK:
            raise RuntimeError(
                f"The reference solution fails probe {check.probe} for {check.id}: "
                f"{outcome.status.value}: {error_message(outcome)}")
        outputs.setdefault((check.lab, check.hidden), {})[check.id] = outcome.result
    return checks, outputs


def verify(checks, outputs, src=REPO / "src"):
    """Every lab's oracles on `outputs` and its worked examples on `src`;
    returns how many were verified (raises OracleMismatch on the first
    disagreement)."""
    verified = 0
    for lab in sorted({c.lab for c in checks}):
        oracles = oracle_module(lab)
        verified += oracles.verify([c for c in checks if c.lab == lab], outputs)
        verified += oracles.verify_lecture_examples(src)
    return verified


def provenance(lab):
    import keras
    import tensorflow as tf

    return {
        "generated_by": "make references (python -m instructor references)",
        "reference_solution": {
            path: hashlib.sha256((REPO / path).read_bytes()).hexdigest()
            for path in oracle_module(lab).SOURCES
        },
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "verified_against": oracle_module(lab).VERIFIED_AGAINST,
    }


def write(outputs):
    for (lab, hidden), values in sorted(outputs.items()):
        path = references_path(lab, hidden)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"provenance": provenance(lab), "outputs": dict(sorted(values.items()))}
        path.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n")
        print(f"wrote {path.relative_to(REPO)} ({len(values)} outputs)")


def main(check_only=False, labs=LABS):
    checks, outputs = generate(labs)
    n = verify(checks, outputs)
    print(f"verified {n} reference outputs and worked examples against the oracles")
    if check_only:
        return checks, outputs
    write(outputs)
    return checks, outputs
