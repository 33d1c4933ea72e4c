"""A real nbgrader run: generate_assignment, submissions in submitted/,
autograde (each student's own src/), export; totals equal our grader's.

Every lab gets the reference (full marks) and the starter (zero); the
schedules lab also gets a planted bug, so partial credit is compared too.
The reference's autograded notebooks are also this suite's proof that every
lab notebook executes top to bottom in a fresh kernel with no failing check
(``make notebooks`` runs them outside nbgrader)."""

from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from autograder.core.catalog import LABS
from instructor import nbgrader_course
from instructor.demo import BUGS

PARTIAL_CREDIT_LAB = "schedules"


def _run_course(root, labs, submissions, bug):
    """One nbgrader course for `labs`: generate, collect, autograde, export."""
    course = nbgrader_course.build_course(root, epochs="1", labs=labs)
    nbgrader_course.collect(submissions, course=course, labs=labs)
    if bug is not None:
        nbgrader_course.collect([bug[1]], course=course, labs=[bug[0].lab])
    return course, nbgrader_course.autograde_and_export(course=course, labs=labs)


@pytest.fixture(scope="module")
def nbgrader_run(demo_submissions, demo_report, tmp_path_factory):
    """The labs split over two courses run side by side: nbgrader executes one
    notebook at a time, and a batch should use both of CI's cores."""
    by_name = {path.name.removesuffix(".zip"): path for path in demo_submissions}
    bug = next(b for b in BUGS if b.lab == PARTIAL_CREDIT_LAB)
    groups = [LABS[0::2], LABS[1::2]]
    root = tmp_path_factory.mktemp("nbgrader")
    jobs = [(root / f"course{i}", labs, [by_name["reference"], by_name["starter"]],
             (bug, by_name[bug.name]) if bug.lab in labs else None)
            for i, labs in enumerate(groups) if labs]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        runs = list(pool.map(lambda job: _run_course(*job), jobs))
    courses = {lab: course for (course, _), labs in zip(runs, groups) for lab in labs}
    rows = {key: row for _, course_rows in runs for key, row in course_rows.items()}
    expected = {(name, lab): demo_report[name] for name in ("reference", "starter")
                for lab in LABS}
    expected[(bug.name, bug.lab)] = demo_report[bug.name]
    return courses, rows, expected


@pytest.mark.slow
def test_gradebook_equals_autograder(nbgrader_run):
    _, rows, expected = nbgrader_run
    assert set(expected) <= set(rows)
    for (name, lab), ours in expected.items():
        score, max_score = rows[(name, lab)]
        checks = [c for c in ours["checks"] if c["lab"] == lab]
        assert max_score == sum(c["max_score"] for c in checks), (name, lab)
        assert score == pytest.approx(sum(c["score"] for c in checks)), (name, lab)
    for lab in LABS:
        assert rows[("reference", lab)][0] == rows[("reference", lab)][1] > 0, lab
        assert rows[("starter", lab)][0] == 0, lab
    partial = [rows[key] for key in expected if key[0].startswith("bug_")]
    assert partial and all(0 < score < max_score for score, max_score in partial)


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS)
def test_reference_notebook_executes_without_failing_checks(nbgrader_run, lab):
    courses, _, _ = nbgrader_run
    nb = nbformat.read(courses[lab] / "autograded" / "reference" / lab / f"{lab}.ipynb",
                       as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert not errors, errors
    assert "FAIL" not in text
    # A check cell ends with one line per task; a task with every check passed ends "- done".
    assert text.count(" - done") >= 2, "the notebook's check cells did not run"
