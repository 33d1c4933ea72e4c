"""Entry point of the grading worker process (see ``__init__.py``).

Usage: python -I main.py --src STUDENT_SRC --requests FD --responses FD
"""

import argparse
import os
import sys
import traceback


def _setup_paths(src):
    here = os.path.dirname(os.path.abspath(__file__))
    # Only the probes and the student's package are importable.
    sys.path[:] = [here, os.path.abspath(src)] + [
        p for p in sys.path if "site-packages" in p or p.endswith(".zip")
        or "lib/python" in p
    ]


def _import_framework():
    """Imports and configures Keras before any student code runs."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(0)
    return keras


def _error(exc):
    tb = traceback.extract_tb(exc.__traceback__)
    # The deepest frame in student code tells them where to look.
    where = ""
    for frame in reversed(tb):
        if "/dlkit/" in frame.filename.replace(os.sep, "/"):
            where = f"{os.path.basename(frame.filename)}:{frame.lineno} in {frame.name}"
            break
    return {"type": type(exc).__name__, "message": str(exc)[:2000], "where": where}


def serve(requests, responses):
    from protocol import decode, encode

    import probes

    keras = _import_framework()
    out = os.fdopen(responses, "wb", buffering=0)
    out.write(encode({"ready": True}))
    with os.fdopen(requests, "rb") as inp:
        for line in inp:
            request = decode(line)
            keras.utils.set_random_seed(0)
            try:
                result = probes.run(request["probe"], request["args"])
                reply = {"id": request["id"], "ok": True, "result": result}
            except BaseException as exc:  # noqa: BLE001 - report everything, SystemExit included
                reply = {"id": request["id"], "ok": False, "error": _error(exc)}
            sys.stdout.flush()
            sys.stderr.flush()
            out.write(encode(reply))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", required=True)
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--responses", type=int, required=True)
    args = parser.parse_args()
    _setup_paths(args.src)
    serve(args.requests, args.responses)


if __name__ == "__main__":
    main()
