"""Helpers the lab notebooks call: setup, the visible checks, the submission.

These run in the student's own kernel (Colab or local Jupyter) on the public
checks only. Grading never trusts them: the grader re-runs every check,
public and hidden, in its own worker process.
"""

import contextlib
import importlib
import math
import os
import sys
import types
import zipfile
from pathlib import Path

from autograder import REPO

GRADING = os.environ.get("DLKIT_GRADING") == "1"


def _install_imp_shim():
    # IPython 7.34 (Colab) autoreload imports `imp`, removed in Python 3.12.
    if sys.version_info >= (3, 12) and "imp" not in sys.modules:
        shim = types.ModuleType("imp")
        shim.reload = importlib.reload
        sys.modules["imp"] = shim


# TensorFlow's C++ logging, read once when it loads: 3 keeps its start-up
# lines (oneDNN, CPU features, cuInit, NodeDef warnings) out of the notebook.
QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "3", "GRPC_VERBOSITY": "ERROR",
                    "GLOG_minloglevel": "3"}


@contextlib.contextmanager
def _stderr_silenced():
    """The process's stderr (file descriptor 2) goes to /dev/null: the
    lines TensorFlow writes before its logging starts (``cudart_stub``,
    "All log messages before absl::InitializeLog()") ignore the variables
    above. Python errors still reach the notebook (as exceptions)."""
    try:
        saved = os.dup(2)
    except OSError:  # no file descriptor 2 (some embedded kernels)
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def quiet_tensorflow():
    """Loads TensorFlow and Keras without their start-up lines: sets
    `QUIET_TENSORFLOW` (unless already set) before TensorFlow loads and
    silences stderr while it does. Safe to re-run."""
    for name, value in QUIET_TENSORFLOW.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if "tensorflow" not in sys.modules:
        with _stderr_silenced():
            import keras  # noqa: F401 - loaded here, quietly
            import tensorflow  # noqa: F401
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")


def setup(seed=0):
    """Seeds, determinism and autoreload for a lab notebook, with TensorFlow
    loaded quietly (`quiet_tensorflow`). Safe to re-run."""
    quiet_tensorflow()
    try:
        ip = get_ipython()  # noqa: F821 - defined inside IPython
    except NameError:
        ip = None
    if ip is not None:
        _install_imp_shim()
        try:
            ip.run_line_magic("load_ext", "autoreload")
            ip.run_line_magic("autoreload", "2")
        except Exception as exc:  # noqa: BLE001 - autoreload is a convenience
            print(f"autoreload unavailable ({exc}); restart the kernel after editing src/.")
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    print(f"dlkit ready: repo {REPO}, keras {keras.__version__}, tensorflow {tf.__version__}, "
          f"GPU: {bool(tf.config.list_physical_devices('GPU'))}")


def _reload_student_modules():
    for name in sorted(n for n in sys.modules if n == "dlkit" or n.startswith("dlkit.")):
        try:
            importlib.reload(sys.modules[name])
        except Exception:  # noqa: BLE001 - the check will report the import error
            pass


def _in_kernel(probe, args, timeout):
    """Runs a probe here, in the student's kernel (no worker, no time limit:
    the student can interrupt a cell)."""
    from autograder.core.runner import ProbeOutcome, ProbeStatus
    from autograder.worker import probes

    try:
        return ProbeOutcome(ProbeStatus.OK, result=probes.run(probe, args))
    except Exception as exc:  # noqa: BLE001 - shown to the student
        return ProbeOutcome(ProbeStatus.ERROR,
                            error={"type": type(exc).__name__, "message": str(exc)})


def check(lab, task=None, *, quiet=False):
    """Runs the public checks of `lab` (only those of `task` if given).

    Prints the failing checks first (what differs), then one line per task
    (a task not started yet is that one line, with where to begin), and
    draws expected against got for every failing check whose outputs are
    sequences (rates, trajectories, training curves). Raises
    ``AssertionError`` if any check fails, so a notebook run stops there.

    Returns:
        ``(score, max_score)``.
    """
    from autograder.core.catalog import course_source, load_checks, load_references
    from autograder.core.evaluate import evaluate
    from autograder.core.given_code import with_grader_probes
    from autograder.reports import check_lines

    _reload_student_modules()
    checks = [c for c in load_checks([lab], include_hidden=False)
              if task is None or c.task == task]
    if not checks:
        raise ValueError(f"No public checks for this task. Received: lab={lab!r}, task={task!r}")
    call = with_grader_probes(_in_kernel, REPO / "src", course_source())
    results = evaluate(checks, load_references(checks), call)
    rows = [r.as_dict() for r in results]
    score = sum(r.score for r in results)
    total = sum(c.points for c in checks)
    if quiet:
        print(f"{task or lab}: {score:g} / {total:g} points")
    else:
        for line in check_lines(rows):
            print(line)
        if task is None:
            print(f"{lab}: {score:g} / {total:g} points")
        show_plots(rows)
    failed = [r.check.id for r in results if not r.passed]
    if failed:
        raise AssertionError(f"{len(failed)} of {len(results)} checks failed (listed above)")
    return score, total


def show_plots(rows):
    """Draws expected against got (inline) for each failing check whose
    report row has sequences (``plot``, see `evaluate.plot_series`).

    Returns:
        The figures drawn.
    """
    from autograder.reports import plot_figure

    figures = [plot_figure(r["plot"], title=f"{r['id']}: expected vs got", dpi=90)
               for r in rows if r.get("plot")]
    try:
        from IPython.display import display
    except ImportError:
        return figures
    if _in_ipython():
        for fig in figures:
            display(fig)
    return figures


def _in_ipython():
    try:
        get_ipython()  # noqa: F821 - defined inside IPython
    except NameError:
        return False
    return True


def task_points(lab, root=REPO):
    """Prints each task of `lab` with its points, computed, never typed: the
    grader's total (the points of the lab notebook's graded cells, which a
    test keeps equal to the points of the task's public and hidden checks)
    and the public checks' share (what the check cells run).

    Returns:
        ``{task: (public points, total points)}``.
    """
    import json

    from autograder.core.catalog import lab_tasks, load_checks

    public = {}
    for c in load_checks([lab], include_hidden=False):
        public[c.task] = public.get(c.task, 0) + c.points
    path = Path(root) / "labs" / f"{lab}.ipynb"
    graded = {}
    if path.is_file():
        for cell in json.loads(path.read_text())["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and meta.get("grade_id", "").startswith("grade_"):
                graded[meta["grade_id"][len("grade_"):]] = meta.get("points", 0)
    points = {t: (public.get(t, 0), graded.get(t, public.get(t, 0))) for t in lab_tasks(lab)}
    width = max(len(t) for t in points)
    print(f"{'task':<{width}}  {'points':>6}  {'public checks':>13}")
    for task, (shown, total) in points.items():
        print(f"{task:<{width}}  {total:>6g}  {shown:>13g}")
    print(f"{'lab':<{width}}  {sum(t for _, t in points.values()):>6g}  "
          f"{sum(s for s, _ in points.values()):>13g}")
    return points


def contract_text(*names):
    """The contract of `names` (``"module.Object"`` in ``dlkit``) as
    Markdown: each object's docstring as ``src/dlkit`` writes it and, for a
    class, the docstring of every method the class itself defines.

    The docstring is the one place each convention is written; notebooks
    render it with `contract` rather than restate it.
    """
    import inspect

    parts = []
    for name in names:
        module_name, _, attribute = name.partition(".")
        if not attribute:
            raise ValueError("contract() takes names as 'module.Name' in dlkit, e.g. "
                             f"'callbacks.StepDecay'. Received: {name!r}")
        module = importlib.import_module(f"dlkit.{module_name}")
        obj = getattr(module, attribute)
        where = f"src/dlkit/{module_name}.py"
        parts.append(f"**The contract: `{name}`** (its docstring in `{where}`)\n\n"
                     f"```text\n{inspect.getdoc(obj) or '(no docstring)'}\n```")
        if inspect.isclass(obj):
            for method, function in vars(obj).items():
                # Its own docstring, not one inherited from object (getdoc's).
                if inspect.isfunction(function) and function.__doc__:
                    parts.append(f"`{attribute}.{method}`\n\n"
                                 f"```text\n{inspect.cleandoc(function.__doc__)}\n```")
    return "\n\n".join(parts)


def contract(*names):
    """Shows the contract of what a task asks you to write (see
    `contract_text`): rendered as Markdown in a notebook, printed elsewhere."""
    text = contract_text(*names)
    if _in_ipython():
        from IPython.display import Markdown, display

        display(Markdown(text))
    else:
        print(text)


def submission_files(root=REPO):
    root = Path(root)
    files = [p for p in (root / "src" / "dlkit").rglob("*.py")]
    files += sorted((root / "labs").glob("*.ipynb"))
    return sorted(p for p in files if "__pycache__" not in p.parts and
                  ".ipynb_checkpoints" not in p.parts)


def build_submission(root=REPO, name="submission.zip"):
    """Zips your ``src/dlkit`` and ``labs/*.ipynb`` into `root`/`name` to hand in."""
    if GRADING:
        print("grading run: no submission zip is built")
        return None
    root = Path(root)
    target = root / name
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in submission_files(root):
            archive.write(path, path.relative_to(root).as_posix())
    size = target.stat().st_size
    print(f"wrote {target} ({len(archive.namelist())} files, {math.ceil(size / 1024)} KiB): "
          "upload this file")
    return target


def _grader_report(root, lab):
    """Grades `root` with the course's grader in its own process (cached)."""
    import hashlib
    import json
    import subprocess
    import tempfile

    # Same student code and same checks give the same grade: re-running a
    # graded cell, or the next graded cell, costs nothing.
    digest = hashlib.sha256(lab.encode())
    from autograder.core.catalog import HIDDEN

    graded = [*(Path(root) / "src").rglob("*.py")]
    for folder in (REPO / "autograder", HIDDEN):  # the checks and references it grades with
        graded += [*folder.rglob("*.py"), *folder.rglob("*.json")]
    for path in sorted(p for p in graded if "__pycache__" not in p.parts):
        digest.update(path.as_posix().encode() + path.read_bytes())
    key = digest.hexdigest()[:24]
    cache = Path(tempfile.gettempdir()) / f"dlkit-grade-{key}.json"
    if not cache.is_file():
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
        done = subprocess.run(
            [sys.executable, "-m", "autograder", "grade", str(root), "--lab", lab,
             "--json", str(cache), "--jobs", "1"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        if done.returncode != 0 or not cache.is_file():
            print(done.stdout[-2000:])  # stdout, never stderr: stderr zeroes an nbgrader cell
            return None
    return json.loads(cache.read_text())["submissions"][0]


def graded_score(lab, task):
    """Score of `task` for nbgrader's partial credit (the cell's last value).

    Under nbgrader (``DLKIT_GRADING=1``) this is the course grader's score of
    the task, public and hidden checks, computed in a separate process on this
    submission's ``src/``: the same number ``python -m autograder grade``
    gives. In your own copy it is your score on the public checks.
    """
    if not GRADING:
        try:
            return float(check(lab, task, quiet=True)[0])
        except AssertionError:
            return 0.0
    root = next((p for p in (Path.cwd(), *Path.cwd().parents) if (p / "src" / "dlkit").is_dir()),
                Path.cwd())
    report = _grader_report(root, lab)
    if report is None:
        return 0.0
    from autograder.core.catalog import load_checks

    ids = {c.id for c in load_checks([lab]) if c.task == task}
    return float(sum(c["score"] for c in report["checks"] if c["id"] in ids))
