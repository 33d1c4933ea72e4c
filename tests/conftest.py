import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def demo_submissions(tmp_path_factory):
    from instructor.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def demo_report(demo_submissions):
    """The demo set graded once for the whole session (hidden checks included).

    The reference and the starter are graded on every lab; a planted-bug
    submission on its own lab (its other labs are the reference's code),
    without the trained-accuracy gates it is not meant to fail: those take
    most of the time, and ``make gates`` measures how often each bug passes
    each gate over many seeds.
    """
    from concurrent.futures import ThreadPoolExecutor

    from autograder.core.catalog import load_checks, load_references
    from autograder.core.grading import grade_one
    from instructor.demo import BUGS

    by_name = {path.name.removesuffix(".zip"): path for path in demo_submissions}
    every_check = load_checks()
    references = load_references(every_check)
    jobs = [(by_name["reference"], every_check), (by_name["starter"], every_check)]
    for bug in BUGS:
        checks = [c for c in every_check if c.lab == bug.lab]
        expected = bug.expected_failures([c.id for c in checks])
        jobs.append((by_name[bug.name], [c for c in checks if not c.gate or c.id in expected]))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        reports = list(pool.map(lambda job: grade_one(job[0], job[1], references), jobs))
    return {s["submission"]: s for s in reports}
