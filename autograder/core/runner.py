"""Runs probes in a worker process that holds the student's code.

`WorkerSession` starts ``autograder/worker/main.py`` with the student's
``src/`` on its path, sends one probe at a time and waits for the answer
with a time limit. A probe that hangs gets the worker killed (its whole
process group); a worker that dies (``os._exit``, segfault) is restarted for
the next probe, up to `max_restarts` times.
"""

import atexit
import enum
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from autograder import REPO, ROOT
from autograder.worker.protocol import IMPORT_PACKAGE, decode, encode
from autograder.worker.sandbox import copy_package

WORKER = ROOT / "worker" / "main.py"
STARTUP_TIMEOUT = 120.0
MAX_LINE = 64 * 2**20


def worker_env(home):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "KERAS_BACKEND": "tensorflow",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        # One thread each: a batch runs one worker per core.
        "TF_NUM_INTRAOP_THREADS": "1",
        "TF_NUM_INTEROP_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "CUDA_VISIBLE_DEVICES": os.environ.get("DLKIT_GRADER_GPUS", ""),
    }
    for name in ("DLKIT_DATASETS", "DLKIT_SANDBOX", "DLKIT_WORKER_MEMORY_MB", "LD_LIBRARY_PATH"):
        if name in os.environ:
            env[name] = os.environ[name]
    # A submission holds src/ only: its loaders read the course's bundled,
    # checksummed data sets (public files) from this repository.
    env.setdefault("DLKIT_DATASETS", str(REPO / "datasets"))
    course = course_folder()
    if course is not None:
        env["DLKIT_COURSE"] = str(course)
    return env


_COURSE = []  # [folder or None], made once per grader process
_COURSE_LOCK = threading.Lock()


def course_folder():
    """A folder holding ``dlkit_course``, the course's copy of the given code
    the probes rely on (``core/given_code.py``), in the instructor's copy;
    None in a student's copy."""
    with _COURSE_LOCK:
        if not _COURSE:
            from autograder.core.catalog import course_source
            from autograder.core.given_code import course_copy

            source = course_source()
            if source is None:
                _COURSE.append(None)
            else:
                folder = Path(tempfile.mkdtemp(prefix="dlkit-course-"))
                atexit.register(shutil.rmtree, folder, ignore_errors=True)
                _COURSE.append(course_copy(source, folder))
        return _COURSE[0]


class Zygote:
    """A process that imported TensorFlow once and forks workers on request.

    Shared by all grading threads of this process; `spawn` returns the pid
    of a fresh worker (its own session and process group), or None when the
    zygote is unavailable, in which case the caller starts a worker the slow
    way.
    """

    _instance = None
    _lock = threading.Lock()

    def __init__(self, python):
        self.home = Path(tempfile.mkdtemp(prefix="dlkit-zygote-"))
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.process = subprocess.Popen(
            [python, "-I", "-B", str(WORKER), "--zygote", str(theirs.fileno())],
            cwd=self.home, env=worker_env(self.home), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),), start_new_session=True,
        )
        theirs.close()
        self.control = ours
        self.control.settimeout(STARTUP_TIMEOUT)
        self.reader = self.control.makefile("rb")
        try:
            self.sandbox = json.loads(self.reader.readline())["sandbox"]
        except (ValueError, KeyError, TypeError) as exc:
            raise WorkerFailed("the zygote did not start") from exc

    @classmethod
    def get(cls, python):
        with cls._lock:
            if cls._instance is None or cls._instance.process.poll() is not None:
                try:
                    cls._instance = cls(python)
                except (TimeoutError, OSError, WorkerFailed):
                    cls._instance = None
            return cls._instance

    def spawn(self, src, home, fds, env):
        with self._lock:
            try:
                message = json.dumps({"src": str(src), "home": str(home),
                                      "env": {"HOME": str(home), "TMPDIR": str(home), **env}})
                socket.send_fds(self.control, [message.encode()], fds)
                return json.loads(self.reader.readline())["pid"]
            except (OSError, ValueError, KeyError):
                return None

    @classmethod
    def shutdown(cls):
        with cls._lock:
            if cls._instance is not None:
                cls._instance.process.kill()
                cls._instance.process.wait()
                shutil.rmtree(cls._instance.home, ignore_errors=True)
                cls._instance = None


atexit.register(Zygote.shutdown)


def isolation_level():
    """The sandbox level the workers run at (see ``worker/sandbox.py``)."""
    zygote = Zygote.get(sys.executable)
    return zygote.sandbox if zygote else "unknown (no zygote; each worker picks its own)"


class ProbeStatus(enum.Enum):
    """How one probe call ended."""

    OK = "ok"  # the probe returned a value
    ERROR = "error"  # the student's code (or the probe on it) raised
    TIMEOUT = "timeout"  # no answer within the time limit (or skipped after too many)
    CRASHED = "crashed"  # the worker died or could not start


@dataclass(frozen=True)
class ProbeOutcome:
    """What one probe call gave: a `ProbeStatus`, the probe's value (when
    OK) or an error ``{"type", "message", "where"?}`` (otherwise)."""

    status: ProbeStatus
    result: object = None
    error: dict | None = None
    seconds: float = 0.0


class _Event(enum.Enum):
    """What the worker did instead of answering."""

    TIMEOUT = "timeout"  # reading its pipe: nothing within the time limit
    CLOSED = "closed"  # reading its pipe: end of file, or an oversized line
    EXITED = "exited"  # a forked worker's poll(): gone, exit status unknown


class WorkerSession:
    """A worker process for one submission's ``src/`` folder."""

    # A worker that cannot start (or import the package) MAX_RESTARTS + 1
    # times skips the rest; so does one whose checks ran out of time
    # MAX_TIMEOUTS times. A check that kills the worker (os._exit, a
    # segfault) costs only its own result: the next check gets a new one.
    MAX_RESTARTS = 3
    MAX_TIMEOUTS = 6

    def __init__(self, src, import_timeout=60.0, seed=0):
        self.python = sys.executable
        self.import_timeout = import_timeout
        self.seed = seed
        self.restarts = 0
        self.timeouts = 0
        self.process = None
        self.sandbox = self.uid = None  # set by the worker's first message
        # <dir>/src: a private copy of the student's package (read-only to
        # the worker); <dir>/home: its working folder; <dir>/output.log.
        self.dir = Path(tempfile.mkdtemp(prefix="dlkit-worker-"))
        self.src = self.dir / "src"
        copy_package(Path(src).resolve(), self.src)
        self.home = self.dir / "home"
        self.home.mkdir()
        self.log_path = self.dir / "output.log"
        self._next_id = 0

    # -- process management -------------------------------------------------
    def _start(self):
        req_r, req_w = os.pipe()
        res_r, res_w = os.pipe()
        log = open(self.log_path, "ab")
        zygote = Zygote.get(self.python)
        extra_env = {"DLKIT_GRADER_SEED": str(self.seed)}
        pid = (zygote.spawn(self.src, self.home, [req_r, res_w, log.fileno()], extra_env)
               if zygote else None)
        if pid is not None:
            self.process = ForkedWorker(pid)
        else:
            self.process = subprocess.Popen(
                [self.python, "-I", "-B", str(WORKER), "--src", str(self.src),
                 "--requests", str(req_r), "--responses", str(res_w)],
                cwd=self.home, env={**worker_env(self.home), **extra_env},
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, pass_fds=(req_r, res_w),
                start_new_session=True,
            )
        log.close()
        os.close(req_r)
        os.close(res_w)
        self._requests = os.fdopen(req_w, "wb", buffering=0)
        self._responses = res_r
        self._buffer = b""
        message = self._read_message(STARTUP_TIMEOUT)
        if not (isinstance(message, dict) and message.get("ready")):
            reason = ("did not start in time" if message is _Event.TIMEOUT
                      else "exited while starting")
            self.kill()
            raise WorkerFailed(f"the grading worker {reason}. {self.output_tail()}")
        self.sandbox, self.uid = message.get("sandbox"), message.get("uid")
        self._requests.write(encode({"id": 0, "probe": IMPORT_PACKAGE, "args": {}}))
        message = self._read_message(self.import_timeout)
        if not isinstance(message, dict):  # a module that fails to import is no failure here
            self.kill()
            if message is _Event.TIMEOUT:
                reason = f"importing your package took more than {self.import_timeout:.0f} s"
            else:
                reason = "the worker stopped while importing your package"
            raise WorkerFailed(f"{reason} (code that runs at import: a loop, sys.exit, "
                               f"os._exit?). {self.output_tail()}")

    def kill(self):
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.uid is not None:
            kill_uid(self.uid)  # whatever left the process group (setsid, a fork bomb)
        self.process.wait()
        try:
            self._requests.close()
        except OSError:
            pass
        os.close(self._responses)
        self.process = None

    def close(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def cpu_seconds(self):
        """CPU seconds the live worker has used (`cpu_seconds`), 0.0 when
        there is none: what its probes cost, for ``make bench``."""
        return cpu_seconds(self.process.pid) if self.process is not None else 0.0

    def output_tail(self, n=400):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(max(0, self.log_path.stat().st_size - n))
                tail = f.read().decode("utf-8", "replace").strip()
        except OSError:
            return ""
        return f"Last output: ...{tail}" if tail else ""

    def _read_message(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return _Event.TIMEOUT
            ready, _, _ = select.select([self._responses], [], [], remaining)
            if not ready:
                return _Event.TIMEOUT
            chunk = os.read(self._responses, 1 << 20)
            if not chunk:
                return _Event.CLOSED
            self._buffer += chunk
            if len(self._buffer) > MAX_LINE:
                return _Event.CLOSED
        line, self._buffer = self._buffer.split(b"\n", 1)
        return decode(line)

    # -- probes --------------------------------------------------------------
    def call(self, probe, args, timeout):
        """Runs one probe; never raises for anything the student's code does."""
        if self.timeouts >= self.MAX_TIMEOUTS:
            return ProbeOutcome(ProbeStatus.TIMEOUT, error={
                "type": "Skipped",
                "message": f"not run: {self.timeouts} checks already ran past their time "
                           "limit (look for a loop that never ends or a long sleep)"})
        if self.process is None:
            if self.restarts > self.MAX_RESTARTS:
                return ProbeOutcome(ProbeStatus.CRASHED, error={
                    "type": "WorkerFailed",
                    "message": f"not run: the grader could not start your package "
                               f"{self.restarts} times"})
            try:
                self._start()
            except WorkerFailed as exc:
                self.restarts += 1
                return ProbeOutcome(ProbeStatus.CRASHED, error={"type": "WorkerFailed",
                                                                 "message": str(exc)})
        self._next_id += 1
        start = time.monotonic()
        try:
            self._requests.write(encode({"id": self._next_id, "probe": probe, "args": args}))
            message = self._read_message(timeout)
        except (BrokenPipeError, OSError):
            message = _Event.CLOSED
        seconds = time.monotonic() - start
        if message is _Event.TIMEOUT:
            self.kill()
            self.timeouts += 1
            return ProbeOutcome(ProbeStatus.TIMEOUT, seconds=seconds, error={
                "type": "Timeout", "message": f"no answer within {timeout:.0f} s"})
        if message is _Event.CLOSED:
            code = self.process.poll() if self.process else None
            self.kill()
            how = "closed its pipe"
            if code is _Event.EXITED:
                how = "exit status unknown"
            elif isinstance(code, int) and code < 0:
                how = f"killed by signal {signal.Signals(-code).name}"
            elif isinstance(code, int):
                how = f"exit status {code}"
            return ProbeOutcome(ProbeStatus.CRASHED, seconds=seconds, error={
                "type": "WorkerCrashed",
                "message": f"the worker running your code stopped ({how}). {self.output_tail()}"})
        if message.get("ok"):
            return ProbeOutcome(ProbeStatus.OK, result=message["result"], seconds=seconds)
        return ProbeOutcome(ProbeStatus.ERROR, error=message["error"], seconds=seconds)


class WorkerFailed(RuntimeError):
    pass


def descendants(ancestor):
    """Pids of the live processes below `ancestor`, from /proc (none where
    there is no /proc)."""
    parents = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {ancestor}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return sorted(found)


def cpu_seconds(pid):
    """CPU seconds (user + system, every thread) used so far by the live
    process `pid` and the processes below it, from /proc (0.0 where there
    is no /proc). Processes that have exited no longer count."""
    ticks = 0
    for each in (pid, *descendants(pid)):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK") if ticks else 0.0


def kill_uid(uid):
    """Kills every process of a worker's own uid (root only; no exec, which a
    uid at its process limit could not do)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)  # every process this uid may signal: its own
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


class ForkedWorker:
    """A worker forked by the zygote: not our child, so it is watched by pid
    (the zygote reaps it); its exit status is not known here."""

    def __init__(self, pid):
        self.pid = pid

    def poll(self):
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return _Event.EXITED
        return None

    def wait(self):
        deadline = time.monotonic() + 5
        while self.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
