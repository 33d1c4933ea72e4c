"""Given code stays the course's: a change to it is reported by syntax tree
(its own visible check, naming the function and the line), and the probes
train on the course's loaders and model builders, so an edited loader or
builder cannot move a gate."""

import shutil
from pathlib import Path

import pytest

from autograder import REPO
from autograder.core.catalog import load_checks, load_references
from autograder.core.given_code import changes
from autograder.core.grading import grade_one
from autograder.core.solution_blocks import strip_solutions

DATA = (REPO / "src" / "dlkit" / "data.py").read_text()
MODELS = (REPO / "src" / "dlkit" / "models.py").read_text()
SHORT_TRAINING = ("    return part(train), part(val), part(test)",
                  "    return part(train[:12]), part(val), part(test)")
TINY_MODEL = ("hidden=(16, 16, 16)", "hidden=(1,)")


def _edit(text, old_new):
    old, new = old_new
    assert text.count(old) == 1
    return text.replace(old, new)


def test_solution_code_formatting_comments_and_helpers_are_not_changes():
    assert changes(DATA, DATA) == []
    assert changes(DATA, strip_solutions(DATA)) == []  # the untouched starter
    reformatted = "# my notes\n" + DATA.replace("def load_iris(seed=0):",
                                               "def load_iris(seed = 0):  # given")
    assert changes(DATA, reformatted) == []
    helper = DATA.replace("import numpy as np\n", "import numpy as np\nimport math\n\n\n"
                          "def _my_helper(x):\n    return math.floor(x)\n", 1)
    assert changes(DATA, helper) == []


def test_a_changed_loader_or_builder_is_named_with_its_line():
    edited = _edit(DATA, SHORT_TRAINING)
    line = edited.splitlines().index(SHORT_TRAINING[1]) + 1
    assert changes(DATA, edited, "data.py") == [
        f"data.py: load_iris (line {line}): differs from the course's given code"]
    assert changes(MODELS, _edit(MODELS, TINY_MODEL), "models.py") == [
        "models.py: iris_mlp (line 14): differs from the course's given code"]
    docstring = DATA.replace("Iris (150 flowers, 4 features, 3 classes)", "Iris")
    assert changes(DATA, docstring)[0].startswith("module: load_iris (line ")
    removed = DATA.replace("    train, val, test = _stratified_split(labels, seed)\n", "")
    assert changes(DATA, removed) != []
    assert "cannot be read" in changes(DATA, "def broken(:\n", "data.py")[0]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("given")
    subs = {}
    for name, file, edit in (("reference", None, None),
                             ("edited_loader", "data.py", SHORT_TRAINING),
                             ("edited_builder", "models.py", TINY_MODEL)):
        shutil.copytree(REPO / "src" / "dlkit", root / name / "src" / "dlkit",
                        ignore=shutil.ignore_patterns("__pycache__"))
        if file:
            path = root / name / "src" / "dlkit" / file
            path.write_text(_edit(path.read_text(), edit))
        subs[name] = root / name
    # The gates that train on load_iris and iris_mlp, and the given-code check.
    checks = [c for c in load_checks(["iris_basics", "losses"])
              if c.gate or c.id.endswith("given_code.unchanged")]
    references = load_references(checks)
    return {name: {c["id"]: c for c in grade_one(Path(path), checks, references)["checks"]}
            for name, path in subs.items()}


def test_edited_given_code_is_reported_and_cannot_move_a_gate(graded):
    reference = graded["reference"]
    assert all(c["status"] == "passed" for c in reference.values()), reference
    for name, module in (("edited_loader", "data.py: load_iris"),
                         ("edited_builder", "models.py: iris_mlp")):
        sub = graded[name]
        report = sub["iris_basics.given_code.unchanged"]
        assert report["status"] == "failed" and report["max_score"] == 0
        assert module in report["message"] and "(line " in report["message"]
        for check_id, check in reference.items():
            if "given_code" in check_id:
                continue
            # Same status and the same message: the same accuracy, to the flower.
            assert (sub[check_id]["status"], sub[check_id]["message"]) == (
                check["status"], check["message"]), (name, check_id)
