"""The student release: stubs, notebooks from nbgrader, and the leak check."""

import json
import shutil

import pytest

from autograder import REPO
from autograder.release import LeakError, build_release, leak_check, strip_solutions

SAMPLE = '''class A:
    def f(self, x):
        """Doc."""
        ### BEGIN SOLUTION
        ### HINT: return twice x.
        return 2 * x + 0
        ### END SOLUTION
'''


def test_strip_solutions_leaves_a_stub_with_the_hint():
    out = strip_solutions(SAMPLE)
    assert "return 2 * x" not in out and "BEGIN" not in out
    assert "raise NotImplementedError('A.f: not implemented yet. Hint: return twice x.')" in out
    ns = {}
    exec(out, ns)
    with pytest.raises(NotImplementedError, match="Hint: return twice x"):
        ns["A"]().f(1)


def test_unclosed_block_is_refused():
    with pytest.raises(ValueError, match="never closed"):
        strip_solutions(SAMPLE.replace("        ### END SOLUTION\n", ""))


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return build_release(tmp_path_factory.mktemp("rel") / "release")


def test_release_has_stubs_public_checks_and_clean_notebooks(release):
    text = (release / "src" / "dlkit" / "callbacks.py").read_text()
    assert text.count("raise NotImplementedError(") >= 11
    assert (release / "autograder" / "checks" / "schedules.py").is_file()
    assert not (release / "autograder" / "hidden").exists()
    assert not (release / "tests").exists()
    nb = json.loads((release / "labs" / "schedules.ipynb").read_text())
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    assert (release / "Makefile").read_text().count("check:") == 1


@pytest.mark.parametrize("plant", [
    lambda r: shutil.copy(REPO / "src/dlkit/callbacks.py", r / "src/dlkit/callbacks.py"),
    lambda r: (r / "src/dlkit/__pycache__").mkdir(),
    lambda r: (r / "autograder/leftover.py").write_text("# ### BEGIN HIDDEN TESTS\n"),
    lambda r: shutil.copytree(REPO / "autograder/hidden", r / "autograder/hidden"),
    lambda r: (r / "notes.txt").write_text("schedules.step_decay_hidden.rates"),
    lambda r: _add_output(r / "labs" / "schedules.ipynb"),
], ids=["solution", "pycache", "marker", "hidden-folder", "hidden-id", "notebook-output"])
def test_leak_check_catches_planted_leaks(release, tmp_path, plant):
    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    leak_check(copy)  # clean before planting
    plant(copy)
    with pytest.raises(LeakError):
        leak_check(copy)


def _add_output(path):
    nb = json.loads(path.read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi"}]
    nb["metadata"]["widgets"] = {}
    path.write_text(json.dumps(nb))
