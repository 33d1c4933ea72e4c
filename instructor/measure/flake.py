"""``make flake-report``: is a grade reproducible, and how often is it wrong?

Grading under seed ``s`` seeds every worker's global random state with
``s`` and shifts every trained-result gate's training seed by ``s`` (seed 0
is the published grade; see ``grading.probe_args``). This report

1. grades the reference solution under `--seeds` seeds (every lab, hidden
   checks and gates included): it must get full marks under every seed; any
   check it loses is a flaky check, listed with its failure rate;
2. grades every planted bug under `--bug-seeds` seeds on its own lab: it must
   never reach full marks; each gate's pass rate for the bugs meant to fail
   it is the rate at which a broken solution slips through;
3. grades the reference (every lab) and one bug per lab (its own lab) twice
   under seed 0 and compares the two reports check by check (status, score
   and message): regrading must give the same result.

It writes ``build/flake/report.json`` and exits 1 when any of the three
fails. A benchmark, not a test: 200 seeds of the reference take hours on two
cores.
"""

import argparse
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder import REPO
from autograder.core.catalog import LABS, load_checks, load_references
from autograder.core.grading import grade_one
from instructor.demo import BUGS, build_bug

OUT = REPO / "build" / "flake"


def _build_bugs(tmp, bugs):
    paths = {}
    for bug in bugs:
        paths[bug.name] = build_bug(bug, tmp / bug.name)
    return paths


def _lost(report):
    return [c["id"] for c in report["checks"] if c["status"] != "passed"]


def reference_under_seeds(checks, references, seeds, pool, timeout_scale):
    reports = list(pool.map(
        lambda s: grade_one(REPO, checks, references, timeout_scale, seed=s), seeds))
    lost = Counter(i for r in reports for i in _lost(r))
    full = sum(r["score"] == r["max_score"] for r in reports)
    return {"seeds": len(seeds), "full_marks": full,
            "lost": {i: n / len(seeds) for i, n in sorted(lost.items())}}


def bugs_under_seeds(bugs, paths, seeds, pool, timeout_scale):
    jobs = [(bug, s) for bug in bugs for s in seeds]
    checks = {lab: load_checks([lab]) for lab in {b.lab for b in bugs}}
    refs = {lab: load_references(c) for lab, c in checks.items()}
    reports = list(pool.map(lambda job: grade_one(
        paths[job[0].name], checks[job[0].lab], refs[job[0].lab], timeout_scale, job[1]),
        jobs))
    gate_ids = {c.id for lab_checks in checks.values() for c in lab_checks if c.gate}
    result = {}
    for (bug, _), report in zip(jobs, reports):
        entry = result.setdefault(bug.name, {"lab": bug.lab, "full_marks": 0, "scores": [],
                                             "gates_passed": Counter()})
        entry["full_marks"] += report["score"] == report["max_score"]
        entry["scores"].append(report["score"])
        for check in report["checks"]:
            if check["id"] in gate_ids and check["id"] in bug.expected_failures([check["id"]]):
                entry["gates_passed"][check["id"]] += check["status"] == "passed"
    for entry in result.values():
        entry["gates_passed"] = {k: v / len(seeds) for k, v in entry["gates_passed"].items()}
    return result


def regrade_differences(jobs, pool, timeout_scale):
    """`jobs`: {name: (path, checks)}; each is graded twice and compared."""
    names = list(jobs)
    refs = {name: load_references(jobs[name][1]) for name in names}

    def grade(name):
        path, checks = jobs[name]
        return grade_one(path, checks, refs[name], timeout_scale)

    twice = list(pool.map(grade, names * 2))
    differences = {}
    for name, first, second in zip(names, twice[:len(names)], twice[len(names):]):
        keyed = {c["id"]: (c["status"], c["score"], c["message"]) for c in second["checks"]}
        differences[name] = [c["id"] for c in first["checks"]
                             if keyed.get(c["id"]) != (c["status"], c["score"], c["message"])]
    return differences


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m instructor.measure.flake", description=__doc__)
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--bug-seeds", type=int, default=20)
    parser.add_argument("--lab", action="append", help="only this lab (repeatable)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--timeout-scale", type=float, default=1.0,
                        help="multiplies every check's time limit (a loaded machine)")
    args = parser.parse_args(argv)
    labs = args.lab or LABS
    checks = load_checks(labs)
    references = load_references(checks)
    bugs = [b for b in BUGS if b.lab in labs]
    first_bugs = [next(b for b in bugs if b.lab == lab) for lab in labs
                  if any(b.lab == lab for b in bugs)]
    tmp = Path(tempfile.mkdtemp(prefix="dlkit-flake-"))
    start = time.monotonic()
    try:
        paths = _build_bugs(tmp, bugs)
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            regrade = regrade_differences(
                {"reference": (REPO, checks),
                 **{b.name: (paths[b.name], load_checks([b.lab])) for b in first_bugs}},
                pool, args.timeout_scale)
            reference = reference_under_seeds(checks, references, range(args.seeds), pool,
                                              args.timeout_scale)
            broken = bugs_under_seeds(bugs, paths, range(args.bug_seeds), pool,
                                      args.timeout_scale)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report = {"labs": labs, "seconds": round(time.monotonic() - start),
              "reference": reference, "bugs": broken, "regrade_differences": regrade}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=1))
    return _print(report)


def _print(report):
    ref = report["reference"]
    print(f"labs: {', '.join(report['labs'])}; {report['seconds']} s")
    print(f"reference: full marks under {ref['full_marks']} / {ref['seeds']} seeds")
    for check_id, rate in ref["lost"].items():
        print(f"  lost {check_id} under {rate:.1%} of the seeds")
    reached = {n: e for n, e in report["bugs"].items() if e["full_marks"]}
    n_seeds = max((len(e["scores"]) for e in report["bugs"].values()), default=0)
    print(f"planted bugs: {len(report['bugs'])} x {n_seeds} seeds; "
          f"{len(reached)} reached full marks")
    for name, entry in reached.items():
        print(f"  {name}: full marks under {entry['full_marks']} seeds")
    for name, entry in report["bugs"].items():
        for gate, rate in entry["gates_passed"].items():
            print(f"  {name} passes {gate} under {rate:.1%} of the seeds (must fail it)")
    differing = {n: d for n, d in report["regrade_differences"].items() if d}
    print(f"regrading twice: {len(report['regrade_differences']) - len(differing)} of "
          f"{len(report['regrade_differences'])} submissions identical")
    for name, ids in differing.items():
        print(f"  {name}: {', '.join(ids[:5])}")
    ok = ref["full_marks"] == ref["seeds"] and not reached and not differing
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
