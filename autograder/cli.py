"""Command line: ``python -m autograder {grade,check,references}``."""

import argparse
import sys
from pathlib import Path


def _cmd_grade(args):
    from autograder.grading import grade_many
    from autograder.report import print_table, write_reports
    from autograder.runner import isolation_level

    report = grade_many(args.submissions, labs=args.lab, include_hidden=not args.public_only,
                        jobs=args.jobs, timeout_scale=args.timeout_scale)
    write_reports(report, json_path=args.json, out_dir=args.out)
    print_table(report)
    print(f"isolation in force: {isolation_level()} (docs/grading.md)", file=sys.stderr)
    return 0


def _cmd_check(args):
    from autograder.grading import grade_many
    from autograder.report import print_check_table

    report = grade_many([args.path], labs=[args.lab], include_hidden=False, jobs=1)
    return print_check_table(report["submissions"][0])


def _cmd_references(args):
    from autograder import references

    references.main(check_only=args.check, labs=args.lab or references.LABS)
    return 0


def _cmd_notebooks(args):
    from autograder.notebooks import execute_all

    return execute_all(epochs=args.epochs)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    grade = sub.add_parser("grade", help="grade submissions (folders or zips)")
    grade.add_argument("submissions", nargs="+", type=Path)
    grade.add_argument("--json", type=Path, help="write the contract's JSON report here")
    grade.add_argument("--out", type=Path, help="folder for grades.csv and feedback/*.html")
    grade.add_argument("--lab", action="append", help="grade only this lab (repeatable)")
    grade.add_argument("--public-only", action="store_true", help="skip hidden checks")
    grade.add_argument("--jobs", type=int, default=None, help="parallel submissions (default: cores)")
    grade.add_argument("--timeout-scale", type=float, default=1.0,
                       help="multiply every check's time limit (slow machines)")
    grade.set_defaults(run=_cmd_grade)

    check = sub.add_parser("check", help="run a lab's public checks on your own src/")
    check.add_argument("lab")
    check.add_argument("--path", type=Path, default=Path("."), help="folder holding src/dlkit")
    check.set_defaults(run=_cmd_check)

    refs = sub.add_parser("references", help="regenerate and verify reference outputs")
    refs.add_argument("--check", action="store_true", help="verify only, write nothing")
    refs.add_argument("--lab", action="append", help="only this lab (repeatable)")
    refs.set_defaults(run=_cmd_references)

    release = sub.add_parser("release", help="build the student copy and leak-check it")
    release.set_defaults(run=lambda a: __import__("autograder.release").release.main())

    demo = sub.add_parser("demo", help="build the demo submissions in build/demo")
    demo.add_argument("--bugs-per-lab", type=int, default=None,
                      help="only the first N planted bugs of each lab (default: all)")
    demo.set_defaults(run=lambda a: __import__("autograder.demo").demo.main(a.bugs_per_lab))

    notebooks = sub.add_parser("notebooks", help="execute every lab notebook headless")
    notebooks.add_argument("--epochs", type=int, default=2)
    notebooks.set_defaults(run=_cmd_notebooks)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
