"""Every lab notebook runs top to bottom in a fresh kernel on the reference
solution, and its visible checks pass."""

import pytest

from autograder import REPO
from autograder.notebooks import execute

NOTEBOOKS = sorted((REPO / "labs").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path):
    try:
        nb = execute(path, epochs=1)
    finally:
        (REPO / "submission.zip").unlink(missing_ok=True)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    assert "FAIL" not in text
    assert text.count("ok  ") > 10


def test_graded_cells_points_equal_check_points():
    import nbformat

    from autograder.checks import load_checks

    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        graded = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
                  for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
        points = {}
        for check in load_checks([path.stem]):
            points[f"grade_{check.task}"] = points.get(f"grade_{check.task}", 0) + check.points
        assert graded == points
