"""The student's copy of a master file: solution blocks become stubs.

In ``src/dlkit`` every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block
becomes a stub that raises ``NotImplementedError`` with the block's
``### HINT:`` text. The release, the nbgrader course and the demo starter
all make student files here.
"""

import re
import shutil
import subprocess

from autograder import REPO

BEGIN, END, HINT = "### BEGIN SOLUTION", "### END SOLUTION", "### HINT:"


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    return [f for f in out.split("\0") if f and (REPO / f).is_file()]


def _enclosing_name(lines, index):
    """``Class.method`` (or ``function``) that contains line `index`."""
    indent = len(lines[index]) - len(lines[index].lstrip())
    names = []
    for line in reversed(lines[:index]):
        stripped = line.lstrip()
        level = len(line) - len(stripped)
        match = re.match(r"(def|class)\s+(\w+)", stripped)
        if match and level < indent:
            names.append(match.group(2))
            indent = level
            if match.group(1) == "class" or level == 0:
                break
    return ".".join(reversed(names)) or "this function"


def strip_solutions(text):
    """Returns `text` with every solution block replaced by a stub."""
    lines = text.splitlines(keepends=True)
    out, i = [], 0
    while i < len(lines):
        if lines[i].strip() != BEGIN:
            if lines[i].strip().startswith((END, HINT)):
                raise ValueError(f"Marker outside a solution block at line {i + 1}: {lines[i]!r}")
            out.append(lines[i])
            i += 1
            continue
        start, indent = i, lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        hints = []
        i += 1
        while i < len(lines) and lines[i].strip() != END:
            if lines[i].strip().startswith(HINT):
                hints.append(lines[i].strip()[len(HINT):].strip())
            if lines[i].strip() == BEGIN:
                raise ValueError(f"Nested solution block at line {i + 1}")
            i += 1
        if i == len(lines):
            raise ValueError(f"Solution block opened at line {start + 1} is never closed")
        hint = " ".join(hints) or "see the docstring above"
        name = _enclosing_name(lines, start)
        out.append(f"{indent}# TODO: your code here. Hint: {hint}\n")
        out.append(f"{indent}raise NotImplementedError({f'{name}: not implemented yet. Hint: {hint}'!r})\n")
        i += 1
    return "".join(out)


def solution_lines(text):
    """Code lines inside solution blocks (what must never reach students)."""
    lines, inside = [], False
    for line in text.splitlines():
        s = line.strip()
        if s == BEGIN:
            inside = True
        elif s == END:
            inside = False
        elif inside and s and not s.startswith("#") and len(s) >= 12:
            lines.append(s)
    return lines


def copy_student_file(rel, dest):
    """Copies tracked file `rel` to `dest`, stubbing solutions in src/dlkit."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if rel.startswith("src/dlkit/") and rel.endswith(".py"):
        dest.write_text(strip_solutions((REPO / rel).read_text()))
    else:
        shutil.copy2(REPO / rel, dest)
