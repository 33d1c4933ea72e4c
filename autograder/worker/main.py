"""Entry point of the grading worker process (see ``__init__.py``).

Usage:
    python -I main.py --src STUDENT_SRC --requests FD --responses FD
    python -I main.py --zygote FD

In ``--zygote`` mode the process imports TensorFlow and Keras once (about
4 s), runs no op and no student code, and forks one worker per request that
arrives on the control socket (file descriptors passed with SCM_RIGHTS).
Each forked worker starts in milliseconds instead of seconds.
"""

import argparse
import json
import os
import signal
import socket
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
# ``python -I`` leaves the script's folder off sys.path (3.11+): the probes,
# the protocol, the guard and the sandbox live here.
sys.path.insert(0, HERE)

import sandbox  # noqa: E402 - needs the path above
from protocol import IMPORT_PACKAGE  # noqa: E402


def _setup_paths(src):
    # Only the probes and the student's package are importable.
    sys.path[:] = [HERE, os.path.abspath(src)] + [
        p for p in sys.path if "site-packages" in p or p.endswith(".zip")
        or "lib/python" in p
    ]


def _readable(src):
    """What a confined worker sees besides the system and Python."""
    paths = [HERE, src]
    for name in ("DLKIT_DATASETS", "DLKIT_COURSE"):
        if os.environ.get(name):
            paths.append(os.environ[name])
    return paths


def _load_course():
    """Imports the course's copy of the given code (``dlkit_course``: the
    loaders and model builders the probes use) when the grader provides one,
    before any student code runs, so the guard watches it too."""
    folder = os.environ.get("DLKIT_COURSE")
    if not folder:
        return
    import importlib
    import pkgutil

    sys.path.insert(0, folder)
    try:
        package = importlib.import_module("dlkit_course")
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"dlkit_course.{module.name}")
    finally:
        sys.path.remove(folder)


def _import_framework():
    """Imports Keras and TensorFlow before any student code runs."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras
    import tensorflow  # noqa: F401

    return keras


def _configure(keras):
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    # One worker per core: the course's models are too small for a thread
    # pool to pay (its threads spin-wait), so each worker runs on one thread.
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    keras.utils.set_random_seed(0)


def _error(exc):
    tb = traceback.extract_tb(exc.__traceback__)
    # The deepest frame in student code tells them where to look.
    where = ""
    for frame in reversed(tb):
        if "/dlkit/" in frame.filename.replace(os.sep, "/"):
            where = f"{os.path.basename(frame.filename)}:{frame.lineno} in {frame.name}"
            break
    return {"type": type(exc).__name__, "message": str(exc)[:2000], "where": where}


def _import_package():
    """Imports every module of the student's package, each on its own: a
    module that fails to import costs only its own checks (their probes
    import it again and report the error), one that hangs or kills the
    process costs a restart, which the parent counts."""
    import importlib
    import pkgutil

    failed = {}
    try:
        package = importlib.import_module("dlkit")
        names = sorted(m.name for m in pkgutil.iter_modules(package.__path__))
    except BaseException as exc:  # noqa: BLE001 - SystemExit at import included
        return {"dlkit": _error(exc)["type"]}
    for name in names:
        try:
            importlib.import_module(f"dlkit.{name}")
        except BaseException as exc:  # noqa: BLE001
            failed[f"dlkit.{name}"] = _error(exc)["type"]
    return failed


def _end_strays():
    """Kills and reaps every process a probe left behind (a confined worker is
    its pid namespace's first process, so kill(-1) reaches only those): they
    would hold the worker's process limit for the checks that follow."""
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        return
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:
            continue


def serve(requests, responses, level, uid):
    import probes
    from guard import Guard, tampering_error
    from protocol import decode, encode

    keras = _import_framework()
    _configure(keras)
    _load_course()
    seed = int(os.environ.get("DLKIT_GRADER_SEED", "0"))
    guard = Guard()  # before any student code is imported
    out = os.fdopen(responses, "wb", buffering=0)
    out.write(encode({"ready": True, "sandbox": level, "uid": uid}))
    with os.fdopen(requests, "rb") as inp:
        for line in inp:
            request = decode(line)
            keras.utils.set_random_seed(seed)
            try:
                if request["probe"] == IMPORT_PACKAGE:
                    result = _import_package()
                else:
                    result = probes.run(request["probe"], request["args"])
                reply = {"id": request["id"], "ok": True, "result": result}
            except BaseException as exc:  # noqa: BLE001 - report everything, SystemExit included
                reply = {"id": request["id"], "ok": False, "error": _error(exc)}
            if level != "rlimits":
                _end_strays()
            replaced = guard.replaced()
            if replaced:
                reply = {"id": request["id"], "ok": False, "error": tampering_error(replaced)}
            sys.stdout.flush()
            sys.stderr.flush()
            out.write(encode(reply))


def zygote(control_fd):
    """Forks a worker for every request on the control socket."""
    import probes  # noqa: F401 - imported once, before any fork

    _import_framework()
    _load_course()
    level = sandbox.detect_level(os.getcwd(), _readable(os.getcwd()))
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    control = socket.socket(fileno=control_fd)
    control.sendall(json.dumps({"ready": True, "sandbox": level}).encode() + b"\n")
    while True:
        data, fds, _, _ = socket.recv_fds(control, 65536, 3)
        if not data:
            return
        request = json.loads(data)
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                requests, responses, log = fds
                sandbox.die_with_parent()
                os.setsid()
                os.dup2(log, 1)
                os.dup2(log, 2)
                os.close(log)
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                os.environ.update(request["env"])
                tempfile.tempdir = None  # the zygote's, cached; TMPDIR is the worker's home now
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                uid = sandbox.confine(level, request["home"], _readable(request["src"]))
                os.chdir(request["home"])
                _setup_paths(request["src"])
                serve(requests, responses, level, uid)
            except BaseException:  # noqa: BLE001 - the parent shows the log's tail
                traceback.print_exc()
            finally:
                os._exit(0)
        for fd in fds:
            os.close(fd)
        control.sendall(json.dumps({"pid": pid}).encode() + b"\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--src")
    parser.add_argument("--requests", type=int)
    parser.add_argument("--responses", type=int)
    parser.add_argument("--zygote", type=int)
    args = parser.parse_args()
    if args.zygote is not None:
        zygote(args.zygote)
        return
    home = os.getcwd()
    level = sandbox.detect_level(home, _readable(args.src))
    uid = sandbox.confine(level, home, _readable(args.src))
    os.chdir(home)
    _setup_paths(args.src)
    serve(args.requests, args.responses, level, uid)


if __name__ == "__main__":
    main()
