"""``make gates``: how trustworthy each trained-result gate is.

A gate is a check with ``gate=True``: a threshold on a metric of a seeded
training run (test accuracy on Iris, ...). For every gate of the chosen labs
this trains under `seeds` seeds, on the reference solution and on every
planted bug of the lab, and prints

- how often the reference *fails* the gate (a correct student losing points;
  target: never), with the metric's range, and
- how often each broken submission *passes* it (a wrong solution slipping
  through; only bugs whose checks include the gate are expected to fail it).

The measurement runs in the grader's own workers, so it measures exactly
what grading does. It is a benchmark, not a test: 100 seeds take minutes.
"""

import argparse
import fnmatch
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder import REPO
from autograder.core.catalog import LABS, load_checks, load_references
from autograder.core.evaluate import Outcome, evaluate
from autograder.core.runner import WorkerSession
from instructor.demo import BUGS, build_bug


def _metric(result):
    """A short number to show from a gate probe's output (first numeric value)."""
    if isinstance(result, dict):
        for value in result.values():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
    return None


def measure(check, reference, src, seeds, timeout_scale=1.0):
    """Grades the gate on `src` under each grader seed of `seeds` (the
    gate's training seed shifted by it, as ``make flake-report`` does);
    returns pass flags and metrics."""
    session = WorkerSession(src)
    passed, metrics, errors = [], [], 0
    try:
        for seed in seeds:
            [result] = evaluate([check], {check.id: reference}, session.call, seed=seed,
                                timeout_scale=timeout_scale)
            if result.outcome in (Outcome.ERROR, Outcome.TIMEOUT):
                errors += 1
            elif _metric(result.output) is not None:
                metrics.append(_metric(result.output))
            passed.append(result.passed)
    finally:
        session.close()
    return {"passed": passed, "metrics": metrics, "errors": errors}


def _describe(name, result, expect_pass):
    n, k = len(result["passed"]), sum(result["passed"])
    metrics = result["metrics"]
    spread = f"{min(metrics):.3f}..{max(metrics):.3f}" if metrics else "-"
    if expect_pass:
        verdict = f"fails {n - k}/{n} ({(n - k) / n:.1%})"
    else:
        verdict = f"passes {k}/{n} ({k / n:.1%})"
    extra = f", {result['errors']} errors" if result["errors"] else ""
    return f"  {name:42} {verdict:22} metric {spread}{extra}"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m instructor.measure.gates", description=__doc__)
    parser.add_argument("--lab", action="append", help="only this lab (repeatable)")
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--gate", action="append",
                        help="only gates whose id matches this pattern (repeatable)")
    parser.add_argument("--no-reference", action="store_true", help="the bugs only")
    parser.add_argument("--no-bugs", action="store_true", help="the reference only")
    parser.add_argument("--bug-seeds", type=int, default=None,
                        help="seeds for the planted bugs (default: --seeds)")
    parser.add_argument("--breakers-only", action="store_true",
                        help="of the bugs, only those meant to fail the gate")
    args = parser.parse_args(argv)
    labs = args.lab or LABS
    checks = [c for c in load_checks(labs, include_hidden=True) if c.gate
              and (not args.gate or any(fnmatch.fnmatch(c.id, p) for p in args.gate))]
    if not checks:
        print(f"no gates in {', '.join(labs)}")
        return 0
    references = load_references(checks)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    bug_seeds = seeds[:args.bug_seeds] if args.bug_seeds is not None else seeds
    tmp = Path(tempfile.mkdtemp(prefix="dlkit-gates-"))
    try:
        jobs = []  # (check, name, src, expect_pass, seeds)
        for check in checks:
            if not args.no_reference:
                jobs.append((check, "reference", REPO / "src", True, seeds))
            if args.no_bugs:
                continue
            for bug in BUGS:
                if bug.lab != check.lab:
                    continue
                expect_pass = check.id not in bug.expected_failures([check.id])
                if expect_pass and args.breakers_only:
                    continue
                src = tmp / bug.name / "src"
                if not src.exists():
                    build_bug(bug, tmp / bug.name)
                jobs.append((check, bug.name, src, expect_pass, bug_seeds))
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(
                lambda job: measure(job[0], references[job[0].id], job[2], job[4]), jobs))
        print(f"{len(seeds)} seeds ({seeds[0]}..{seeds[-1]}) for the reference, "
              f"{len(bug_seeds)} for the bugs; {len(jobs)} runs, "
              f"{time.monotonic() - start:.0f} s")
        for check in checks:
            print(f"{check.id}: {check.description}")
            for (c, name, _, expect_pass, _), result in zip(jobs, results):
                if c is check:
                    print(_describe(name + ("" if expect_pass else " (must fail)"),
                                    result, expect_pass))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
