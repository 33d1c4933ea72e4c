"""The memory and time Gradescope must allow: runs the bundle's
``run_autograder`` as Gradescope would on the reference solution (every
lab, hidden checks included, one submission, so one job) and samples the
memory of it and every process below it: the supervisor, the grader, its
zygote and the workers.

    python -m instructor.gradescope.measure [--lab LAB] [--container] [--interval 0.1]

Prints the peak of the summed resident set sizes (RSS; shared pages are
counted once per process, so it over-counts what a container is charged)
and of the summed proportional set sizes (PSS; shared pages split between
the processes sharing them), the wall time and the score.
``--container`` runs it as in a container that refuses user namespaces
(`container.py`), as Gradescope's may.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from autograder import REPO
from autograder.core.runner import descendants
from instructor.gradescope import build_bundle, container


def unpack(bundle, root):
    """Lays out `root` as Gradescope does: the zip's contents in
    ``source/``, ``run_autograder`` copied beside it, an empty
    ``submission/``; returns `root`."""
    root = Path(root)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(root / "source" / info.filename, mode)
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    return root


def _memory(pid):
    """(RSS, PSS) of one process in bytes; (0, 0) once it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    fields = {line.split(":")[0]: int(line.split()[1]) * 1024
              for line in text.splitlines()[1:] if line.endswith("kB")}
    return fields.get("Rss", 0), fields.get("Pss", 0)


def measure(labs=None, in_container=False, interval=0.1):
    """Runs the bundle on the reference solution; returns the peaks.

    Returns:
        ``{"peak_rss_mib", "peak_pss_mib", "most_processes", "seconds",
        "score", "max_score", "isolation", "labs"}``.
    """
    work = Path(tempfile.mkdtemp(prefix="dlkit-measure-"))
    try:
        root = unpack(build_bundle(work / "bundle", labs=labs), work / "root")
        shutil.copytree(REPO / "src" / "dlkit", root / "submission" / "src" / "dlkit",
                        ignore=shutil.ignore_patterns("__pycache__"))
        env = {**os.environ, "DLKIT_AUTOGRADER_ROOT": str(root),
               "DLKIT_PYTHON": sys.executable}
        command = [*(container.prefix() if in_container else []), str(root / "run_autograder")]
        started = time.monotonic()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        peak = {"rss": 0, "pss": 0, "processes": 0}

        def sample():
            while process.poll() is None:
                pids = {process.pid, *descendants(process.pid)}
                sizes = [_memory(p) for p in pids]
                peak["rss"] = max(peak["rss"], sum(s[0] for s in sizes))
                peak["pss"] = max(peak["pss"], sum(s[1] for s in sizes))
                peak["processes"] = max(peak["processes"], len(pids))
                time.sleep(interval)

        sampler = threading.Thread(target=sample)
        sampler.start()
        process.wait()
        sampler.join()
        seconds = time.monotonic() - started
        results = json.loads((root / "results" / "results.json").read_text())
        return {"peak_rss_mib": round(peak["rss"] / 2**20), "peak_pss_mib": round(peak["pss"] / 2**20),
                "most_processes": peak["processes"], "seconds": round(seconds),
                "score": sum(t["score"] for t in results["tests"]),
                "max_score": sum(t["max_score"] for t in results["tests"]),
                "isolation": results["extra_data"]["isolation"],
                "labs": results["extra_data"]["labs"]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m instructor.gradescope.measure",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--lab", action="append", help="only this lab (default: every lab)")
    parser.add_argument("--container", action="store_true",
                        help="as in a container without user namespaces (root, setpriv)")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between samples")
    args = parser.parse_args(argv)
    if args.container and not container.available():
        raise SystemExit("--container needs Linux, root and setpriv. Received: "
                         f"euid={os.geteuid()}, setpriv={shutil.which('setpriv')}")
    print(json.dumps(measure(args.lab, args.container, args.interval), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
