"""Static properties of the lab notebooks. (That each one executes top to
bottom with passing checks is shown by the nbgrader run in
tests/test_nbgrader.py; ``make notebooks`` runs them outside nbgrader.)"""

import importlib
import inspect
import re

import nbformat
import pytest

from autograder import REPO
from autograder.core.catalog import GIVEN_CODE_TASK, LABS, lab_tasks, load_checks
from autograder.core.solution_blocks import BEGIN, enclosing_name
from autograder.notebook import contract_text

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
    assert not re.search(r"\b\d+(\.\d+)?\s+points?\b", prose)  # a typed total
    assert any(f'task_points("{path.stem}")' in c.source for c in nb.cells
               if c.cell_type == "code")


@pytest.mark.parametrize("path", EACH)
def test_tensorflow_is_silenced_before_it_loads(path):
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    first = next(k for k, s in enumerate(code) if "setup()" in s or "tensorflow" in s)
    before = "\n".join(code[:first + 1])
    assert 0 <= before.find('"TF_CPP_MIN_LOG_LEVEL"') < before.index("setup()")


# -- the contract is written once: in the docstrings, rendered by the notebooks ----------
CONTRACT_CALL = re.compile(r"^contract\((.*)\)\s*$", re.S | re.M)


def _contract_names(source):
    match = CONTRACT_CALL.search(source)
    return re.findall(r'"([\w.]+)"', match.group(1)) if match else []


def _sections(path):
    """``[(task, contract names, index of the contract cell, index of the
    task's first check cell)]`` in notebook order."""
    nb = nbformat.read(path, as_version=4)
    task, found, out = None, {}, []
    for i, cell in enumerate(nb.cells):
        heading = re.search(r"^## Task (\d+)", cell.source, re.M)
        if cell.cell_type == "markdown" and heading:
            task = lab_tasks(path.stem)[int(heading.group(1)) - 1]
        elif cell.cell_type == "code" and _contract_names(cell.source):
            found[task] = (_contract_names(cell.source), i)
        elif cell.cell_type == "code" and f'check("{path.stem}", "{task}")' in cell.source:
            names, where = found.get(task, ([], None))
            out.append((task, names, where, i))
    return out


def _written_by_students(module_file):
    """Top-level names in `module_file` (``src/dlkit/<name>.py``) that hold a
    solution block."""
    lines = module_file.read_text().splitlines()
    return {f"{module_file.stem}.{enclosing_name(lines, i).split('.')[0]}"
            for i, line in enumerate(lines) if line.strip() == BEGIN}


def test_every_part_students_write_has_its_contract_rendered_in_a_notebook():
    rendered = {name for path in NOTEBOOKS for _, names, _, _ in _sections(path)
                for name in names}
    written = set()
    for lab in LABS:
        for module in importlib.import_module(f"autograder.checks.{lab}").MODULES:
            if (REPO / "src" / "dlkit" / module).is_file():
                written |= _written_by_students(REPO / "src" / "dlkit" / module)
    assert written and written <= rendered, sorted(written - rendered)


@pytest.mark.parametrize("path", EACH)
def test_each_contract_cell_comes_before_its_tasks_check(path):
    modules = importlib.import_module(f"autograder.checks.{path.stem}").MODULES
    sections = _sections(path)
    assert [task for task, _, _, _ in sections] == list(lab_tasks(path.stem))
    for task, names, contract_cell, check_cell in sections:
        if names:
            assert contract_cell < check_cell, task
            assert all(f"{name.split('.')[0]}.py" in modules for name in names), (task, names)


def test_contract_text_renders_each_docstring_verbatim():
    for name in ("callbacks.StepDecay", "optimizers.clip_by_norm", "layers.Dropout"):
        module, _, attribute = name.partition(".")
        obj = getattr(importlib.import_module(f"dlkit.{module}"), attribute)
        text = contract_text(name)
        assert inspect.getdoc(obj) in text
        if inspect.isclass(obj):
            for method in ("schedule", "call"):
                if method in vars(obj):
                    assert inspect.cleandoc(vars(obj)[method].__doc__) in text
    assert "Initialize self" not in contract_text("callbacks.StepDecay")  # object's, not ours
    with pytest.raises(ValueError, match="'module.Name'.*Received: 'StepDecay'"):
        contract_text("StepDecay")
