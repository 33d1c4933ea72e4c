import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def demo_submissions():
    from autograder.demo import build_demo

    return build_demo()


@pytest.fixture(scope="session")
def demo_report(demo_submissions):
    """The demo set graded once for the whole session (hidden checks included)."""
    from autograder.grading import grade_many

    report = grade_many(demo_submissions)
    return {s["submission"]: s for s in report["submissions"]}
