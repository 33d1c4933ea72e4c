"""The worker machinery: workers fork from the zygote, which imported
TensorFlow once. A zygote that cannot start makes grading fall back to one
full interpreter start per submission without any error, so only a test
notices."""

from autograder import REPO
from autograder.core.runner import ForkedWorker, ProbeStatus, WorkerSession


def test_workers_fork_from_the_zygote():
    session = WorkerSession(REPO / "src")
    try:
        outcome = session.call(
            "schedules.bad_arguments",
            {"cls": "StepDecay",
             "cases": [{"initial_learning_rate": -1.0, "drop": 0.5, "epochs_per_drop": 2}]},
            60.0)
        assert outcome.status is ProbeStatus.OK, outcome.error
        assert outcome.result[0]["raised"] == "ValueError"
        assert isinstance(session.process, ForkedWorker), "the zygote did not start"
    finally:
        session.close()
