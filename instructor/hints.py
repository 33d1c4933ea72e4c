"""How much solution code the hints give away: the project's hint-leak measure.

A hint teaches when it names the idea, the API to look up and the pitfall;
it hands out the code when it shares a run of `LIMIT` or more consecutive
code tokens with its solution block (``lr0 / (1 + decay_rate * step)``,
``np.where(x > 0, x, alpha * x)``). A dotted name (``keras.ops.where``,
``self.iterations``) counts as one token, and ``self.`` is dropped, so
naming an API is guidance, not code.

For every solution block the measure takes the longest run its code shares
with the student-facing text at a hint level (`LEVELS`):

- ``none``: no hint; the lab notebooks' markdown only;
- ``concept``: the block's ``### HINT:`` line (the stub's one line), and the
  notebooks' markdown;
- ``more``: the same, plus every block's ``### MORE:`` lines (the second
  level, shown in the release notebooks in a collapsed ``<details>``).

On the master copy (`measure`) the notebooks are ``labs/*.ipynb``; on a
student release (`release_leaks`) they are what was released: the stubs'
``TODO`` lines and the released notebooks' markdown, cells added by the
``more`` level included. Counting agrees with the course's stand-alone tool
(``shared/tools/hint_leak.py``) at level ``concept``; a test compares the
two when that tool is present.

``python -m instructor.hints [--level LEVEL] [-v]`` prints the count per lab.
"""

import io
import json
import re
import tokenize
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from autograder import REPO
from autograder.core.solution_blocks import BEGIN, END, HINT, MORE, enclosing_name

LIMIT = 5  # consecutive shared code tokens that count as handing out code
LEVELS = ("none", "concept", "more")
DEFAULT_LEVEL = "concept"
_SKIP = {"NEWLINE", "NL", "INDENT", "DEDENT", "COMMENT", "ENDMARKER", "STRING"}
TODO = "# TODO: your code here."


def tokens(text):
    """Code tokens of `text` (prose with code in it), dotted names joined
    and ``self.`` dropped."""
    text = re.sub(r"\s*\.\s*(?=[A-Za-z_])", ".", text)
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tokenize.tok_name[tok.type] not in _SKIP:
                out.append(tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        out = re.findall(r"[A-Za-z_][A-Za-z_0-9]*|\d+\.?\d*|\*\*|[-+*/%<>=!]=?|[()\[\],.:]", text)
    merged = []
    for t in out:  # re-join dotted names the tokenizer split
        if merged and (t.startswith(".") and t != "." or merged[-1].endswith(".")) \
                and t.replace(".", "").isidentifier():
            merged[-1] += t
        elif t == "." and merged and merged[-1].isidentifier():
            merged[-1] += t
        else:
            merged.append(t)
    return [re.sub(r"^self\.", "", t) for t in merged if t != "self"]


@cache
def prose_tokens(text):
    """Tokens of student-facing prose: backticks are only emphasis."""
    return tuple(tokens(text.replace("`", " ")))


def longest_common_run(a, b):
    """Length of the longest run of consecutive tokens `a` and `b` share
    (dynamic programming over the matching positions only)."""
    where = {}
    for j, y in enumerate(b):
        where.setdefault(y, []).append(j)
    best, prev = 0, {}
    for x in a:
        cur = {j: prev.get(j - 1, 0) + 1 for j in where.get(x, ())}
        if cur:
            best = max(best, max(cur.values()))
        prev = cur
    return best


@dataclass(frozen=True)
class Block:
    """One solution block: where it is, its hints and its code."""

    file: str  # module file name, e.g. "callbacks.py"
    line: int  # 1-based line of its begin marker
    name: str  # ``Class.method`` or ``function`` that holds it
    hint: str  # the ``### HINT:`` text (one line in the stub)
    more: str  # the ``### MORE:`` text (the notebook's second level), "" if none
    code: str  # its code lines, stripped, comments left out


def blocks_of(text, file=""):
    """The solution blocks of one module's source `text`."""
    lines = text.splitlines()
    found, i = [], 0
    while i < len(lines):
        if lines[i].strip() == BEGIN:
            hint, more, code, j = [], [], [], i + 1
            while j < len(lines) and lines[j].strip() != END:
                s = lines[j].strip()
                if s.startswith(HINT):
                    hint.append(s[len(HINT):].strip())
                elif s.startswith(MORE):
                    more.append(s[len(MORE):].strip())
                elif s and not s.startswith("#"):
                    code.append(s)
                j += 1
            found.append(Block(file, i + 1, enclosing_name(lines, i), " ".join(hint),
                               " ".join(more), "\n".join(code)))
            i = j
        i += 1
    return found


def source_blocks(src=REPO / "src" / "dlkit", files=None):
    """Every solution block of the modules in `src` (only `files` if given)."""
    out = []
    for path in sorted(Path(src).glob("*.py")):
        if files is None or path.name in files:
            out += blocks_of(path.read_text(), path.name)
    return out


def notebook_markdown(paths):
    """``[(notebook name, markdown text)]`` of the notebooks at `paths`."""
    texts = []
    for path in sorted(Path(p) for p in paths):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "markdown":
                texts.append((path.name, "".join(cell["source"])))
    return texts


@dataclass(frozen=True)
class Leak:
    block: Block
    where: str  # "hint", "more" or a notebook's name
    run: int  # shared consecutive code tokens

    def __str__(self):
        return (f"{self.block.file}:{self.block.line} {self.block.name}: {self.where} shares "
                f"{self.run} consecutive code tokens with the solution")


def block_leaks(block, hint_text, texts):
    """The leaks of one block: its stub hint text and `texts`
    (``[(where, text)]``), each at least `LIMIT` tokens shared."""
    code = tokens(block.code)
    leaks = []
    for where, text in [("hint", hint_text), *texts]:
        run = longest_common_run(prose_tokens(text), code)
        if run >= LIMIT:
            leaks.append(Leak(block, where, run))
    return leaks


def stub_hint(block, level):
    """The hint text a stub shows at `level`."""
    check_level(level)
    return "" if level == "none" else block.hint


def more_texts(blocks, level):
    """The second-level hints the notebooks show at `level`."""
    return [("more", b.more) for b in blocks if b.more] if level == "more" else []


def measure(root=REPO, level=DEFAULT_LEVEL):
    """Leaks of the master copy at `root` at hint `level`.

    Returns:
        ``(blocks, leaks)``: every solution block, and one `Leak` per block
        and place where it leaks.
    """
    blocks = source_blocks(Path(root) / "src" / "dlkit")
    texts = notebook_markdown(sorted((Path(root) / "labs").glob("*.ipynb")))
    texts += more_texts(blocks, level)
    leaks = []
    for block in blocks:
        leaks += block_leaks(block, stub_hint(block, level), texts)
    return blocks, leaks


def stub_hints(text):
    """The hint of every stub in a student's module, in order ("" for none)."""
    hints = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith(TODO):
            hints.append(s[len(TODO):].strip().removeprefix("Hint:").strip())
    return hints


def release_leaks(release, master=REPO):
    """Leaks of a student release: each master block against its stub's
    hint (the stubs keep the blocks' order) and the released notebooks'
    markdown. A stub missing from a module counts as a leak (the solution
    may have shipped)."""
    release, leaks = Path(release), []
    texts = notebook_markdown(sorted((release / "labs").glob("*.ipynb")))
    for path in sorted((Path(master) / "src" / "dlkit").glob("*.py")):
        blocks = blocks_of(path.read_text(), path.name)
        shipped = release / "src" / "dlkit" / path.name
        hints = stub_hints(shipped.read_text()) if shipped.is_file() else []
        for k, block in enumerate(blocks):
            if k >= len(hints):
                leaks.append(Leak(block, "missing stub", 0))
                continue
            leaks += block_leaks(block, hints[k], texts)
    return leaks


def check_level(level):
    if level not in LEVELS:
        raise ValueError(f"hints must be one of {', '.join(LEVELS)}. Received: hints={level!r}")
    return level


def per_lab(blocks, leaks):
    """``{lab: (leaking blocks, blocks)}`` over the course's labs (`lab_of`)."""
    leaking = {(leak.block.file, leak.block.line) for leak in leaks}
    counts = {}
    for block in blocks:
        for lab in labs_of(block):
            n, m = counts.get(lab, (0, 0))
            counts[lab] = (n + ((block.file, block.line) in leaking), m + 1)
    from autograder.core.catalog import LABS

    return {lab: counts.get(lab, (0, 0)) for lab in LABS}


def labs_of(block, root=REPO):
    """The labs a block is written in: those whose ``MODULES`` hold its
    file; where several do (``callbacks.py``), those whose notebook names
    the block's class or function (all of them if none does)."""
    import importlib

    from autograder.core.catalog import LABS

    labs = [lab for lab in LABS
            if block.file in importlib.import_module(f"autograder.checks.{lab}").MODULES]
    if len(labs) > 1:
        top = block.name.split(".")[0]
        named = [lab for lab in labs if f"`{top}" in _notebook_text(Path(root), lab)]
        labs = named or labs
    return labs


def _notebook_text(root, lab):
    path = root / "labs" / f"{lab}.ipynb"
    return path.read_text() if path.is_file() else ""


# -- the second level in the release notebooks (hint level ``more``) ---------------

CHECK_CALL = re.compile(r"""check\(\s*["'](\w+)["']\s*,\s*["'](\w+)["']""")


def task_sections(cells, lab):
    """``[(task, index of its check cell, markdown of its section)]``: a
    task's section is the cells after the previous check cell up to its own."""
    sections, start = [], 0
    for k, cell in enumerate(cells):
        found = CHECK_CALL.search(cell["source"] if isinstance(cell["source"], str)
                                  else "".join(cell["source"]))
        if cell["cell_type"] == "code" and found and found.group(1) == lab:
            text = "".join("".join(c["source"]) for c in cells[start:k]
                           if c["cell_type"] == "markdown")
            sections.append((found.group(2), k, text))
            start = k + 1
    return sections


def task_of_block(block, sections):
    """The task whose section names the block's class or function (in
    backticks); None if none does."""
    top = block.name.split(".")[0]
    for task, _, text in sections:
        if re.search(rf"`{re.escape(top)}\b", text):
            return task
    return None


def more_cell(blocks):
    """The markdown of one ``<details>`` cell holding `blocks`' second level."""
    items = "\n".join(f"<li><code>{b.name}</code>: {_html(b.more)}</li>" for b in blocks)
    return ("<details>\n<summary><b>More hints</b> (open only when stuck)</summary>\n\n"
            f"<ul>\n{items}\n</ul>\n</details>")


def _html(text):
    import html

    return html.escape(text, quote=False)


def add_more_hints(path, lab, blocks=None):
    """Adds a folded ``<details>`` cell with the second-level hints of
    `lab`'s blocks before each task's check cell of notebook `path`.

    Returns:
        The blocks with a second level that no task's section names (they
        go in one cell before the first check cell), for the caller to know.
    """
    blocks = source_blocks() if blocks is None else blocks
    nb = json.loads(Path(path).read_text())
    sections = task_sections(nb["cells"], lab)
    if not sections:
        return []
    mine = [b for b in blocks if b.more and lab in labs_of(b)]
    by_task, unplaced = {}, []
    for block in mine:
        task = task_of_block(block, sections)
        if task is None:
            unplaced.append(block)
        else:
            by_task.setdefault(task, []).append(block)
    if unplaced:
        by_task.setdefault(sections[0][0], []).extend(unplaced)
    for task, index, _ in reversed(sections):
        if task in by_task:
            nb["cells"].insert(index, {"cell_type": "markdown", "id": f"more-hints-{task}",
                                       "metadata": {}, "source": more_cell(by_task[task])})
    Path(path).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return unplaced


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(prog="python -m instructor.hints", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--level", choices=LEVELS, action="append")
    parser.add_argument("-v", action="store_true", help="one line per leak")
    args = parser.parse_args(argv)
    worst = 0
    for level in args.level or LEVELS:
        blocks, leaks = measure(level=level)
        if args.v:
            for leak in leaks:
                print(f"  [{level}] {leak}")
        counts = per_lab(blocks, leaks)
        leaking = len({(b.block.file, b.block.line) for b in leaks})
        worst = max(worst, leaking)
        print(f"hints={level}: {leaking} of {len(blocks)} solution blocks leak; per lab: "
              + ", ".join(f"{lab} {n}/{m}" for lab, (n, m) in counts.items()))
    return 1 if worst else 0


if __name__ == "__main__":
    raise SystemExit(main())
