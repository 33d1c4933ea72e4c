"""A real nbgrader run: generate_assignment, submissions in submitted/,
autograde (each student's own src/), export; totals equal our grader's.

Every lab gets the reference (full marks) and the starter (zero); each lab
also gets its first planted bug, so partial credit is compared too. (The
full demo set goes through nbgrader in `make bench`.)"""

import pytest

from autograder import nbgrader_course
from autograder.checks import LABS
from autograder.demo import BUGS


@pytest.mark.slow
def test_nbgrader_gradebook_equals_autograder(demo_submissions, demo_report, tmp_path):
    by_name = {path.name.removesuffix(".zip"): path for path in demo_submissions}
    course = nbgrader_course.build_course(tmp_path / "course", epochs="1")
    expected = {}
    for name in nbgrader_course.collect([by_name["reference"], by_name["starter"]],
                                        course=course):
        expected.update({(name, lab): demo_report[name] for lab in LABS})
    for lab in LABS:
        bug = next((b for b in BUGS if b.lab == lab), None)
        if bug is not None:
            nbgrader_course.collect([by_name[bug.name]], course=course, labs=[lab])
            expected[(bug.name, lab)] = demo_report[bug.name]
    rows = nbgrader_course.autograde_and_export(course=course)
    assert set(expected) <= set(rows)
    for (name, lab), ours in expected.items():
        score, max_score = rows[(name, lab)]
        checks = [c for c in ours["checks"] if c["lab"] == lab]
        assert max_score == sum(c["max_score"] for c in checks), (name, lab)
        assert score == pytest.approx(sum(c["score"] for c in checks)), (name, lab)
    for lab in LABS:
        assert rows[("reference", lab)][0] == rows[("reference", lab)][1] > 0, lab
        assert rows[("starter", lab)][0] == 0, lab
    assert any(rows[key][0] < rows[key][1] for key in expected if key[0].startswith("bug_"))
