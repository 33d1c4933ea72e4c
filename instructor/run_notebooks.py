"""``make notebooks``: runs every lab notebook top to bottom in a fresh
kernel, headless, on this repository's ``src/`` (the reference solution)."""

import os
import time

from autograder import REPO


def execute(path, epochs=2, timeout=900):
    """Executes one notebook in a fresh kernel; returns the executed notebook."""
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    env = {"DLKIT_EPOCHS": str(epochs), "TF_CPP_MIN_LOG_LEVEL": "3", "MPLBACKEND": "Agg"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                         resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


def execute_all(epochs=2):
    failures = 0
    for path in sorted((REPO / "labs").glob("*.ipynb")):
        start = time.monotonic()
        try:
            execute(path, epochs)
            print(f"ok      {path.relative_to(REPO)} ({time.monotonic() - start:.0f} s)")
        except Exception as exc:  # noqa: BLE001 - report every notebook
            failures += 1
            print(f"FAILED  {path.relative_to(REPO)}: {type(exc).__name__}: {str(exc)[-1500:]}")
        finally:
            (REPO / "submission.zip").unlink(missing_ok=True)
    return 1 if failures else 0
