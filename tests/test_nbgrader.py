"""A real nbgrader run: generate_assignment, submissions in submitted/,
autograde (each student's own src/), export; totals equal our grader's."""

import pytest

from autograder import nbgrader_course


@pytest.mark.slow
def test_nbgrader_gradebook_equals_autograder(demo_submissions, demo_report, tmp_path):
    course = nbgrader_course.build_course(tmp_path / "course", epochs="1")
    names = nbgrader_course.collect(demo_submissions, course=course)
    rows = nbgrader_course.autograde_and_export(course=course)
    assert set(names) == set(demo_report)
    for name in names:
        score, max_score = rows[(name, "schedules")]
        ours = demo_report[name]
        lab = [c for c in ours["checks"] if c["lab"] == "schedules"]
        assert max_score == sum(c["max_score"] for c in lab), name
        assert score == pytest.approx(sum(c["score"] for c in lab)), name
    assert rows[("reference", "schedules")][0] == rows[("reference", "schedules")][1]
    assert rows[("starter", "schedules")][0] == 0
