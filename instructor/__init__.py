"""The instructor's tools: everything that never ships to students.

Release, the nbgrader course, reference generation, hidden checks and their
references, oracles, planted bugs and mutants, and the measurements (gates,
flake, kill rate, benches). This package imports ``autograder`` (the grading
core that ships); ``autograder`` never imports it (a test keeps it so).
``python -m instructor --help`` lists the commands.
"""

from autograder import REPO

__all__ = ["REPO"]
