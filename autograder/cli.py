"""Command line: ``python -m autograder {check,grade}``.

Both commands work in the student copy (public checks) and in the
instructor's master copy (public and hidden checks). The instructor's own
commands (release, references, demo submissions, ...) are
``python -m instructor``, which exists in the master copy only.
"""

import argparse
import sys
from pathlib import Path


def _cmd_grade(args):
    from autograder.core import canary
    from autograder.core.catalog import LABS
    from autograder.core.grading import CanaryFailed, grade_many
    from autograder.core.progress import Progress
    from autograder.core.runner import isolation_level
    from autograder.reports import print_table, write_reports

    labs, include_hidden = args.lab or list(LABS), not args.public_only
    reference = None if args.no_canary else canary.reference_root()
    if reference is not None and canary.passed_before(labs, include_hidden):
        reference = None
    store = args.resume_dir or (args.out / "graded" if args.out else None)
    pool, refused = None, ()  # refused: errors of a cluster that stop the batch
    if args.cluster:
        try:
            from autograder.core.cluster import DaskPool, VersionMismatch
        except ImportError as exc:
            print(f"--cluster needs Dask distributed ({exc}): pip install 'dask[distributed]' "
                  "(it is in requirements-dev.txt). Received: --cluster "
                  f"{args.cluster}", file=sys.stderr)
            return 2
        pool, refused = DaskPool(args.cluster), (VersionMismatch,)
    try:
        report = grade_many(args.submissions, labs=labs, include_hidden=include_hidden,
                            jobs=args.jobs, timeout_scale=args.timeout_scale, canary=reference,
                            store=store, progress=None if args.quiet else Progress(), pool=pool)
    except CanaryFailed as exc:
        print(f"grading stopped: {exc}", file=sys.stderr)
        return 3
    except refused as exc:
        print(f"grading stopped: {exc}", file=sys.stderr)
        return 4
    if reference is not None:
        canary.remember_pass(labs, include_hidden)
    write_reports(report, json_path=args.json, out_dir=args.out, feedback=args.feedback)
    print_table(report)
    print(f"isolation in force: {isolation_level()} (docs/grading.md)", file=sys.stderr)
    return 0


def _cmd_check(args):
    from autograder.core.grading import grade_many
    from autograder.reports import print_check_table

    report = grade_many([args.path], labs=[args.lab], include_hidden=False, jobs=1)
    return print_check_table(report["submissions"][0])


def main(argv=None):
    from autograder.core.catalog import LABS

    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="run a lab's public checks on your own src/")
    check.add_argument("lab", choices=LABS)
    check.add_argument("--path", type=Path, default=Path("."), help="folder holding src/dlkit")
    check.set_defaults(run=_cmd_check)

    grade = sub.add_parser("grade", help="grade submissions (folders or zips)")
    grade.add_argument("submissions", nargs="+", type=Path)
    grade.add_argument("--json", type=Path, help="write the contract's JSON report here")
    grade.add_argument("--out", type=Path, help="folder for grades.csv and feedback/*.html")
    grade.add_argument("--lab", action="append", choices=LABS,
                       help="grade only this lab (repeatable)")
    grade.add_argument("--public-only", action="store_true", help="skip hidden checks")
    grade.add_argument("--feedback", choices=("after-deadline", "public-only"),
                       default="after-deadline",
                       help="what feedback/*.html shows of hidden checks: everything "
                            "(after-deadline) or only their count and points (public-only)")
    grade.add_argument("--jobs", type=int, default=None, help="parallel submissions (default: cores)")
    grade.add_argument("--timeout-scale", type=float, default=1.0,
                       help="multiply every check's time limit (slow machines)")
    grade.add_argument("--resume-dir", type=Path,
                       help="keep each submission's report here as soon as it is graded; "
                            "a rerun grades only what is missing (default: OUT/graded with --out)")
    grade.add_argument("--quiet", action="store_true", help="no progress on stderr")
    grade.add_argument("--cluster", metavar="ADDRESS",
                       help="grade on a Dask cluster, e.g. tcp://HOST:8786 (docs/cluster.md); "
                            "--jobs is then the cluster's")
    grade.add_argument("--no-canary", action="store_true",
                       help="in the instructor's copy, do not grade the reference solution "
                            "first (by default a batch stops if it loses a point)")
    grade.set_defaults(run=_cmd_grade)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
