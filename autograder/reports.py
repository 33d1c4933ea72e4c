"""Reports: the contract's JSON, a CSV gradebook, per-student HTML feedback,
and plain-text tables for the terminal."""

import csv
import html
import json
import re
from pathlib import Path

STATUS_MARK = {"passed": "ok", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT"}


def contract_report(report):
    """The JSON report exactly as the contract defines it (no extra keys)."""
    keys = ("id", "lab", "score", "max_score", "status", "message")
    return {"submissions": [
        {"submission": s["submission"], "score": s["score"], "max_score": s["max_score"],
         "checks": [{k: c[k] for k in keys} for c in s["checks"]]}
        for s in report["submissions"]
    ]}


def lab_scores(submission):
    labs = {}
    for check in submission["checks"]:
        got, top = labs.get(check["lab"], (0.0, 0.0))
        labs[check["lab"]] = (got + check["score"], top + check["max_score"])
    return labs


def write_csv(report, path):
    labs = sorted({c["lab"] for s in report["submissions"] for c in s["checks"]})
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", "score", "max_score", *labs,
                         "passed", "failed", "error", "timeout"])
        for s in report["submissions"]:
            per_lab = lab_scores(s)
            counts = [sum(c["status"] == k for c in s["checks"])
                      for k in ("passed", "failed", "error", "timeout")]
            writer.writerow([s["submission"], s["score"], s["max_score"],
                             *[per_lab.get(lab, (0, 0))[0] for lab in labs], *counts])


# --- what a student reads first: totals, labs, tasks, what to fix first ------

FEEDBACK = ("after-deadline", "public-only")  # what the HTML shows of hidden checks


def row_task(row):
    """The task of a report row (from its id, see ``core/catalog.py``)."""
    from autograder.core.catalog import task_of

    try:
        return task_of(row["id"])
    except ValueError:  # an id outside the catalog: its second part
        parts = row["id"].split(".")
        return parts[1] if len(parts) > 1 else ""


def _lab_order(labs):
    from autograder.core.catalog import COURSE

    return sorted(labs, key=lambda lab: (COURSE.index(lab) if lab in COURSE else len(COURSE), lab))


def _task_order(lab, tasks):
    from autograder.core.catalog import LABS, lab_tasks

    known = list(lab_tasks(lab)) if lab in LABS else []
    return sorted(tasks, key=lambda t: (known.index(t) if t in known else len(known), t))


def summarize(submission, show_hidden=True):
    """What a student reads first about one submission.

    Args:
        submission: one submission of a report (its rows may carry the
            optional ``hidden`` key).
        show_hidden: False to leave hidden checks out of the labs, the tasks
            and what to fix first (they are then only counted, in
            ``hidden``).

    Returns:
        ``{"score", "max_score"`` (every check), ``"shown_score",
        "shown_max_score"`` (the checks shown), ``"labs"``: for each lab in
        course order ``{"lab", "score", "max_score", "tasks": [{"task",
        "score", "max_score", "lost"}], "fix_first": row or None}``, the
        first check lost in the lab's first task (notebook order) that lost
        any, and ``"hidden"``: ``{"checks", "passed", "score",
        "max_score"}`` over the hidden checks}``.
    """
    rows = submission["checks"]
    shown = [r for r in rows if show_hidden or not r.get("hidden")]
    hidden = [r for r in rows if r.get("hidden")]
    labs = []
    for lab in _lab_order({r["lab"] for r in shown}):
        in_lab = [r for r in shown if r["lab"] == lab]
        by_task = {}
        for row in in_lab:
            by_task.setdefault(row_task(row), []).append(row)
        tasks = [{"task": task, "score": sum(r["score"] for r in by_task[task]),
                  "max_score": sum(r["max_score"] for r in by_task[task]),
                  "lost": sum(r["status"] != "passed" for r in by_task[task])}
                 for task in _task_order(lab, by_task)]
        first = next((t["task"] for t in tasks if t["lost"]), None)
        fix = next((r for r in by_task.get(first, []) if r["status"] != "passed"), None)
        labs.append({"lab": lab, "score": sum(r["score"] for r in in_lab),
                     "max_score": sum(r["max_score"] for r in in_lab), "tasks": tasks,
                     "fix_first": fix})
    return {
        "score": submission["score"], "max_score": submission["max_score"],
        "shown_score": sum(r["score"] for r in shown),
        "shown_max_score": sum(r["max_score"] for r in shown),
        "labs": labs,
        "hidden": {"checks": len(hidden), "passed": sum(r["status"] == "passed" for r in hidden),
                   "score": sum(r["score"] for r in hidden),
                   "max_score": sum(r["max_score"] for r in hidden)},
    }


# --- a task at a glance: not started, failing checks first, one line per task ---

NOT_STARTED = re.compile(r"NotImplementedError: ([\w.]+): not implemented yet")


def not_started(rows):
    """The function to begin with when every check of a task's `rows`
    raised the stubs' ``NotImplementedError``; None otherwise."""
    names = [NOT_STARTED.match(r.get("message") or "") for r in rows]
    if rows and all(r["status"] == "error" for r in rows) and all(names):
        return names[0].group(1)
    return None


def task_groups(rows):
    """``[(lab, task, rows, begin)]`` in course and notebook order; `begin`
    is what `not_started` says (None for a task that is started)."""
    by_task = {}
    for row in rows:
        by_task.setdefault((row["lab"], row_task(row)), []).append(row)
    groups = []
    for lab in _lab_order({lab for lab, _ in by_task}):
        for task in _task_order(lab, {t for la, t in by_task if la == lab}):
            mine = by_task[(lab, task)]
            groups.append((lab, task, mine, not_started(mine)))
    return groups


def not_started_line(task, rows, begin):
    """``"inverse_time: not started, 9 checks, 14 points; begin with `X`"``."""
    points = sum(r["max_score"] for r in rows)
    return (f"{task}: not started, {len(rows)} check{'s' * (len(rows) != 1)}, "
            f"{points:g} points; begin with `{begin}`")


def check_lines(rows, labs=False):
    """What a student reads about some checks (report rows), at a glance:
    every failing check of a started task first (what differs), then one
    line per task: its points and checks passed, or, for a task not
    started, one line that says so and where to begin.

    Args:
        rows: report rows (`CheckResult.as_dict`), any labs and tasks.
        labs: True to name the lab before each task.

    Returns:
        The lines, without a final score line.
    """
    groups = task_groups(rows)
    lines = []
    for _, _, mine, begin in groups:
        if begin is None:
            for r in mine:
                if r["status"] != "passed":
                    lines.append(f"{STATUS_MARK[r['status']]:>7}  {r['id']} "
                                 f"({r['max_score']:g} pt): {r['message']}")
    if lines:
        lines.append("")
    for lab, task, mine, begin in groups:
        name = f"{lab}.{task}" if labs else task
        if not any(r["max_score"] for r in mine) and all(r["status"] == "passed" for r in mine):
            continue  # worth nothing and nothing to fix (the given-code check)
        if begin is not None:
            lines.append(not_started_line(name, mine, begin))
            continue
        passed = sum(r["status"] == "passed" for r in mine)
        lines.append(f"{name}: {sum(r['score'] for r in mine):g} / "
                     f"{sum(r['max_score'] for r in mine):g} points, {passed} of {len(mine)} "
                     f"checks passed" + ("" if passed < len(mine) else " - done"))
    return lines


def first_line(text, limit=200):
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[:limit - 3] + "..."


# --- plots: expected against got, drawn where the report is written ---------

def _columns(values):
    """A sequence as lines to draw: one list per component (None -> nan)."""
    nan = float("nan")
    if any(isinstance(v, list) for v in values):
        width = max((len(v) for v in values if isinstance(v, list)), default=0)
        return [[(v[k] if isinstance(v, list) and k < len(v) and v[k] is not None else nan)
                 for v in values] for k in range(min(width, 4))]
    return [[v if isinstance(v, (int, float)) and not isinstance(v, bool) else nan
             for v in values]]


def _first_difference(want, have):
    for i, (w, h) in enumerate(zip(want, have)):
        if not (abs(w - h) <= 1e-12 + 1e-6 * abs(w)):  # nan differs too
            return i
    return min(len(want), len(have)) if len(want) != len(have) else None


def draw_series(ax, series):
    """Draws one ``{"label", "expected", "got"}`` series
    (`evaluate.plot_series`) on the matplotlib axes `ax`: the reference's
    values dashed, the student's solid, a dotted line at the first index
    where they differ."""
    from matplotlib.lines import Line2D

    want, have = _columns(series["expected"]), _columns(series["got"])
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
    for k, column in enumerate(want):
        ax.plot(range(len(column)), column, "--", color="#555" if len(want) == 1 else
                colors[k], lw=1.6, marker="x", ms=4)
    for k, column in enumerate(have):
        ax.plot(range(len(column)), column, "-", color=colors[k], lw=1.2, marker="o", ms=3,
                alpha=0.85)
    first = min((d for d in (_first_difference(w, h) for w, h in zip(want, have))
                 if d is not None), default=None)
    if first is not None:
        ax.axvline(first, color="#999", ls=":", lw=1)
    ax.set_title(series["label"] + (f" (first difference at index {first})"
                                    if first is not None else ""), fontsize=10)
    ax.set_xlabel("index (from 0)" + (", one colour per component" if len(want) > 1 else ""),
                  fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    ax.legend([Line2D([], [], color="#555", ls="--", marker="x"),
               Line2D([], [], color=colors[0], marker="o")],
              ["expected (reference)", "got (your code)"], fontsize=8, loc="best")


def plot_figure(series, title=None, dpi=72):
    """A matplotlib `Figure` (no pyplot state) of one or more series, one
    panel each, expected against got."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.2, 2.5 * len(series)), dpi=dpi)
    for ax, one in zip(fig.subplots(len(series), 1, squeeze=False)[:, 0], series):
        draw_series(ax, one)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_svg(series):
    """An inline SVG of one ``{"label", "expected", "got"}`` series
    (`evaluate.plot_series`), drawn by `draw_series`."""
    import io

    import matplotlib

    # Text as text (the browser's font), no embedded glyphs: a few KB a plot.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "dlkit"}):
        fig = plot_figure([series])
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
    svg = out.getvalue()
    return svg[svg.index("<svg"):]


# --- the per-student HTML ------------------------------------------------------

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em 2em; color: #222; max-width: 1100px; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.2em; margin-top: 1.4em; }
.total { font-size: 1.3em; } .muted { color: #666; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 3px 8px;
  text-align: left; vertical-align: top; }
.bar { display: inline-block; height: .7em; background: #eee; width: 120px; vertical-align: middle; }
.bar span { display: block; height: 100%; background: #3a7; }
.tasks { font-size: .9em; } .tasks .lost { color: #a00; }
ol.fix li { margin: .3em 0; }
.check { border: 1px solid #ddd; border-left: 5px solid #a00; padding: .4em .8em; margin: .8em 0; }
.check.timeout { border-left-color: #d80; } .check.error { border-left-color: #a0a; }
.check .head code { font-weight: bold; } .mark { font-weight: bold; color: #a00; }
.check pre { white-space: pre-wrap; background: #f7f7f7; padding: .4em; margin: .3em 0; }
.plot svg { max-width: 100%; height: auto; }
details.passed { margin-top: 1.2em; } details.passed summary { cursor: pointer; font-weight: bold; }
tr.passed td:nth-child(3) { color: #060; }
"""


def _bar(got, top):
    share = 0 if not top else max(0.0, min(1.0, got / top))
    return f'<span class="bar"><span style="width:{share * 100:.0f}%"></span></span>'


def _check_card(row):
    e = html.escape
    plots = "".join(f'<figure class="plot">{plot_svg(s)}</figure>' for s in row.get("plot", ()))
    return (f'<div class="check {e(row["status"])}" id="check-{e(row["id"])}">'
            f'<div class="head"><span class="mark">{STATUS_MARK[row["status"]]}</span> '
            f'<code>{e(row["id"])}</code> <span class="muted">{row["score"]:g} / '
            f'{row["max_score"]:g} points</span></div>'
            f'<div>{e(row.get("description", ""))}</div>'
            f'<pre>{e(row["message"])}</pre>{plots}</div>')


def _idle_card(lab, task, rows, begin):
    e = html.escape
    ids = " ".join(f'<a id="check-{e(r["id"])}"></a>' for r in rows)
    return (f'<div class="check error not-started" id="task-{e(lab)}-{e(task)}">{ids}'
            f'<span class="mark">NOT STARTED</span> <b>{e(lab)}</b>: '
            f'{e(not_started_line(task, rows, begin))}</div>')


def feedback_html(submission, feedback="after-deadline"):
    """The HTML a student reads about one submission.

    It opens with a summary (the total, each lab and its tasks, what to fix
    first), then the checks lost, each with what differs and, for a
    sequence, a plot of expected against got; the checks passed are folded.

    Args:
        submission: one submission of a report (rows as `CheckResult.as_dict`).
        feedback: ``after-deadline`` shows every check; ``public-only``
            shows hidden checks only as a count and their points (no id, no
            message, no expected value).

    Returns:
        The page, self-contained (plots are inline SVG).
    """
    if feedback not in FEEDBACK:
        raise ValueError(f"feedback must be one of {', '.join(FEEDBACK)}. "
                         f"Received: feedback={feedback!r}")
    e = html.escape
    show_hidden = feedback == "after-deadline"
    info = summarize(submission, show_hidden)
    rows = [r for r in submission["checks"] if show_hidden or not r.get("hidden")]
    groups = task_groups(rows)
    idle = [(lab, task, mine, begin) for lab, task, mine, begin in groups if begin]
    idle_ids = {r["id"] for _, _, mine, _ in idle for r in mine}
    lost = [r for r in rows if r["status"] != "passed" and r["id"] not in idle_ids]
    passed = [r for r in rows if r["status"] == "passed"]
    hidden = info["hidden"]

    fixes = "".join(
        f'<li><b>{e(lab["lab"])}</b>, task <i>{e(row_task(lab["fix_first"]))}</i>: '
        f'<a href="#check-{e(lab["fix_first"]["id"])}"><code>{e(lab["fix_first"]["id"])}</code>'
        f'</a>: {e(first_line(lab["fix_first"]["message"]))}</li>'
        for lab in info["labs"] if lab["fix_first"])
    fixes = (f'<h2>What to fix first</h2><ol class="fix">{fixes}</ol>' if fixes
             else "<h2>What to fix first</h2><p>Nothing: every check shown passed.</p>")
    lab_rows = "".join(
        f'<tr><td><b>{e(lab["lab"])}</b></td><td>{lab["score"]:g} / {lab["max_score"]:g} '
        f'{_bar(lab["score"], lab["max_score"])}</td><td class="tasks">'
        + ", ".join(f'<span class="{"lost" if t["lost"] else ""}">{e(t["task"])} '
                    f'{t["score"]:g}/{t["max_score"]:g}</span>' for t in lab["tasks"])
        + "</td></tr>" for lab in info["labs"])
    hidden_line = ""
    if hidden["checks"] and not show_hidden:
        hidden_line = (f'<p class="hidden-summary">Hidden checks: {hidden["checks"]} '
                       f'({hidden["passed"]} passed), {hidden["score"]:g} / '
                       f'{hidden["max_score"]:g} points. Their details are shown after '
                       f'the deadline.</p>')
    scope = "" if show_hidden or not hidden["checks"] else (
        f' <span class="muted">(public checks {info["shown_score"]:g} / '
        f'{info["shown_max_score"]:g})</span>')
    passed_rows = "".join(
        f'<tr class="passed"><td><code>{e(r["id"])}</code></td>'
        f'<td>{e(r.get("description", ""))}</td><td>{r["score"]:g} / {r["max_score"]:g}</td>'
        f'</tr>' for r in passed)
    name = e(submission["submission"])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dlkit feedback: {name}</title>
<style>{_STYLE}</style></head><body>
<h1>Feedback for {name}</h1>
<section id="summary">
<p class="total">Score: <b>{info["score"]:g} / {info["max_score"]:g}</b>{scope}</p>
{hidden_line}
<table class="labs"><tr><th>lab</th><th>points</th><th>tasks (points)</th></tr>
{lab_rows}</table>
{fixes}
</section>
<section id="lost"><h2>Checks lost ({len(lost) + len(idle_ids)})</h2>
{"".join(_check_card(r) for r in lost)}
{"".join(_idle_card(lab, task, mine, begin) for lab, task, mine, begin in idle)}
{"" if lost or idle else "<p>None.</p>"}
</section>
<details class="passed" id="passed"><summary>Checks passed ({len(passed)})</summary>
<table><tr><th>check</th><th>what it checks</th><th>points</th></tr>{passed_rows}</table>
</details>
</body></html>
"""


def write_lms_csv(report, path):
    """``grades_lms.csv``: one row per student, one column of points per lab,
    in the layout Canvas's and Moodle's gradebook imports read.

    The student is the submission's name (name the submissions by login),
    under ``Student`` and ``SIS Login ID``: Canvas matches students by
    ``SIS Login ID`` when ``ID`` and ``SIS User ID`` are empty; Moodle maps
    a column of the file (``SIS Login ID``) to a user field and each lab
    column to a grade item when it imports.
    """
    labs = _lab_order({c["lab"] for s in report["submissions"] for c in s["checks"]})
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *labs])
        for s in report["submissions"]:
            per_lab = lab_scores(s)
            writer.writerow([s["submission"], "", "", s["submission"], "",
                             *[f"{round(per_lab.get(lab, (0, 0))[0], 4):g}" for lab in labs]])


def write_reports(report, json_path=None, out_dir=None, feedback="after-deadline"):
    """Writes the contract's JSON report (`json_path`) and, in `out_dir`,
    ``grades.csv``, ``grades_lms.csv`` and ``feedback/<submission>.html``
    (`feedback`: see `feedback_html`)."""
    if json_path:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(contract_report(report), indent=1) + "\n")
    if out_dir:
        out_dir = Path(out_dir)
        (out_dir / "feedback").mkdir(parents=True, exist_ok=True)
        write_csv(report, out_dir / "grades.csv")
        write_lms_csv(report, out_dir / "grades_lms.csv")
        for s in report["submissions"]:
            (out_dir / "feedback" / f"{s['submission']}.html").write_text(
                feedback_html(s, feedback))


def print_table(report):
    subs = report["submissions"]
    width = max([len("submission")] + [len(s["submission"]) for s in subs])
    print(f"{'submission':<{width}}  {'score':>13}  passed  failed  error  timeout")
    for s in subs:
        counts = [sum(c["status"] == k for c in s["checks"])
                  for k in ("passed", "failed", "error", "timeout")]
        score = f"{s['score']:g} / {s['max_score']:g}"
        print(f"{s['submission']:<{width}}  {score:>13}  {counts[0]:>6}  {counts[1]:>6}  "
              f"{counts[2]:>5}  {counts[3]:>7}")


def print_check_table(submission):
    """Prints one submission's checks as `check_lines` does (failing checks
    first, one line per task, a task not started in one line) and the
    score; returns 0 when all passed, else 1."""
    for line in check_lines(submission["checks"]):
        print(line)
    print(f"\nscore {submission['score']:g} / {submission['max_score']:g}")
    return 0 if submission["score"] == submission["max_score"] else 1
