"""Command line of the instructor's tools: ``python -m instructor COMMAND``.

Grading itself is ``python -m autograder grade`` (it finds the hidden checks
of this copy). The measurements have their own entry points, run by make:
``python -m instructor.measure.{gates,flake,kill_rate,bench_grading,bench_optimizers}``.
"""

import argparse
import sys


def _cmd_release(args):
    from instructor import release

    return release.main(hints=args.hints)


def _cmd_references(args):
    from autograder.core.catalog import LABS
    from instructor import reference_outputs

    reference_outputs.main(check_only=args.check, labs=args.lab or LABS)
    return 0


def _cmd_demo(args):
    from instructor import demo

    return demo.main(args.bugs_per_lab)


def _cmd_notebooks(args):
    from instructor.run_notebooks import execute_all

    return execute_all(epochs=args.epochs)


def _cmd_nbgrader(args):
    from instructor.nbgrader_course import build_course

    print(f"nbgrader course: {build_course()}")
    return 0


def _cmd_gradescope(args):
    from instructor import gradescope

    return gradescope.run(args)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m instructor", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    release = sub.add_parser("release", help="build the student copy and leak-check it")
    release.add_argument("--hints", choices=("none", "concept", "more"), default="concept",
                         help="none: stubs without a hint; concept (default): one hint line per "
                              "stub; more: also a second level beside each task in the notebook, "
                              "folded")
    release.set_defaults(run=_cmd_release)

    refs = sub.add_parser("references", help="regenerate and verify reference outputs")
    refs.add_argument("--check", action="store_true", help="verify only, write nothing")
    refs.add_argument("--lab", action="append", help="only this lab (repeatable)")
    refs.set_defaults(run=_cmd_references)

    demo = sub.add_parser("demo", help="build the demo submissions in build/demo")
    demo.add_argument("--bugs-per-lab", type=int, default=None,
                      help="only the first N planted bugs of each lab (default: all)")
    demo.set_defaults(run=_cmd_demo)

    notebooks = sub.add_parser("notebooks", help="execute every lab notebook headless")
    notebooks.add_argument("--epochs", type=int, default=2)
    notebooks.set_defaults(run=_cmd_notebooks)

    nbgrader = sub.add_parser("nbgrader", help="write the nbgrader course to build/nbgrader")
    nbgrader.set_defaults(run=_cmd_nbgrader)

    gradescope = sub.add_parser("gradescope", help="Gradescope's autograder.zip in "
                                "build/gradescope (hidden checks included)")
    from instructor.gradescope import add_arguments

    add_arguments(gradescope)
    gradescope.set_defaults(run=_cmd_gradescope)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
