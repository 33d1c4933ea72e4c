"""Static properties of the lab notebooks. (That each one executes top to
bottom with passing checks is shown by the nbgrader run in
tests/test_nbgrader.py; ``make notebooks`` runs them outside nbgrader.)"""

import re

import nbformat
import pytest

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


EACH = [pytest.param(p, id=p.stem) for p in NOTEBOOKS]


@pytest.mark.parametrize("path", EACH)
def test_point_totals_are_computed_not_typed(path):
    nb = nbformat.read(path, as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert not re.search(r"out\s+of\s+\d+(,\s*\d+)+", prose)  # a typed list of totals
    assert any(f'task_points("{path.stem}")' in c.source for c in nb.cells
               if c.cell_type == "code")


@pytest.mark.parametrize("path", EACH)
def test_tensorflow_is_silenced_before_it_loads(path):
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    first = next(k for k, s in enumerate(code) if "setup()" in s or "tensorflow" in s)
    before = "\n".join(code[:first + 1])
    assert 0 <= before.find('"TF_CPP_MIN_LOG_LEVEL"') < before.index("setup()")
