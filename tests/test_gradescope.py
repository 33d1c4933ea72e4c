"""The Gradescope bundle, run as Gradescope would: ``make gradescope``'s zip
unpacked into a simulated ``/autograder`` (``DLKIT_AUTOGRADER_ROOT``), each
upload in ``submission/``, ``run_autograder`` called once per upload. Every
results.json must follow Gradescope's published format (a JSON Schema
written from it, below) and give the scores ``python -m autograder grade``
gives the same submission.

The bundle grades one lab (schedules) with short time limits, and runs as
in a container that refuses user namespaces (``instructor/gradescope/
container.py``) where this machine can simulate one, else with
``DLKIT_SANDBOX=rlimits``: the level Gradescope's workers reach there.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jsonschema
import pytest
from packaging.requirements import Requirement

from autograder import REPO
from autograder.core.catalog import load_checks
from autograder.core.submissions import SubmissionError
from autograder.gradescope import FAILED_TEST, prepare_upload
from instructor.gradescope import build_bundle, container
from instructor.gradescope.measure import unpack
from instructor.student_copy import solution_lines, strip_solutions

LAB = "schedules"
SCALE = 0.25  # as tests/test_hostile.py: cheap hangs, honest checks keep several times their cost
SIMULATED = container.available()

# Gradescope's results.json, from its autograder specification (see
# shared/notes/gradescope.md): the keys it defines and their types; no others.
FORMATS = ["text", "html", "simple_format", "md", "ansi"]
VISIBILITIES = ["hidden", "after_due_date", "after_published", "visible"]
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "anyOf": [{"required": ["score"]}, {"required": ["tests"]}],
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": {"enum": FORMATS},
        "test_output_format": {"enum": FORMATS},
        "test_name_format": {"enum": FORMATS},
        "visibility": {"enum": VISIBILITIES},
        "stdout_visibility": {"enum": VISIBILITIES},
        "extra_data": {"type": "object"},
        "leaderboard": {"type": "array", "items": {
            "type": "object", "required": ["name", "value"], "additionalProperties": False,
            "properties": {"name": {"type": "string"}, "value": {"type": ["number", "string"]},
                           "order": {"enum": ["asc", "desc"]}}}},
        "tests": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "score": {"type": "number"}, "max_score": {"type": "number"},
                "status": {"enum": ["passed", "failed"]}, "name": {"type": "string"},
                "name_format": {"enum": FORMATS}, "number": {"type": "string"},
                "output": {"type": "string"}, "output_format": {"enum": FORMATS},
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": {"enum": VISIBILITIES}, "extra_data": {"type": "object"}}}},
    },
}
# What the issue asks of every test beyond the format.
TEST_KEYS = {"name", "number", "score", "max_score", "output", "tags", "visibility"}


def _valid(results):
    jsonschema.validate(results, SCHEMA)
    assert all(TEST_KEYS <= set(t) for t in results["tests"]), results["tests"][:1]
    return results


def _run(root, extra_env=None, simulate=SIMULATED):
    env = {**os.environ, "DLKIT_AUTOGRADER_ROOT": str(root), "DLKIT_PYTHON": sys.executable,
           **(extra_env or {})}
    if not simulate:
        env["DLKIT_SANDBOX"] = "rlimits"
    command = [*(container.prefix() if simulate else []), str(root / "run_autograder")]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    return proc, json.loads((root / "results" / "results.json").read_text())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return build_bundle(tmp_path_factory.mktemp("gradescope"), labs=[LAB], timeout_scale=SCALE)


def _zip(folder, dest, prefix=""):
    with zipfile.ZipFile(dest, "w") as archive:
        for path in sorted(folder.rglob("*.py")):
            archive.write(path, prefix + path.relative_to(folder).as_posix())
    return dest


def _uploads(tmp, demo):
    """``{name: (how it lands in submission/, the same submission for
    python -m autograder grade)}``."""
    uploads = tmp / "uploads"
    by_name = {p.name.removesuffix(".zip"): p for p in demo}
    reference, bug = by_name["reference"], by_name["bug_step_decay_off_by_one"]
    hangs = uploads / "hangs_in_method"
    shutil.copytree(reference, hangs)
    callbacks = hangs / "src" / "dlkit" / "callbacks.py"
    anchor = 'check_in_range("drop", drop, 0, 1)'
    # and prints what a results.json would hold, which must not reach it
    callbacks.write_text('print(\'{"score": 1000, "tests": []}\')\n' + callbacks.read_text().replace(
        anchor, f"if drop > 1:\n            while True:\n                pass\n        {anchor}"))
    dotdot = uploads / "dotdot.zip"
    with zipfile.ZipFile(dotdot, "w") as archive:
        archive.writestr("../../outside.py", "print('escaped')")
        archive.write(reference / "src" / "dlkit" / "callbacks.py", "src/dlkit/callbacks.py")
    return {
        # Gradescope unpacked the notebooks' submission.zip: a folder with src/dlkit
        "reference": (lambda sub: shutil.copytree(reference / "src", sub / "src"), reference),
        # a zip upload that arrives as the zip
        "starter": (lambda sub: shutil.copy2(by_name["starter"], sub), by_name["starter"]),
        # the lab's module alone (and a stray file): graded over the starter
        "bug": (lambda sub: (shutil.copy2(bug / "src" / "dlkit" / "callbacks.py", sub),
                             (sub / "notes.txt").write_text("my notes")), bug),
        # an infinite loop in one method, zipped one folder down
        "hangs": (lambda sub: _zip(hangs, sub / "submission.zip", "mywork/"), hangs),
        "dotdot": (lambda sub: shutil.copy2(dotdot, sub), dotdot),
    }


@pytest.fixture(scope="module")
def graded(bundle, demo_submissions, tmp_path_factory):
    """Every upload through run_autograder, and the same submissions through
    ``python -m autograder grade`` (its command line, in this process), side
    by side on the machine's cores."""
    from autograder import cli

    tmp = tmp_path_factory.mktemp("graded")
    uploads = _uploads(tmp, demo_submissions)
    roots = {}
    for name, (place, _) in uploads.items():
        roots[name] = unpack(bundle, tmp / name)
        place(roots[name] / "submission")
    report = tmp / "grade.json"

    def grade():
        return cli.main(["grade", *[str(same) for _, same in uploads.values()], "--lab", LAB,
                         "--timeout-scale", str(SCALE), "--json", str(report), "--no-canary"])

    with ThreadPoolExecutor(max_workers=3) as pool:
        direct = pool.submit(grade)
        runs = {name: pool.submit(_run, root) for name, root in roots.items()}
        runs = {name: future.result() for name, future in runs.items()}
        assert direct.result() == 0
    by_path = {s["submission"]: s for s in json.loads(report.read_text())["submissions"]}
    names = {name: Path(same).name.removesuffix(".zip") for name, (_, same) in uploads.items()}
    return {name: {"proc": runs[name][0], "results": runs[name][1],
                   "grade": by_path[names[name]], "root": roots[name]} for name in uploads}


def test_the_bundle_follows_gradescopes_layout_and_holds_no_solution(bundle):
    with zipfile.ZipFile(bundle) as archive:
        infos = {i.filename: i for i in archive.infolist()}
        starter = {n: archive.read(n).decode() for n in infos if n.startswith("src/")}
    for script in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(infos[script].external_attr >> 16) == 0o755
    assert {"requirements.txt", "gradescope.json", "autograder/gradescope.py",
            "instructor/__init__.py", f"instructor/hidden/{LAB}.py",
            f"instructor/hidden/references/{LAB}.json", "datasets/titanic.csv"} <= set(infos)
    sources = [p.read_text() for p in sorted((REPO / "src" / "dlkit").rglob("*.py"))]
    given = "\n".join(strip_solutions(t) for t in sources)
    forbidden = [line for t in sources for line in solution_lines(t) if line not in given]
    assert forbidden and starter
    assert not [line for line in forbidden if any(line in text for text in starter.values())]
    assert "NotImplementedError" in starter["src/dlkit/callbacks.py"]
    for script in ("setup.sh", "run_autograder"):
        subprocess.run(["bash", "-n", str(REPO / "instructor" / "gradescope" / script)],
                       check=True)


def test_the_pins_are_colabs_versions_inside_the_requirements_ranges():
    def requirements(path):
        lines = [ln.split("#")[0].strip() for ln in path.read_text().splitlines()]
        return {r.name.lower(): r for r in map(Requirement, [ln for ln in lines
                                                              if ln and not ln.startswith("-")])}

    pins = requirements(REPO / "instructor" / "gradescope" / "requirements.txt")
    ranges = requirements(REPO / "requirements.txt")
    colab = requirements(REPO / "requirements-colab.txt")
    assert set(pins) == {"tensorflow-cpu"} | set(ranges) - {"tensorflow"}
    for name, pin in pins.items():
        (version,) = [s.version for s in pin.specifier if s.operator == "=="]
        runtime = "tensorflow" if name == "tensorflow-cpu" else name
        assert ranges[runtime].specifier.contains(version), (name, version)
        if runtime in colab:
            assert colab[runtime].specifier.contains(version), (name, version)


def test_every_results_json_follows_gradescopes_format(graded):
    for name, run in graded.items():
        assert run["proc"].returncode == 0, (name, run["proc"].stderr[-2000:])
        _valid(run["results"])
        assert run["results"]["execution_time"] > 0


def test_scores_equal_the_graders_for_the_same_submission(graded):
    for name, run in graded.items():
        tests = {t["name"].split(":")[0]: t["score"] for t in run["results"]["tests"]}
        checks = {c["id"]: c["score"] for c in run["grade"]["checks"]}
        assert tests == checks, name
        assert sum(tests.values()) == run["grade"]["score"], name


def test_tests_carry_lab_task_number_and_the_visibility_policy(graded):
    results = graded["reference"]["results"]
    hidden = {c.id for c in load_checks([LAB]) if c.hidden}
    tests = results["tests"]
    assert sum(t["score"] for t in tests) == sum(t["max_score"] for t in tests) > 0
    assert len({t["number"] for t in tests}) == len(tests)
    for t in tests:
        check_id = t["name"].split(":")[0]
        assert t["tags"][0] == LAB and t["number"].startswith("5.")
        assert t["visibility"] == ("after_published" if check_id in hidden else "visible")
    assert tests[0]["tags"] == [LAB, "step_decay"] and tests[0]["number"] == "5.1.1"
    assert results["extra_data"]["isolation"] == "rlimits"
    assert "schedules: 48 / 48" in results["output"]
    assert f"{len(hidden)} hidden checks" in results["output"]


def test_each_upload_says_what_happened(graded):
    starter = graded["starter"]["results"]
    assert all(t["score"] == 0 and "NotImplementedError" in t["output"]
               for t in starter["tests"] if t["max_score"])
    assert "fix first: schedules.step_decay." in starter["output"]

    bug = graded["bug"]["results"]
    lost = {t["name"].split(":")[0] for t in bug["tests"] if t["score"] < t["max_score"]}
    assert lost and all(i.startswith("schedules.step_decay") for i in lost)
    assert "Graded the module files callbacks.py" in bug["output"]
    assert "fix first: schedules.step_decay.rates: epoch 2: expected 0.1, got 0.05" in bug[
        "output"]

    hangs = graded["hangs"]["results"]
    assert sum(t["score"] for t in hangs["tests"]) < 1000 and "score" not in hangs
    timed_out = [t for t in hangs["tests"] if t["output"].startswith("timeout")]
    assert [t["name"].split(":")[0] for t in timed_out] == ["schedules.step_decay.errors"]
    assert "Graded the package mywork/src/dlkit/" in hangs["output"]

    dotdot = graded["dotdot"]["results"]
    assert all(t["score"] == 0 and "unsafe path" in t["output"] for t in dotdot["tests"])
    assert dotdot["output"].startswith("Your upload could not be graded: The zip holds an "
                                       "unsafe path")
    assert not (graded["dotdot"]["root"].parent / "outside.py").exists()


def _fresh_root(bundle, tmp_path, **config):
    root = unpack(bundle, tmp_path / "root")
    shutil.copytree(REPO / "src" / "dlkit", root / "submission" / "src" / "dlkit")
    path = root / "source" / "gradescope.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **config}))
    return root


def test_a_grader_stopped_at_the_deadline_still_writes_results(bundle, tmp_path):
    proc, results = _run(_fresh_root(bundle, tmp_path, deadline_seconds=1), simulate=False)
    assert proc.returncode == 0
    _valid(results)
    failed = [t for t in results["tests"] if t["name"] == FAILED_TEST]
    assert len(failed) == 1 and "deadline of 1 s" in failed[0]["output"]
    assert results["output"].startswith("The autograder did not finish")
    graded = [t for t in results["tests"] if t["name"] != FAILED_TEST]
    assert graded and all(t["score"] == 0 and "not graded" in t["output"] for t in graded)


def test_a_grader_that_fails_still_writes_results(bundle, tmp_path):
    proc, results = _run(_fresh_root(bundle, tmp_path, labs=["nolab"]), simulate=False)
    assert proc.returncode == 0
    failed = [t for t in _valid(results)["tests"] if t["name"] == FAILED_TEST]
    assert "exit status 1" in failed[0]["output"] and "Unknown lab" in failed[0]["output"]
    shutil.rmtree(tmp_path / "root" / "results")
    proc, results = _run(tmp_path / "root", {"DLKIT_PYTHON": str(tmp_path / "no-python")},
                         simulate=False)
    assert proc.returncode == 0
    assert [t["name"] for t in _valid(results)["tests"]] == [FAILED_TEST]
    assert "exited with status 127" in results["tests"][0]["output"]


def _files(root, files):
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_uploads_are_laid_out_over_the_starter(tmp_path):
    starter = _files(tmp_path / "starter", {"callbacks.py": "STUB", "data.py": "GIVEN",
                                            "__init__.py": ""})
    loose = _files(tmp_path / "loose", {"callbacks.py": "MINE", "notes.txt": "x",
                                        "helper.py": "NOT A MODULE OF THE PACKAGE"})
    dest, notes = prepare_upload(loose, tmp_path / "a", starter)
    package = dest / "src" / "dlkit"
    assert sorted(p.name for p in package.iterdir()) == ["__init__.py", "callbacks.py", "data.py"]
    assert (package / "callbacks.py").read_text() == "MINE"
    assert (package / "data.py").read_text() == "GIVEN"
    assert "callbacks.py" in notes[0]

    folder = _files(tmp_path / "folder", {"work/dlkit/callbacks.py": "MINE"})
    (folder / "work" / "dlkit" / "data.py").symlink_to("/etc/hostname")  # never followed
    dest, notes = prepare_upload(folder, tmp_path / "b", starter)
    assert (dest / "src" / "dlkit" / "data.py").read_text() == "GIVEN"
    assert "work/dlkit/" in notes[0] and "data.py" in notes[1]

    zipped = tmp_path / "zipped"
    zipped.mkdir()
    with zipfile.ZipFile(zipped / "anything.zip", "w") as archive:
        archive.writestr("callbacks.py", "MINE")
    dest, notes = prepare_upload(zipped, tmp_path / "c", starter)
    assert (dest / "src" / "dlkit" / "callbacks.py").read_text() == "MINE"

    (zipped / "second.zip").write_bytes((zipped / "anything.zip").read_bytes())
    with pytest.raises(SubmissionError, match="several zip files.*Received"):
        prepare_upload(zipped, tmp_path / "d", starter)
    with pytest.raises(SubmissionError, match=r"no dlkit module.*Received: .*\['notes.txt'\]"):
        prepare_upload(_files(tmp_path / "none", {"notes.txt": "x"}), tmp_path / "e", starter)
