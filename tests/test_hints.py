"""Hints teach without the code: the hint-leak measure (instructor/hints.py)
is 0 for every solution block of every lab at every hint level."""

import json
import re
import shutil
import subprocess
import sys

import pytest

from autograder import REPO
from autograder.core.catalog import LABS
from autograder.core.solution_blocks import HINT, MORE, strip_solutions
from instructor import hints

# The course's stand-alone measure, kept beside the repository (shared/).
SHARED_TOOL = REPO.parent / "shared" / "tools" / "hint_leak.py"


def _leaking(leaks):
    return sorted({f"{leak.block.file}:{leak.block.line} {leak.block.name} ({leak.where})"
                   for leak in leaks})


@pytest.mark.parametrize("level", hints.LEVELS)
def test_no_block_of_any_lab_leaks_at_any_level(level):
    blocks, leaks = hints.measure(REPO, level)
    in_labs = [b for b in blocks if hints.labs_of(b)]
    assert {lab for b in in_labs for lab in hints.labs_of(b)} == set(LABS)
    assert _leaking(leak for leak in leaks if leak.block in in_labs) == []


def test_every_lab_block_has_a_hint_and_the_more_level_says_more():
    blocks = [b for b in hints.source_blocks() if hints.labs_of(b)]
    assert all(b.hint for b in blocks), [b.name for b in blocks if not b.hint]
    assert all(b.more != b.hint for b in blocks if b.more)
    assert sum(bool(b.more) for b in blocks) >= len(LABS)


def _copy_tree(tmp_path):
    root = tmp_path / "tree"
    shutil.copytree(REPO / "src" / "dlkit", root / "src" / "dlkit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "labs", root / "labs")
    return root


def _plant(path, hint=None, more=None, nth=0):
    """Gives the `nth` solution block of module `path` a hint (and a more
    line) made of its own code."""
    text = path.read_text()
    block = hints.blocks_of(text)[nth]
    code = " ".join(block.code.splitlines())
    lines = text.splitlines(keepends=True)
    indent = re.match(r"\s*", lines[block.line]).group()
    new = []
    if hint:
        new.append(f"{indent}{HINT} {hint.format(code=code)}\n")
    if more:
        new.append(f"{indent}{MORE} {more.format(code=code)}\n")
    lines[block.line:block.line] = new
    path.write_text("".join(lines))
    return block


@pytest.mark.parametrize("where,levels", [
    ("hint", {"concept", "more"}),
    ("more", {"more"}),
    ("markdown", {"none", "concept", "more"}),
])
def test_a_planted_leak_is_caught_at_the_levels_that_show_it(tmp_path, where, levels):
    root = _copy_tree(tmp_path)
    module = root / "src" / "dlkit" / "callbacks.py"
    if where == "markdown":
        block = hints.blocks_of(module.read_text())[0]
        nb_path = root / "labs" / "schedules.ipynb"
        nb = json.loads(nb_path.read_text())
        nb["cells"].append({"cell_type": "markdown", "metadata": {},
                            "source": f"Write it as `{' '.join(block.code.splitlines())}`."})
        nb_path.write_text(json.dumps(nb))
    else:
        block = _plant(module, **{where: "copy this: {code}"})
    for level in hints.LEVELS:
        _, leaks = hints.measure(root, level)
        found = {leak.block.name for leak in leaks}
        assert (block.name in found) == (level in levels), (level, _leaking(leaks))


@pytest.mark.skipif(not SHARED_TOOL.is_file(), reason="shared/tools/hint_leak.py not beside the repo")
def test_the_measure_counts_as_the_course_tool_does(tmp_path):
    root = _copy_tree(tmp_path)
    for module, nth in (("activations.py", 2), ("callbacks.py", 4), ("losses.py", 0),
                        ("optimizers.py", 1)):
        _plant(root / "src" / "dlkit" / module, hint="{code}", nth=nth)
    done = subprocess.run([sys.executable, str(SHARED_TOOL), str(root)],
                          stdout=subprocess.PIPE, text=True)
    theirs = int(re.search(r"hints: (\d+) of (\d+)", done.stdout).group(1))
    _, leaks = hints.measure(root, "concept")
    ours = len({(leak.block.file, leak.block.line) for leak in leaks})
    assert ours == theirs == 4, done.stdout


def test_stubs_at_each_level():
    sample = ('def f(x):\n    """Doc."""\n    ### BEGIN SOLUTION\n    ### HINT: the idea.\n'
              '    ### MORE: the detail.\n    return 2 * x\n    ### END SOLUTION\n')
    none, concept, more = (strip_solutions(sample, level) for level in hints.LEVELS)
    assert "Hint" not in none and "f: not implemented yet." in none
    assert concept == more and "Hint: the idea." in concept
    assert "the detail" not in concept and "return 2" not in concept
    with pytest.raises(ValueError, match="Received: hints='all'"):
        strip_solutions(sample, "all")


def test_more_hints_go_beside_the_task_that_names_them(tmp_path):
    path = tmp_path / "schedules.ipynb"
    shutil.copy(REPO / "labs" / "schedules.ipynb", path)
    before = json.loads(path.read_text())["cells"]
    unplaced = hints.add_more_hints(path, "schedules")
    cells = json.loads(path.read_text())["cells"]
    added = [k for k, c in enumerate(cells) if c["cell_type"] == "markdown"
             and "".join(c["source"]).startswith("<details>")]
    assert added and len(cells) == len(before) + len(added)
    for k in added:  # each right before a check cell of the lab
        assert 'check("schedules"' in "".join(cells[k + 1]["source"])
    text = "".join("".join(cells[k]["source"]) for k in added)
    for block in hints.source_blocks():
        if block.more and "schedules" in hints.labs_of(block):
            assert block.name in text
    assert all(hints.labs_of(b) for b in unplaced)
