"""The student release: stubs, notebooks from nbgrader, and the leak check."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import REPO
from instructor.release import LeakError, build_release, leak_check, strip_solutions

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
    assert not (release / "instructor").exists()
    assert not (release / "tests").exists()
    assert sorted(p.name for p in release.iterdir()) == [
        "Makefile", "README.md", "autograder", "datasets", "labs", "requirements.txt", "src"]
    nb = json.loads((release / "labs" / "schedules.ipynb").read_text())
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    assert (release / "Makefile").read_text().count("check:") == 1


@pytest.mark.parametrize("plant", [
    lambda r: shutil.copy(REPO / "src/dlkit/callbacks.py", r / "src/dlkit/callbacks.py"),
    lambda r: (r / "src/dlkit/__pycache__").mkdir(),
    lambda r: (r / "autograder/leftover.py").write_text("# ### BEGIN HIDDEN TESTS\n"),
    lambda r: shutil.copytree(REPO / "instructor/hidden", r / "autograder/hidden"),
    lambda r: shutil.copytree(REPO / "instructor/demo/bugs", r / "instructor/demo/bugs"),
    lambda r: (r / "notes.txt").write_text("schedules.step_decay_hidden.rates"),
    lambda r: (r / "notes.txt").write_text(_hidden_arguments()),
    lambda r: _add_output(r / "labs" / "schedules.ipynb"),
], ids=["solution", "pycache", "marker", "hidden-folder", "instructor-folder", "hidden-id",
     "hidden-arguments", "notebook-output"])
def test_leak_check_catches_planted_leaks(release, tmp_path, plant):
    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    leak_check(copy)  # clean before planting
    plant(copy)
    with pytest.raises(LeakError):
        leak_check(copy)


def _hidden_arguments():
    """The JSON arguments of a hidden check, as the leak check searches for them."""
    from autograder.core.catalog import load_checks
    from instructor.release import MIN_SECRET_ARGS

    public = {c.id for c in load_checks(include_hidden=False)}
    return next(args for c in load_checks(include_hidden=True) if c.id not in public
                for args in [json.dumps(c.args, sort_keys=True)] if len(args) >= MIN_SECRET_ARGS)


def _replace(path, old, new):
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def _add_markdown(path, text):
    nb = json.loads(path.read_text())
    nb["cells"].append({"cell_type": "markdown", "id": "planted", "metadata": {}, "source": text})
    path.write_text(json.dumps(nb))


@pytest.mark.parametrize("level", ["none", "more"])
def test_release_at_each_hint_level_passes_the_leak_check(release, tmp_path, level):
    # the nbgrader notebooks of the default (concept) release, made once
    notebooks = sorted((release / "labs").glob("*.ipynb"))
    target = build_release(tmp_path / level, notebooks=notebooks, hints=level)
    stubs = (target / "src" / "dlkit" / "callbacks.py").read_text()
    assert stubs.count("raise NotImplementedError(") >= 11
    assert ("Hint:" in stubs) == (level != "none")
    details = sum("<details>" in "".join(c["source"])
                  for nb in sorted((target / "labs").glob("*.ipynb"))
                  for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "markdown")
    assert (details > 0) == (level == "more"), details
    if level == "more":  # a leaking second level fails the build
        copy = tmp_path / "copy"
        shutil.copytree(target, copy)
        _add_markdown(copy / "labs" / "schedules.ipynb",
                      "<details>exponent = math.floor(step / self.epochs_per_drop)</details>")
        with pytest.raises(LeakError, match="hint leak"):
            leak_check(copy)


def _add_output(path):
    nb = json.loads(path.read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi"}]
    nb["metadata"]["widgets"] = {}
    path.write_text(json.dumps(nb))


def _run(release, *command):
    """Runs `command` in the release folder in a fresh process that sees
    nothing of this repository (no PYTHONPATH)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    done = subprocess.run(command, cwd=release, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=600)
    return done.returncode, done.stdout


def test_every_command_of_the_student_copy_works_there(release):
    python = sys.executable
    for args in ([], ["check"], ["grade"]):
        code, out = _run(release, python, "-m", "autograder", *args, "--help")
        assert code == 0 and "usage: python -m autograder" in out, out
    # A real check on the starter: one line per task, none started, and the
    # exit status says so.
    code, out = _run(release, python, "-m", "autograder", "check", "schedules")
    assert code == 1 and "\nscore 0 / " in out, out[-2000:]
    assert "NotImplementedError" not in out, out[-2000:]
    from autograder.core.catalog import lab_tasks

    for task in lab_tasks("schedules"):
        assert re.search(rf"^{task}: not started, \d+ checks, \d+ points; begin with `\w+",
                         out, re.MULTILINE), out[-2000:]
    assert "Traceback" not in out, out[-2000:]
    # The student Makefile, with this suite's environment as its venv.
    venv = Path(python).parent.parent
    code, out = _run(release, "make", "help")
    assert code == 0 and "make check LAB=" in out, out
    code, out = _run(release, "make", "check", "LAB=iris_basics", f"VENV={venv}",
                     "-o", f"{venv}/.installed")
    assert code != 0 and "\nscore 0 / " in out and "Traceback" not in out, out[-2000:]
    # The instructor's tools are not there.
    code, out = _run(release, python, "-m", "instructor", "--help")
    assert code != 0 and "No module named instructor" in out, out


def test_the_student_readme_names_only_commands_that_exist(release):
    readme = (release / "README.md").read_text()
    commands = set(re.findall(r"^(make \w+|python -m \w+ \w+)", readme, re.MULTILINE))
    commands |= set(re.findall(r"`(make \w+|python -m \w+ \w+)[^`]*`", readme))
    assert commands == {"make check", "python -m autograder check"}, commands
    assert "make grade" not in readme and "make test" not in readme
    assert "instructor" not in readme.lower().replace("your instructor", "")
