"""Static properties of the lab notebooks. (That each one executes top to
bottom with passing checks is shown by the nbgrader run in
tests/test_nbgrader.py; ``make notebooks`` runs them outside nbgrader.)"""

import nbformat

from autograder import REPO
from autograder.core.catalog import GIVEN_CODE_TASK, LABS, load_checks

NOTEBOOKS = sorted((REPO / "labs").glob("*.ipynb"))


def test_every_lab_has_a_notebook_and_checks():
    assert {p.stem for p in NOTEBOOKS} == set(LABS)


def test_graded_cells_points_equal_check_points():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        graded = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
                  for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
        points = {}
        for check in load_checks([path.stem]):
            if check.task == GIVEN_CODE_TASK:
                continue  # worth no points, graded by no cell
            points[f"grade_{check.task}"] = points.get(f"grade_{check.task}", 0) + check.points
        assert graded == points, path.stem


def test_notebooks_are_committed_clean():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert set(nb.metadata) <= {"kernelspec", "language_info"}, path.stem
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.stem
