"""Reports: the contract's JSON, a CSV gradebook, per-student HTML feedback,
and plain-text tables for the terminal."""

import csv
import html
import json
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


def feedback_html(submission):
    rows = []
    for c in submission["checks"]:
        rows.append(
            f'<tr class="{c["status"]}"><td>{html.escape(c["id"])}</td>'
            f'<td>{html.escape(c.get("description", ""))}</td>'
            f'<td>{c["score"]:g} / {c["max_score"]:g}</td>'
            f'<td>{STATUS_MARK[c["status"]]}</td><td>{html.escape(c["message"])}</td></tr>')
    labs = "".join(f"<li>{html.escape(lab)}: {got:g} / {top:g}</li>"
                   for lab, (got, top) in sorted(lab_scores(submission).items()))
    name = html.escape(submission["submission"])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dlkit feedback: {name}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: 4px 8px; }}
tr.passed td:nth-child(4) {{ color: #060; }} tr.failed td:nth-child(4),
tr.error td:nth-child(4), tr.timeout td:nth-child(4) {{ color: #a00; font-weight: bold; }}
</style></head><body>
<h1>Feedback for {name}</h1>
<p>Score: <b>{submission["score"]:g} / {submission["max_score"]:g}</b></p><ul>{labs}</ul>
<table><tr><th>check</th><th>what it checks</th><th>points</th><th>status</th>
<th>what differs</th></tr>
{"".join(rows)}
</table></body></html>
"""


def write_reports(report, json_path=None, out_dir=None):
    if json_path:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(contract_report(report), indent=1) + "\n")
    if out_dir:
        out_dir = Path(out_dir)
        (out_dir / "feedback").mkdir(parents=True, exist_ok=True)
        write_csv(report, out_dir / "grades.csv")
        for s in report["submissions"]:
            (out_dir / "feedback" / f"{s['submission']}.html").write_text(feedback_html(s))


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
    """Prints one submission's checks; returns 0 when all passed, else 1."""
    width = max(len(c["id"]) for c in submission["checks"])
    for c in submission["checks"]:
        mark = STATUS_MARK[c["status"]]
        print(f"{mark:>7}  {c['id']:<{width}}  {c['score']:g}/{c['max_score']:g}")
        if c["status"] != "passed":
            print(f"{'':>9}{c['message']}")
    print(f"\nscore {submission['score']:g} / {submission['max_score']:g}")
    return 0 if submission["score"] == submission["max_score"] else 1
