"""Solution blocks of the master copy's ``src/dlkit``, and the stubs that
replace them in a student's copy.

A solution block is the lines between a begin and an end marker comment,
with a hint line first (the concept: the idea, the API to look up, the
pitfall; never code) and optionally "more" lines (`MORE`: a second level the
release may show in the notebook). In a student's copy it becomes a
``TODO`` comment and a ``raise NotImplementedError`` naming the function and,
at hint level ``concept`` or ``more``, the hint. The
release (``instructor/``) makes the student's files with `strip_solutions`;
the grader makes the course's copy of the given code with it
(``core/given_code.py``).
"""

import re

# Spelled in two parts so that this file, which ships to students, holds no
# marker itself (the release's leak check fails on any).
BEGIN, END, HINT = "### BEGIN " + "SOLUTION", "### END " + "SOLUTION", "### " + "HINT:"
MORE = "### " + "MORE:"
# How much a stub says: nothing, the one-line concept hint, or the concept
# hint with a second level in the notebook (the stub is the same as concept).
HINT_LEVELS = ("none", "concept", "more")


def enclosing_name(lines, index):
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


def strip_solutions(text, hints="concept"):
    """Returns `text` with every solution block replaced by a stub whose
    hint is the block's hint line at level ``concept`` and ``more``, and
    none at level ``none`` (see `HINT_LEVELS`)."""
    if hints not in HINT_LEVELS:
        raise ValueError(f"hints must be one of {', '.join(HINT_LEVELS)}. Received: hints={hints!r}")
    lines = text.splitlines(keepends=True)
    out, i = [], 0
    while i < len(lines):
        if lines[i].strip() != BEGIN:
            if lines[i].strip().startswith((END, HINT, MORE)):
                raise ValueError(f"Marker outside a solution block at line {i + 1}: {lines[i]!r}")
            out.append(lines[i])
            i += 1
            continue
        start, indent = i, lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        texts = []
        i += 1
        while i < len(lines) and lines[i].strip() != END:
            if lines[i].strip().startswith(HINT):
                texts.append(lines[i].strip()[len(HINT):].strip())
            if lines[i].strip() == BEGIN:
                raise ValueError(f"Nested solution block at line {i + 1}")
            i += 1
        if i == len(lines):
            raise ValueError(f"Solution block opened at line {start + 1} is never closed")
        hint = " ".join(texts) or "see the docstring above"
        name = enclosing_name(lines, start)
        said = "" if hints == "none" else f" Hint: {hint}"
        out.append(f"{indent}# TODO: your code here.{said}\n")
        out.append(f"{indent}raise NotImplementedError({f'{name}: not implemented yet.{said}'!r})\n")
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
