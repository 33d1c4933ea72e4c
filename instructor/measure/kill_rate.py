"""``make mutants``: does every plausible wrong solution lose points?

Mutation testing of the checks. A *mutant* is the reference solution with
one mistake students make planted in it (one text replacement in
``src/dlkit``): the planted bugs of ``instructor/demo/bugs`` and the extra
mutants of ``instructor/demo/mutants.py``. Each mutant is graded on its own
lab with every check, hidden checks and trained-result gates included, in
the grader's own workers, next to the reference. A mutant is *killed* when
it fails a check that the reference passes in the same run (so a check the
reference fails, a flaky gate, kills nothing); otherwise it *survives*.

A surviving mutant is either a missing check (add one that tells it from
the reference) or equivalent code, the same results on every input the
contract allows: list it, with the reason, in ``EQUIVALENT`` of
``instructor/demo/mutants.py``, which keeps it out of the kill rate.

Usage::

    python -m instructor.measure.kill_rate [--lab LAB] [--extra-only] [--jobs N] [--out build/mutants]

prints one row per mutant (score, killed, the first failing checks) and
the kill rate per lab and overall, and writes ``<out>/report.json`` and
``<out>/report.md``. Exits 1 when a mutant survives or a mutant listed as
equivalent is killed (its reason is then wrong), else 0.
"""

import argparse
import fnmatch
import json
import os
import shutil
import sys
import time
from pathlib import Path

from autograder import REPO
from autograder.core.catalog import LABS
from autograder.core.grading import grade_many
from instructor.demo import BUGS, build_bug, copy_source
from instructor.demo.mutants import EQUIVALENT, MUTANTS

REFERENCE = "reference"
SHOWN_FAILURES = 2


def select_mutants(labs, extra_only):
    """``(mutant, origin)`` pairs of `labs`, in lab order; origin is
    ``"planted"`` or ``"extra"``."""
    pairs = [] if extra_only else [(bug, "planted") for bug in BUGS]
    pairs += [(mutant, "extra") for mutant in MUTANTS]
    return [pair for lab in labs for pair in pairs if pair[0].lab == lab]


def build_submissions(mutants, root):
    """Writes the reference and one submission folder per mutant under
    `root`; returns ``{name: folder}``."""
    if root.exists():
        shutil.rmtree(root)
    folders = {REFERENCE: root / REFERENCE}
    copy_source(folders[REFERENCE])
    for mutant in mutants:
        folders[mutant.name] = root / mutant.name
        build_bug(mutant, folders[mutant.name])
    return folders


def grade_lab(lab, folders, jobs, timeout_scale):
    """Grades `folders` on every check of `lab`; returns ``{name: submission report}``."""
    report = grade_many(list(folders), labs=[lab], include_hidden=True, jobs=jobs,
                        timeout_scale=timeout_scale)
    return {s["submission"]: s for s in report["submissions"]}


def passed_ids(submission):
    return {c["id"] for c in submission["checks"] if c["status"] == "passed"}


def failing_checks(submission, reference_passed):
    """The checks worth points that `submission` fails and the reference
    passes, in check order (the given-code check, worth none, kills nothing)."""
    return [c["id"] for c in submission["checks"]
            if c["status"] != "passed" and c["id"] in reference_passed and c["max_score"] > 0]


def outside_loses(mutant, failed):
    """For a planted bug: the failed checks its `loses` patterns do not name."""
    return [i for i in failed if not any(fnmatch.fnmatch(i, p) for p in mutant.loses)]


def verdict(mutant, origin, submission, reference_passed):
    """One row of the report."""
    failed = failing_checks(submission, reference_passed)
    row = {
        "mutant": mutant.name, "lab": mutant.lab, "origin": origin, "file": mutant.file,
        "score": submission["score"], "max_score": submission["max_score"],
        "killed": bool(failed), "equivalent": mutant.name in EQUIVALENT,
        "failed": failed, "why": mutant.why,
    }
    if mutant.name in EQUIVALENT:
        row["equivalent_reason"] = EQUIVALENT[mutant.name]
    if mutant.loses:
        row["outside_loses"] = outside_loses(mutant, failed)
    return row


def reference_row(lab, submission):
    missed = [c["id"] for c in submission["checks"] if c["status"] != "passed"]
    return {"lab": lab, "score": submission["score"], "max_score": submission["max_score"],
            "not_passed": missed}


def kill_rate(rows):
    """``(killed, counted)`` over `rows`, equivalent mutants left out."""
    counted = [r for r in rows if not r["equivalent"]]
    return sum(r["killed"] for r in counted), len(counted)


def summarize(rows, labs):
    per_lab = {}
    for lab in labs:
        lab_rows = [r for r in rows if r["lab"] == lab]
        if lab_rows:
            killed, counted = kill_rate(lab_rows)
            per_lab[lab] = {"killed": killed, "counted": counted,
                            "equivalent": sum(r["equivalent"] for r in lab_rows)}
    killed, counted = kill_rate(rows)
    return {"labs": per_lab, "killed": killed, "counted": counted,
            "equivalent": sum(r["equivalent"] for r in rows)}


def survivors(rows):
    return [r for r in rows if not r["killed"] and not r["equivalent"]]


def wrongly_equivalent(rows):
    return [r for r in rows if r["killed"] and r["equivalent"]]


def _percent(killed, counted):
    return f"{killed / counted:.1%}" if counted else "-"


def status_word(row):
    if row["equivalent"]:
        return "KILLED (listed equivalent)" if row["killed"] else "equivalent"
    return "yes" if row["killed"] else "NO"


def table_lines(rows):
    width = max([len(r["mutant"]) for r in rows] + [6])
    lines = [f"{'mutant':{width}}  {'lab':14}  {'score':>13}  {'killed':10}  first failing checks"]
    for r in rows:
        score = f"{r['score']:g} / {r['max_score']:g}"
        shown = ", ".join(r["failed"][:SHOWN_FAILURES]) or "-"
        lines.append(f"{r['mutant']:{width}}  {r['lab']:14}  {score:>13}  "
                     f"{status_word(r):10}  {shown}")
    return lines


def summary_lines(summary):
    lines = []
    for lab, s in summary["labs"].items():
        extra = f" ({s['equivalent']} equivalent left out)" if s["equivalent"] else ""
        lines.append(f"{lab:14}  killed {s['killed']:3} of {s['counted']:3}  "
                     f"{_percent(s['killed'], s['counted']):>6}{extra}")
    lines.append(f"{'overall':14}  killed {summary['killed']:3} of {summary['counted']:3}  "
                 f"{_percent(summary['killed'], summary['counted']):>6}")
    return lines


def print_report(rows, summary, references):
    print("\n".join(table_lines(rows)))
    print()
    for ref in references:
        if ref["not_passed"]:
            print(f"warning: the reference does not pass {', '.join(ref['not_passed'])} "
                  f"({ref['lab']}): those checks kill no mutant in this run")
    print("\n".join(summary_lines(summary)))
    for r in survivors(rows):
        print(f"SURVIVED {r['mutant']} ({r['lab']}): {r['why']}")
    for r in wrongly_equivalent(rows):
        print(f"KILLED BUT LISTED EQUIVALENT {r['mutant']}: fails {', '.join(r['failed'][:3])}")


def _cell(text):
    """`text` for a Markdown table cell (a ``|`` would end the cell)."""
    return str(text).replace("|", "\\|")


def reference_lines(references):
    missed = [f"`{i}`" for ref in references for i in ref["not_passed"]]
    if not missed:
        return ["The reference passed every check of every lab graded."]
    return [f"The reference did not pass {', '.join(missed)}: those checks killed nothing."]


def markdown(rows, summary, references, meta):
    lines = ["# Mutation testing of the checks", "",
             f"`{meta['command']}`: {len(rows)} mutants, wall time {meta['wall_s']:.0f} s "
             f"({meta['jobs']} jobs).", "", *reference_lines(references), "",
             "| lab | killed | mutants counted | kill rate | equivalent |",
             "|---|---:|---:|---:|---:|"]
    for lab, s in summary["labs"].items():
        lines.append(f"| {lab} | {s['killed']} | {s['counted']} | "
                     f"{_percent(s['killed'], s['counted'])} | {s['equivalent']} |")
    lines.append(f"| **overall** | {summary['killed']} | {summary['counted']} | "
                 f"{_percent(summary['killed'], summary['counted'])} | {summary['equivalent']} |")
    lines += ["", "| mutant | lab | origin | score | killed | first failing checks | mistake |",
              "|---|---|---|---:|---|---|---|"]
    for r in rows:
        shown = ", ".join(f"`{i}`" for i in r["failed"][:SHOWN_FAILURES]) or "-"
        lines.append(f"| `{r['mutant']}` | {r['lab']} | {r['origin']} | "
                     f"{r['score']:g} / {r['max_score']:g} | {status_word(r)} | {shown} | "
                     f"{_cell(r['why'])} |")
    equivalent = [r for r in rows if r["equivalent"]]
    if equivalent:
        lines += ["", "## Equivalent mutants", ""]
        lines += [f"- `{r['mutant']}` ({r['lab']}, {r['why']}): {r['equivalent_reason']}"
                  for r in equivalent]
    if survivors(rows):
        lines += ["", "## Survivors (a missing check, or equivalent code to explain)", ""]
        lines += [f"- `{r['mutant']}` ({r['lab']}): {r['why']}" for r in survivors(rows)]
    return "\n".join(lines) + "\n"


def write_reports(out, rows, summary, references, meta):
    out.mkdir(parents=True, exist_ok=True)
    report = {**meta, "summary": summary, "references": references, "mutants": rows}
    (out / "report.json").write_text(json.dumps(report, indent=1) + "\n")
    (out / "report.md").write_text(markdown(rows, summary, references, meta))


def run(labs, extra_only, jobs, out, timeout_scale):
    """Builds and grades the mutants of `labs`; returns ``(rows, summary, references)``."""
    selected = select_mutants(labs, extra_only)
    folders = build_submissions([m for m, _ in selected], out / "submissions")
    rows, references = [], []
    for lab in labs:
        lab_mutants = [(m, origin) for m, origin in selected if m.lab == lab]
        if not lab_mutants:
            continue
        start = time.monotonic()
        names = [REFERENCE] + [m.name for m, _ in lab_mutants]
        graded = grade_lab(lab, [folders[n] for n in names], jobs, timeout_scale)
        reference_passed = passed_ids(graded[REFERENCE])
        references.append(reference_row(lab, graded[REFERENCE]))
        rows += [verdict(m, origin, graded[m.name], reference_passed)
                 for m, origin in lab_mutants]
        print(f"graded {lab}: {len(lab_mutants)} mutants in {time.monotonic() - start:.0f} s",
              flush=True)
    return rows, summarize(rows, labs), references


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m instructor.measure.kill_rate",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--lab", action="append", choices=LABS,
                        help="only this lab (repeatable; default: every lab)")
    parser.add_argument("--extra-only", action="store_true",
                        help="only the extra mutants, not the planted bugs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="submissions graded in parallel (default: cores)")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "mutants",
                        help="folder for the submissions and the reports")
    parser.add_argument("--timeout-scale", type=float, default=1.0,
                        help="multiply every check's time limit (slow or busy machines)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    labs = [lab for lab in LABS if lab in (args.lab or LABS)]
    start = time.monotonic()
    rows, summary, references = run(labs, args.extra_only, args.jobs, args.out,
                                    args.timeout_scale)
    command = " ".join(["python -m instructor.measure.kill_rate", *(sys.argv[1:] if argv is None else argv)])
    meta = {"command": command,
            "wall_s": round(time.monotonic() - start, 1), "jobs": args.jobs}
    print_report(rows, summary, references)
    write_reports(args.out, rows, summary, references, meta)
    print(f"wall time {meta['wall_s']:.0f} s; wrote {args.out / 'report.json'} and "
          f"{args.out / 'report.md'}")
    return 1 if survivors(rows) or wrongly_equivalent(rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
