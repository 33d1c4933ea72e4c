import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def demo_submissions(tmp_path_factory):
    from autograder.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def demo_report(demo_submissions):
    """The demo set graded once for the whole session (hidden checks included).

    The reference and the starter are graded on every lab; a planted-bug
    submission only on its own lab (its other labs are the reference's code).
    """
    from autograder.demo import BUGS
    from autograder.grading import grade_many

    by_name = {path.name.removesuffix(".zip"): path for path in demo_submissions}
    report = grade_many([by_name["reference"], by_name["starter"]])["submissions"]
    for lab in sorted({bug.lab for bug in BUGS}):
        paths = [by_name[bug.name] for bug in BUGS if bug.lab == lab]
        report += grade_many(paths, labs=[lab])["submissions"]
    return {s["submission"]: s for s in report}
