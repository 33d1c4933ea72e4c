"""Demo submissions for ``make grade`` and the tests (instructor copy only).

- ``reference``: the master solution (must get full marks);
- ``starter``: the student release's stubs, zipped (must get zero, with
  ``NotImplementedError`` hints in the messages);
- one submission per planted bug below, each a mistake students make, with
  the checks it must lose (shell-style patterns over check ids).
"""

import fnmatch
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder import REPO
from autograder.release import strip_solutions

DEMO = REPO / "build" / "demo"


@dataclass(frozen=True)
class PlantedBug:
    name: str
    file: str  # relative to src/dlkit
    old: str
    new: str
    loses: tuple  # patterns of the check ids that must fail, and only those
    why: str

    def expected_failures(self, check_ids):
        return {i for i in check_ids if any(fnmatch.fnmatch(i, p) for p in self.loses)}


BUGS = (
    PlantedBug(
        "bug_step_decay_off_by_one", "callbacks.py",
        "exponent = math.floor(step / self.epochs_per_drop)",
        "exponent = math.floor((step + 1) / self.epochs_per_drop)",
        ("schedules.step_decay.rates", "schedules.step_decay.logs", "schedules.step_decay.fit",
         "schedules.step_decay_hidden.*"),
        "counts epochs from 1 like the lecture, so every drop comes one epoch early",
    ),
    PlantedBug(
        "bug_batch_index_not_global", "callbacks.py",
        "iteration = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))",
        "iteration = batch",
        ("schedules.inverse_time_per_batch.*", "schedules.exponential_per_batch.*",
         "schedules.cyclic.rates", "schedules.cyclic.logs", "schedules.cyclic.fit",
         "schedules.cyclic_triangular2.*", "schedules.cyclic_exp_range.*",
         "schedules.inverse_time_hidden.*", "schedules.cyclic_hidden.*",
         "schedules.cyclic_hidden_exp_range.*"),
        "uses the batch index within the epoch, which restarts at 0 every epoch",
    ),
    PlantedBug(
        "bug_no_rate_in_logs", "callbacks.py",
        'logs["learning_rate"] = _as_float(self.model.optimizer.learning_rate)',
        "pass",
        ("schedules.*.logs",),
        "never records logs['learning_rate'], so History has no learning-rate curve",
    ),
    PlantedBug(
        "bug_triangular2_scale", "callbacks.py",
        "scale = 1.0 / 2.0 ** (cycle - 1)",
        "scale = 1.0 / 2.0**cycle",
        ("schedules.cyclic_triangular2.rates", "schedules.cyclic_triangular2.logs",
         "schedules.cyclic_hidden.*"),
        "halves the amplitude from the first cycle on",
    ),
    PlantedBug(
        "bug_exponential_keras_base", "callbacks.py",
        "return float(self.initial_learning_rate * math.exp(-self.decay_rate * step))",
        "return float(self.initial_learning_rate * self.decay_rate**step)",
        ("schedules.exponential.rates", "schedules.exponential.logs",
         "schedules.exponential.fit", "schedules.exponential_per_batch.*",
         "schedules.exponential_hidden.*"),
        "uses Keras's meaning of decay_rate (a base) instead of the exponent's factor",
    ),
    PlantedBug(
        "bug_drop_not_validated", "callbacks.py",
        '        check_in_range("drop", drop, 0, 1)\n',
        "",
        ("schedules.step_decay.errors",),
        "accepts drop > 1, a schedule that grows the rate",
    ),
)


def _copy_src(dest, transform=None):
    for path in sorted((REPO / "src" / "dlkit").rglob("*.py")):
        rel = path.relative_to(REPO / "src")
        out = dest / "src" / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text()
        out.write_text(transform(rel, text) if transform else text)


def plant(bug, rel, text):
    if rel.as_posix() != f"dlkit/{bug.file}":
        return text
    if text.count(bug.old) != 1:
        raise RuntimeError(f"{bug.name}: the text to replace must occur once in {bug.file}")
    return text.replace(bug.old, bug.new)


def build_demo(target=DEMO):
    """Writes the demo submissions; returns their paths (folders and a zip)."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    paths = []
    _copy_src(target / "reference")
    paths.append(target / "reference")
    starter = target / "starter"
    _copy_src(starter, lambda rel, text: strip_solutions(text))
    with zipfile.ZipFile(target / "starter.zip", "w") as archive:
        for path in sorted(starter.rglob("*.py")):
            archive.write(path, path.relative_to(starter).as_posix())
    shutil.rmtree(starter)
    paths.append(target / "starter.zip")
    for bug in BUGS:
        _copy_src(target / bug.name, lambda rel, text, bug=bug: plant(bug, rel, text))
        paths.append(target / bug.name)
    return paths


def main():
    for path in build_demo():
        print(path.relative_to(REPO))
    return 0
