"""A real nbgrader run: generate_assignment, submissions in submitted/,
autograde (each student's own src/), export; totals equal our grader's.

Every lab gets the reference (full marks) and the starter (zero); the
schedules lab also gets a planted bug, so partial credit is compared too.
The reference's autograded notebooks are also this suite's proof that every
lab notebook executes top to bottom in a fresh kernel with no failing check
(``make notebooks`` runs them outside nbgrader)."""

import nbformat
import pytest

from autograder import nbgrader_course
from autograder.checks import LABS
from autograder.demo import BUGS

PARTIAL_CREDIT_LAB = "schedules"


@pytest.fixture(scope="module")
def nbgrader_run(demo_submissions, demo_report, tmp_path_factory):
    by_name = {path.name.removesuffix(".zip"): path for path in demo_submissions}
    course = nbgrader_course.build_course(tmp_path_factory.mktemp("nbgrader") / "course",
                                          epochs="1")
    expected = {}
    for name in nbgrader_course.collect([by_name["reference"], by_name["starter"]],
                                        course=course):
        expected.update({(name, lab): demo_report[name] for lab in LABS})
    bug = next(b for b in BUGS if b.lab == PARTIAL_CREDIT_LAB)
    nbgrader_course.collect([by_name[bug.name]], course=course, labs=[bug.lab])
    expected[(bug.name, bug.lab)] = demo_report[bug.name]
    rows = nbgrader_course.autograde_and_export(course=course)
    return course, rows, expected


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
    course, _, _ = nbgrader_run
    nb = nbformat.read(course / "autograded" / "reference" / lab / f"{lab}.ipynb", as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert not errors, errors
    assert "FAIL" not in text
    assert text.count("ok  ") >= 5, "the notebook's check cells did not run"
