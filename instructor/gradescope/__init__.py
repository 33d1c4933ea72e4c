"""``make gradescope``: Gradescope's ``autograder.zip`` (its autograder
specification: ``setup.sh`` and ``run_autograder`` at the root).

The bundle is the instructor's, uploaded to Gradescope, never given to
students. It holds:

- ``setup.sh`` (installs Python 3.11+ and the pinned CPU-only runtime,
  ``requirements.txt``), ``run_autograder`` (grades one submission,
  ``autograder/gradescope.py``), ``gradescope.json`` (the settings below);
- ``autograder/`` (the grader, public checks and references), the hidden
  checks and their references (``instructor/hidden/``, with
  ``instructor/__init__.py`` so they import), ``datasets/``;
- ``src/dlkit``: the starter's package, every solution block a stub
  (``strip_solutions``), which partial uploads build on; it is also the
  course's given code (loaders, model builders) the grader trains with and
  compares submissions against (``autograder/core/given_code.py``), as in
  the instructor's copy. The reference solution is never in the bundle
  (`build_bundle` checks).
"""

import argparse
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

from autograder import REPO
from autograder.gradescope import VISIBILITY
from instructor.student_copy import solution_lines, strip_solutions, tracked_files

TEMPLATES = Path(__file__).resolve().parent  # setup.sh, run_autograder, requirements.txt
OUT = REPO / "build" / "gradescope"
# Tracked files copied as they are: the grader, the hidden checks, the data.
COPIED = ("autograder/", "instructor/hidden/", "instructor/__init__.py", "datasets/")
EXECUTABLE = ("setup.sh", "run_autograder")
MARGIN = 60  # seconds between the grader's deadline and Gradescope's time limit


class BundleError(RuntimeError):
    pass


def _commit():
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, check=True,
                             capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        out = "unknown"
    return out


def _check_no_solution(stage, verbatim):
    """Raises BundleError if a file of `stage` other than the grader's own
    (`verbatim`: tracked files copied as they are, which the student release
    ships too) holds a line of a solution block that the starter itself
    does not hold."""
    sources = [p.read_text() for p in sorted((REPO / "src" / "dlkit").rglob("*.py"))]
    given = "\n".join(strip_solutions(text) for text in sources)
    forbidden = [line for text in sources for line in solution_lines(text) if line not in given]
    problems = []
    for path in sorted(stage.rglob("*")):
        if not path.is_file() or path.relative_to(stage).as_posix() in verbatim:
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        hit = next((line for line in forbidden if line in text), None)
        if hit:
            problems.append(f"{path.relative_to(stage)}: solution text {hit!r}")
    if problems:
        raise BundleError("The bundle holds the reference solution:\n  " + "\n  ".join(problems))


def build_bundle(out=OUT, labs=None, hidden_visibility="after_published", timeout_scale=1.0,
                 time_limit_minutes=10):
    """Writes ``out/autograder/`` (the bundle's tree) and ``out/autograder.zip``.

    Args:
        out: the output folder (replaced).
        labs: the labs it grades (default: every lab; one Gradescope
            assignment per lab takes one).
        hidden_visibility: Gradescope's visibility of the hidden checks'
            tests (public checks are ``visible``).
        timeout_scale: multiplies every check's time limit.
        time_limit_minutes: the assignment's time limit on Gradescope (10
            by default, 40 at most); the grader stops `MARGIN` seconds
            before it, so results.json is always written.

    Returns:
        The path of ``autograder.zip``.
    """
    from autograder.core.catalog import LABS

    labs = list(labs) if labs else None
    unknown = [lab for lab in labs or () if lab not in LABS]
    if unknown:
        raise ValueError(f"Unknown lab. Expected one of {', '.join(LABS)}. Received: {unknown}")
    if hidden_visibility not in VISIBILITY:
        raise ValueError(f"hidden_visibility must be one of {', '.join(VISIBILITY)}. "
                         f"Received: {hidden_visibility!r}")
    if not 1 <= time_limit_minutes <= 40 or timeout_scale <= 0:
        raise ValueError("time_limit_minutes must be 1-40 (Gradescope's range) and "
                         f"timeout_scale > 0. Received: {time_limit_minutes}, {timeout_scale}")
    out = Path(out)
    stage = out / "autograder"
    if out.exists():
        shutil.rmtree(out)
    stage.mkdir(parents=True)
    verbatim = set()
    for rel in tracked_files():
        if rel.startswith(COPIED) or rel in COPIED:
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, stage / rel)
            verbatim.add(rel)
        elif rel.startswith("src/dlkit/"):
            dest = stage / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            text = (REPO / rel).read_text()
            dest.write_text(strip_solutions(text) if rel.endswith(".py") else text)
    if not (stage / "autograder" / "gradescope.py").is_file():
        raise BundleError("autograder/gradescope.py (what run_autograder runs) is not tracked "
                          "by git: the bundle holds tracked files only. Received: git ls-files")
    for name in (*EXECUTABLE, "requirements.txt"):
        shutil.copy2(TEMPLATES / name, stage / name)
    config = {"labs": labs, "hidden_visibility": hidden_visibility,
              "timeout_scale": timeout_scale,
              "deadline_seconds": time_limit_minutes * 60 - MARGIN, "built_from": _commit()}
    (stage / "gradescope.json").write_text(json.dumps(config, indent=1) + "\n")
    _check_no_solution(stage, verbatim)
    bundle = out / "autograder.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in stage.rglob("*") if p.is_file()):
            rel = path.relative_to(stage).as_posix()
            info = zipfile.ZipInfo(rel, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o100755 if rel in EXECUTABLE else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return bundle


def add_arguments(parser):
    from autograder.core.catalog import LABS

    parser.add_argument("--out", type=Path, default=OUT, help="output folder (build/gradescope)")
    parser.add_argument("--lab", action="append", choices=LABS,
                        help="grade only this lab (repeatable; default: every lab)")
    parser.add_argument("--hidden-visibility", choices=VISIBILITY, default="after_published",
                        help="Gradescope visibility of the hidden checks' tests")
    parser.add_argument("--timeout-scale", type=float, default=1.0,
                        help="multiply every check's time limit")
    parser.add_argument("--time-limit", type=int, default=10,
                        help="the assignment's time limit on Gradescope, in minutes (10)")


def run(args):
    bundle = build_bundle(args.out, args.lab, args.hidden_visibility, args.timeout_scale,
                          args.time_limit)
    size = bundle.stat().st_size / 2**20
    print(f"Gradescope autograder: {bundle.relative_to(REPO) if bundle.is_relative_to(REPO) else bundle}"
          f" ({size:.1f} MiB; labs: {', '.join(args.lab or ['all'])}; hidden checks "
          f"{args.hidden_visibility}; no reference solution)")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m instructor.gradescope",
                                     description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))
