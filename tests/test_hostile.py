"""Submissions that misbehave, graded in one batch beside a good one.

Each is the reference solution with one hostile change (at import, or in
one method, so that only the checks calling it may lose points), or an
unusable archive. The batch must finish, the good submission must keep full
marks, nothing outside the workers may change, and each check says what
happened. The variants that would harm the machine if the worker were not
confined (writing, deleting, signalling) run only where the sandbox level in
force confines them (see ``autograder/worker/sandbox.py``).
"""

import hashlib
import json
import os
import shutil
import socket
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from autograder import REPO
from autograder.core.grading import grade_many
from autograder.core.runner import Zygote, descendants

CALLBACKS = "callbacks.py"
EXPONENTIAL_RETURN = (
    "return float(self.initial_learning_rate * math.exp(-self.decay_rate * step))")
# Code in these bad-argument branches runs in one probe only (the class's
# `errors` check), so a hostile branch costs one check, not the whole class.
STEP_BAD_DROP = 'check_in_range("drop", drop, 0, 1)'
HIDDEN_FILES = [REPO / "instructor" / "hidden" / "schedules.py",
                REPO / "instructor" / "hidden" / "references" / "schedules.json"]


def _level():
    zygote = Zygote.get(sys.executable)
    return zygote.sandbox if zygote else "rlimits"


CONFINED = _level() in ("namespaces+uid", "namespaces")


def _copy_reference(root):
    shutil.copytree(REPO / "src" / "dlkit", root / "src" / "dlkit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _variant(tmp, name, prepend="", replace=None, file=CALLBACKS, branch=None):
    """The reference with code added at import, a text replaced, or code run
    in a bad-argument branch (`branch` = (anchor line, condition, code))."""
    root = _copy_reference(tmp / name)
    path = root / "src" / "dlkit" / file
    text = path.read_text()
    if replace:
        assert text.count(replace[0]) == 1, replace[0]
        text = text.replace(*replace)
    if branch:
        anchor, condition, code = branch
        assert text.count(anchor) == 1, anchor
        body = "\n".join("            " + line for line in code.strip().splitlines())
        text = text.replace(anchor, f"if {condition}:\n{body}\n        {anchor}")
    path.write_text(prepend + text)
    return root


def _reporting(tmp, name, attempt):
    """Runs `attempt` (code setting OUTCOME) at import; the exponential
    schedule then raises with OUTCOME, so its checks' messages show it."""
    prepend = "def _attempt():\n" + "\n".join(
        "    " + line for line in attempt.strip().splitlines()) + "\n    return OUTCOME\n\n\n"
    prepend += "_OUTCOME = _attempt()\n\n"
    return _variant(tmp, name, prepend, replace=(
        EXPONENTIAL_RETURN, 'raise RuntimeError("OUTCOME " + _OUTCOME)'))


def _tries(paths, action):
    return f"""
import os, shutil
OUTCOME = ""
for path in {[str(p) for p in paths]!r}:
    try:
        {action}
        OUTCOME += f"{{path}}: DONE; "
    except Exception as exc:
        OUTCOME += f"{{path}}: {{type(exc).__name__}}; "
"""


def _fingerprint(paths):
    """Content hashes of every file under `paths`."""
    digest = {}
    for root in paths:
        for path in sorted(Path(root).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    good = _copy_reference(tmp / "reference_again")
    other_file = good / "src" / "dlkit" / CALLBACKS
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    connections = []

    def accept():
        while listener.fileno() != -1:
            try:
                connections.append(listener.accept())
            except (TimeoutError, OSError):
                continue

    threading.Thread(target=accept, daemon=True).start()
    port = listener.getsockname()[1]

    subs = {
        # at import: the whole package is affected
        "hangs_at_import": _variant(tmp, "hangs_at_import", "while True:\n    pass\n"),
        "os_exit_at_import": _variant(tmp, "os_exit_at_import", "import os\nos._exit(3)\n"),
        "sys_exit_at_import": _variant(tmp, "sys_exit_at_import", "import sys\nsys.exit(2)\n"),
        "missing_module": _variant(tmp, "missing_module"),
        "syntax_error": _variant(tmp, "syntax_error", replace=(
            "    def schedule(self, step):\n        \"\"\"Returns the rate for epoch `step` (0-based)",
            "    def schedule(self, step)\n        \"\"\"Returns the rate for epoch `step` (0-based)")),
        "syntax_error_elsewhere": _variant(tmp, "syntax_error_elsewhere", "def broken(:\n",
                                           file="losses.py"),
        # tools the probes rely on, replaced
        "patches_numpy": _variant(tmp, "patches_numpy",
                                  "import numpy\nnumpy.mean = lambda *a, **k: 0.0\n"),
        "patches_builtins": _variant(tmp, "patches_builtins",
                                     "import builtins\nbuiltins.round = lambda *a, **k: 0\n"),
        "patches_probes": _variant(tmp, "patches_probes",
                                   "import probes\nprobes.run = lambda name, args: {}\n"),
        "imports_the_checks": _variant(tmp, "imports_the_checks", "import autograder.checks\n"),
        # in one method or branch: only its checks are affected
        "sys_exit_in_method": _variant(tmp, "sys_exit_in_method", replace=(
            "exponent = math.floor(step / self.epochs_per_drop)",
            "exponent = math.floor(step / self.epochs_per_drop); import sys; sys.exit(1)")),
        "hangs_in_method": _variant(tmp, "hangs_in_method", file=CALLBACKS, branch=(
            STEP_BAD_DROP, "drop > 1", "while True:\n    pass")),
        "sleeps_in_method": _variant(tmp, "sleeps_in_method", branch=(
            'check_non_negative("decay_rate", decay_rate)\n        ### END SOLUTION\n\n'
            '    def schedule(self, step):\n        """Returns the rate for epoch or '
            'iteration `step` as a Python float."""\n        ### BEGIN SOLUTION\n'
            '        ### HINT: exponential decay in continuous form',
            "decay_rate < 0", "import time\ntime.sleep(100_000)")),
        "segfault_in_method": _variant(tmp, "segfault_in_method", replace=(
            EXPONENTIAL_RETURN, "import ctypes; ctypes.string_at(0)")),
        "memory_blowup": _variant(tmp, "memory_blowup", branch=(
            STEP_BAD_DROP, "drop > 1",
            "hog = bytearray(8 << 30)  # fits this machine's memory, not the worker's limit")),
        "floods_output": _variant(tmp, "floods_output", replace=(
            EXPONENTIAL_RETURN, "print('x' * 300_000_000)\n        " + EXPONENTIAL_RETURN)),
        "returns_nan": _variant(tmp, "returns_nan", replace=(
            EXPONENTIAL_RETURN, "return float('nan')")),
        "returns_inf": _variant(tmp, "returns_inf", replace=(
            EXPONENTIAL_RETURN, "return float('inf')")),
        "returns_a_string": _variant(tmp, "returns_a_string", replace=(
            EXPONENTIAL_RETURN, "return '0.1'")),
        "returns_a_list": _variant(tmp, "returns_a_list", replace=(
            EXPONENTIAL_RETURN, "return [0.1, 0.1]")),
        "reads_hidden_files": _reporting(tmp, "reads_hidden_files", _tries(
            HIDDEN_FILES + [other_file], "open(path).read()")),
        # A folder submission holding a link to a hidden reference file: the
        # grader must not copy what the link points to into the worker.
        "links_to_hidden": _reporting(tmp, "links_to_hidden", """
import os
OUTCOME = ""
try:
    open(os.path.join(os.path.dirname(__file__), "leak.json")).read()
    OUTCOME += "leak.json: DONE; "
except Exception as exc:
    OUTCOME += f"leak.json: {type(exc).__name__}; "
"""),
        "opens_a_connection": _reporting(tmp, "opens_a_connection", f"""
import socket
OUTCOME = ""
for host in ("127.0.0.1", "192.0.2.1"):
    try:
        socket.create_connection((host, {port}), timeout=3).close()
        OUTCOME += f"{{host}}: CONNECTED; "
    except OSError as exc:
        OUTCOME += f"{{host}}: {{type(exc).__name__}}; "
"""),
        "edits_checks_and_notebook": _variant(tmp, "edits_checks_and_notebook", replace=(
            "exponent = math.floor(step / self.epochs_per_drop)",
            "exponent = math.floor((step + 1) / self.epochs_per_drop)")),
    }
    (subs["missing_module"] / "src" / "dlkit" / CALLBACKS).unlink()
    (subs["links_to_hidden"] / "src" / "dlkit" / "leak.json").symlink_to(HIDDEN_FILES[1])
    edited = subs["edits_checks_and_notebook"]
    (edited / "autograder" / "checks").mkdir(parents=True)
    (edited / "autograder" / "checks" / "schedules.py").write_text(
        "CHECKS = []  # every check removed\n")
    (edited / "labs").mkdir()
    (edited / "labs" / "schedules.ipynb").write_text(
        (REPO / "labs" / "schedules.ipynb").read_text().replace("check(", "print("))
    if CONFINED:  # harmful to the machine unless the worker is confined
        # (the worker's own home and /tmp are private and writable)
        targets = [REPO / "autograder" / "pwned.txt", REPO / "datasets" / "pwned.csv",
                   REPO / "src" / "dlkit" / "pwned.py", good / "src" / "dlkit" / "pwned.py"]
        subs["writes_outside"] = _reporting(tmp, "writes_outside", _tries(
            targets, "open(path, 'w').write('pwned')"))
        subs["deletes_files"] = _reporting(tmp, "deletes_files", _tries(
            [REPO / "instructor" / "hidden", REPO / "datasets", good / "src"],
            "shutil.rmtree(path)"))
        subs["kills_everyone"] = _variant(tmp, "kills_everyone", (
            "import os, signal\n"
            f"for pid in (-1, {os.getpid()}, {os.getppid()}):\n"
            "    try:\n        os.kill(pid, signal.SIGKILL)\n"
            "    except OSError:\n        pass\n"))
        subs["fork_bomb"] = _variant(tmp, "fork_bomb", branch=(
            STEP_BAD_DROP, "drop > 1",
            "import os, time\nfor _ in range(300):\n    if os.fork() == 0:\n"
            "        time.sleep(3600)\n        os._exit(0)"))
    zips = {}
    zips["empty_zip"] = tmp / "empty_zip.zip"
    zipfile.ZipFile(zips["empty_zip"], "w").close()
    zips["dotdot_zip"] = tmp / "dotdot_zip.zip"
    with zipfile.ZipFile(zips["dotdot_zip"], "w") as z:
        z.writestr("../../outside.py", "print('escaped')")
    zips["absolute_zip"] = tmp / "absolute_zip.zip"
    with zipfile.ZipFile(zips["absolute_zip"], "w") as z:
        info = zipfile.ZipInfo("x")
        info.filename = "/tmp/dlkit-absolute.py"  # ZipInfo() strips a leading slash
        z.writestr(info, "print('escaped')")
    zips["zip_bomb"] = tmp / "zip_bomb.zip"
    with zipfile.ZipFile(zips["zip_bomb"], "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("src/dlkit/big.bin", "w", force_zip64=True) as big:
            block = bytes(1 << 20)
            for _ in range(300):
                big.write(block)
    subs.update(zips)
    subs["reference_again"] = good

    protected = [REPO / "autograder", REPO / "instructor", REPO / "datasets", REPO / "src", good]
    before = _fingerprint(protected)
    # Short limits keep the hanging submissions cheap, yet leave an honest
    # check several times its usual cost (0.1 lost a save/load check to a
    # timeout on a machine loaded 8x beyond its cores). Two jobs per core:
    # the hanging ones mostly wait.
    report = grade_many(list(subs.values()), labs=["schedules"], include_hidden=False,
                        timeout_scale=0.25, jobs=2 * (os.cpu_count() or 1))
    after = _fingerprint(protected)
    listener.close()
    by_name = {s["submission"]: s for s in report["submissions"]}
    if os.environ.get("DLKIT_HOSTILE_REPORT"):  # for a look at every message
        Path(os.environ["DLKIT_HOSTILE_REPORT"]).write_text(json.dumps(by_name, indent=1))
    yield {"report": by_name, "before": before, "after": after, "tmp": tmp,
           "connections": connections,
           "leftovers": descendants(Zygote.get(sys.executable).process.pid)}


def _sub(hostile, name):
    return hostile["report"][name]


def _graded(sub):
    """The checks worth points (the given-code check reports edits, for none)."""
    return [c for c in sub["checks"] if c["max_score"] > 0]


def _lost(sub):
    return {c["id"]: c for c in _graded(sub) if c["status"] != "passed"}


def _message(sub, check_id):
    return next(c["message"] for c in sub["checks"] if c["id"] == check_id)


def test_the_batch_holds_twenty_hostile_submissions(hostile):
    assert len(hostile["report"]) - 1 >= 20 + (4 if CONFINED else 0)


def test_the_good_submission_keeps_full_marks(hostile):
    good = _sub(hostile, "reference_again")
    assert good["score"] == good["max_score"] > 0, _lost(good)


def test_nothing_outside_the_workers_changed(hostile):
    assert hostile["after"] == hostile["before"]
    assert not (hostile["tmp"].parent / "outside.py").exists()
    assert not Path("/tmp/dlkit-absolute.py").exists()


def test_every_check_has_a_status_and_a_message(hostile):
    for sub in hostile["report"].values():
        for check in sub["checks"]:
            assert check["status"] in {"passed", "failed", "error", "timeout"}
            assert check["status"] == "passed" or check["message"], (sub["submission"], check)


@pytest.mark.parametrize("name, status, words", [
    ("hangs_at_import", "error", "importing your package took more than"),
    ("os_exit_at_import", "error", "stopped while importing your package"),
    ("sys_exit_at_import", "error", "SystemExit"),
    ("missing_module", "error", "No module named 'dlkit.callbacks'"),
    ("syntax_error", "error", "SyntaxError"),
    ("patches_numpy", "error", "your code replaced numpy.mean"),
    ("patches_builtins", "error", "your code replaced builtins.round"),
    ("patches_probes", "error", "your code replaced probes.run"),
    ("imports_the_checks", "error", "No module named 'autograder'"),
])
def test_broken_at_import_scores_zero_and_says_why(hostile, name, status, words):
    sub = _sub(hostile, name)
    assert sub["score"] == 0
    graded = _graded(sub)
    assert all(c["status"] == status for c in graded), {c["status"] for c in graded}
    assert words in graded[0]["message"], graded[0]["message"]


@pytest.mark.parametrize("name, prefix, status, words", [
    ("sys_exit_in_method", "schedules.step_decay.", "error", "SystemExit"),
    ("hangs_in_method", "schedules.step_decay.errors", "timeout", "no answer within"),
    ("sleeps_in_method", "schedules.exponential.errors", "timeout", "no answer within"),
    ("segfault_in_method", "schedules.exponential", "error", "the worker running your code stopped"),
    ("memory_blowup", "schedules.step_decay.errors", "failed", "MemoryError"),
    ("floods_output", "schedules.exponential", "error", "OSError: [Errno 27] File too large"),
    ("returns_nan", "schedules.exponential", "failed", "got nan (is not finite)|loaded_rate = nan"),
    ("returns_inf", "schedules.exponential", "failed",
     "got inf (is not finite)|the loaded model's weights differ"),
    # float('0.1') is what the given code makes of it: a rate that never decays
    ("returns_a_string", "schedules.exponential", "failed", ": expected 0.0"),
    ("returns_a_list", "schedules.exponential", "error",
     "TypeError: float() argument must be a string or a real number, not 'list'"),
    ("edits_checks_and_notebook", "schedules.step_decay.", "failed", "expected"),
])
def test_a_broken_method_loses_only_its_checks(hostile, name, prefix, status, words):
    """`words`: what every lost check's message says (``|`` between alternatives)."""
    sub = _sub(hostile, name)
    lost = _lost(sub)
    assert lost and all(i.startswith(prefix) for i in lost), sorted(lost)
    assert 0 < sub["score"] < sub["max_score"]
    assert all(c["status"] == status for c in lost.values()), lost
    assert all(any(w in c["message"] for w in words.split("|")) for c in lost.values()), lost


def test_a_syntax_error_in_another_module_costs_nothing_here(hostile):
    sub = _sub(hostile, "syntax_error_elsewhere")
    assert sub["score"] == sub["max_score"], _lost(sub)


@pytest.mark.parametrize("name, words", [
    ("empty_zip", "The zip is empty"),
    ("dotdot_zip", "unsafe path"),
    ("absolute_zip", "unsafe path"),
    ("zip_bomb", "unpacks to more than"),
])
def test_unusable_zips_are_reported_not_fatal(hostile, name, words):
    sub = _sub(hostile, name)
    assert sub["score"] == 0 and all(words in c["message"] for c in sub["checks"])


@pytest.mark.skipif(not CONFINED, reason=f"the workers are not confined here ({_level()})")
@pytest.mark.parametrize("name, attempts", [
    ("reads_hidden_files", 3),
    ("writes_outside", 4),
    ("deletes_files", 3),
])
def test_confined_workers_cannot_touch_the_grader_or_others(hostile, name, attempts):
    message = _message(_sub(hostile, name), "schedules.exponential.rates")
    assert message.count("Error;") == attempts and "DONE" not in message, message


def test_links_in_a_submission_are_not_followed(hostile):
    message = _message(_sub(hostile, "links_to_hidden"), "schedules.exponential.rates")
    assert "leak.json: FileNotFoundError" in message and "DONE" not in message, message


@pytest.mark.skipif(not CONFINED, reason=f"the workers are not confined here ({_level()})")
def test_confined_workers_have_no_network(hostile):
    message = _message(_sub(hostile, "opens_a_connection"), "schedules.exponential.rates")
    assert "CONNECTED" not in message and message.count("Error;") == 2, message
    assert hostile["connections"] == []


@pytest.mark.skipif(not CONFINED, reason=f"the workers are not confined here ({_level()})")
def test_signals_and_fork_bombs_stay_inside(hostile):
    assert _sub(hostile, "kills_everyone")["score"] == _sub(hostile, "kills_everyone")["max_score"]
    bomb = _sub(hostile, "fork_bomb")
    assert set(_lost(bomb)) == {"schedules.step_decay.errors"}



def test_no_worker_outlives_the_batch(hostile):
    assert hostile["leftovers"] == []


def test_the_sandbox_level_is_reported():
    assert _level() in ("namespaces+uid", "namespaces", "rlimits")
    if os.geteuid() == 0:  # root can always confine: a weaker level is a regression
        assert _level() == "namespaces+uid"
