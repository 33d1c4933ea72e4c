"""The grading worker: the only part of the grader that runs student code.

It is started as a script (``python -I autograder/worker/main.py``) in its own
process, with the student's ``src/`` and this folder on ``sys.path`` and
nothing else of the grader: it never sees check definitions, hidden checks or
reference outputs. It answers probe requests (JSON lines on a pipe) with the
raw values the student's code produced; the parent process compares them.
"""
