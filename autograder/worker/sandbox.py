"""Confines a grading worker before it runs any student code.

Called in the worker process itself (forked from the zygote, or started on
its own) with nothing but the standard library and the kernel's system calls
(through ctypes): no sandbox program has to be installed. Three levels, the
strongest the machine allows, chosen once per grader by `detect_level`:

``namespaces+uid`` (the grader runs as root)
    A mount namespace whose root is an empty read-only tmpfs holding only
    what the worker needs, read-only, at the same paths: the system (/usr,
    /etc), Python and its packages, the worker's own folder, the course's
    public data sets and the student's ``src`` (a private copy). Nothing
    else of the grader's repository is there (no checks, no hidden checks,
    no references) and no other submission. The worker's home is a small
    private tmpfs: the only place it can write. A network namespace with no
    interface up (no network at all, not even loopback to the host), its
    own IPC namespace, and a user id of its own (``UID_BASE + pid``) with
    ``no_new_privs``: it cannot signal the grader or another worker, and
    ``RLIMIT_NPROC`` bounds a fork bomb.
``namespaces`` (not root, unprivileged user namespaces allowed)
    The same view, network and IPC isolation inside a user namespace; the
    user id outside stays the grader's.
``rlimits``
    Only the resource limits below, a process group of its own and a
    scrubbed environment. The worker can read what the grader's user can.

Every level limits memory (``RLIMIT_AS``), CPU seconds, file size (the
output log), open files and core dumps; the parent adds a wall-clock limit
per check. ``DLKIT_SANDBOX=auto|namespaces|rlimits`` picks a level
(``auto``, the default, takes the strongest that works).
"""

import ctypes
import os
import platform
import resource
import shutil
import signal

LEVELS = ("namespaces+uid", "namespaces", "rlimits")
UID_BASE = 2_000_000  # worker uids: far above any account's
OUTPUT_LIMIT = 16 * 2**20  # bytes of stdout + stderr a worker may write
MEMORY_LIMIT = int(os.environ.get("DLKIT_WORKER_MEMORY_MB", "6144")) * 2**20  # address space
CPU_LIMIT = 900  # CPU seconds per worker process
NPROC_LIMIT = 64  # processes and threads of one worker uid (a worker uses about 8)
HOME_SIZE = "256m"

_CLONE_NEWNS, _CLONE_NEWUSER = 0x00020000, 0x10000000
_CLONE_NEWIPC, _CLONE_NEWNET, _CLONE_NEWPID = 0x08000000, 0x40000000, 0x20000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_REMOUNT = 1, 2, 4, 8, 32
_MS_BIND, _MS_REC, _MS_PRIVATE = 4096, 16384, 1 << 18
_MNT_DETACH = 2
_PR_SET_PDEATHSIG, _PR_SET_NO_NEW_PRIVS = 1, 38
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
_DEVICES = ("null", "zero", "full", "random", "urandom")

_libc = ctypes.CDLL(None, use_errno=True)


class SandboxError(OSError):
    pass


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise SandboxError(errno, f"{what}: {os.strerror(errno)}")


def _encode(text):
    return None if text is None else os.fsencode(text)


def _mount(source, target, fstype=None, flags=0, data=None):
    _check(_libc.mount(_encode(source), _encode(target), _encode(fstype),
                       ctypes.c_ulong(flags), _encode(data)), f"mount {target}")


def _bind(source, root, read_only=True):
    """Mounts `source` at the same path under `root` (read-only by default)."""
    target = root + source
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    _mount(source, target, flags=_MS_BIND | _MS_REC)
    if read_only:
        _mount(None, target, flags=_MS_BIND | _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)


def _system_paths():
    paths = []
    for path in ("/usr", "/etc", "/bin", "/lib", "/lib64", "/sbin", "/opt"):
        if os.path.islink(path):
            continue  # recreated as a link below (usr-merged systems)
        if os.path.isdir(path):
            paths.append(path)
    return paths


def _visible_paths(readable):
    """The paths bound into the view: each both as named and as resolved.

    Python imports from the paths as named (``sys.path`` holds
    ``.venv/lib/...`` even where ``.venv`` is a link to elsewhere), and the
    kernel follows links to the resolved ones: a view with only one of them
    loses every module that is imported lazily after confinement."""
    import sys

    paths = _system_paths()
    for path in (sys.base_prefix, sys.prefix, sys.exec_prefix, *readable):
        for form in (os.path.abspath(path), os.path.realpath(path)):
            if os.path.exists(form) and not any(
                    form == p or form.startswith(p + "/") for p in paths):
                paths.append(form)
    return paths


def _tmpfs(root, path, size, uid):
    owner = f",uid={uid},gid={uid}" if uid is not None else ""
    os.makedirs(root + path, exist_ok=True)
    _mount("tmpfs", root + path, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={size},mode=0700{owner}")


def _build_root(root, readable, home, uid):
    _mount("tmpfs", root, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=1m,mode=0755")
    for path in ("/bin", "/lib", "/lib64", "/sbin"):
        if os.path.islink(path):
            os.symlink(os.readlink(path), root + path)
    # Scratch space first: a read-only path under /tmp (a repository checked
    # out there) is bound on top of it.
    _tmpfs(root, "/tmp", "64m", uid)
    for path in sorted(_visible_paths(readable)):
        _bind(path, root)
    os.makedirs(root + "/dev", exist_ok=True)
    for name in _DEVICES:
        if os.path.exists(f"/dev/{name}"):
            _bind(f"/dev/{name}", root, read_only=False)
    _tmpfs(root, "/dev/shm", "64m", uid)
    # A procfs of the new pid namespace: TensorFlow reads /proc/self; the
    # grader's processes are not in it.
    os.makedirs(root + "/proc")
    _mount("proc", root + "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    _tmpfs(root, home, HOME_SIZE, uid)
    _mount(None, root, flags=_MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)


def _pivot_into(root):
    number = _SYS_PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise SandboxError(0, f"pivot_root: unknown machine {platform.machine()}")
    os.chdir(root)
    # pivot_root(".", ".") stacks the old root on the new one; detaching it
    # leaves only the new root (no folder for the old one needed).
    _check(_libc.syscall(number, b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", _MNT_DETACH), "umount old root")
    os.chdir("/")


def die_with_parent():
    """SIGKILL when the parent (the zygote) exits: no worker outlives a
    grader that was killed (the zygote itself exits when its socket closes)."""
    _check(_libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(pdeathsig)")


def _become_namespace_init():
    """Forks into the new pid namespace. The caller (the process the grader
    knows) waits and exits as its child did; the child goes on as the
    namespace's first process, so when it dies every process it started dies
    with it, and it sees no process outside."""
    pid = os.fork()
    if pid == 0:
        die_with_parent()
        return
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            os._exit(1)
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)


def _enter_user_namespace():
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(_CLONE_NEWUSER), "unshare(user)")
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"0 {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"0 {gid} 1")


def confine(level, home, readable=()):
    """Confines the calling (single-threaded) process at `level`.

    `home` becomes a private writable tmpfs (the working directory);
    `readable` are the extra paths visible read-only (worker code, data
    sets, the student's src). Returns the worker's uid outside the
    sandbox, or None when it keeps the grader's. Raises SandboxError when
    `level` cannot be set up.
    """
    uid = None
    if level in ("namespaces+uid", "namespaces"):
        if level == "namespaces":
            _enter_user_namespace()
        else:
            uid = UID_BASE + os.getpid()
        _check(_libc.unshare(_CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWIPC | _CLONE_NEWPID),
               "unshare")
        _become_namespace_init()
        _mount(None, "/", flags=_MS_REC | _MS_PRIVATE)
        root = "/mnt" if os.path.isdir("/mnt") else "/tmp"
        _build_root(root, readable, home, uid)
        _pivot_into(root)
        os.chdir(home)
        if uid is not None:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            resource.setrlimit(resource.RLIMIT_NPROC, (NPROC_LIMIT, NPROC_LIMIT))
        _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(no_new_privs)")
    elif level != "rlimits":
        raise SandboxError(0, f"unknown sandbox level {level!r}; expected one of {LEVELS}")
    limit_resources()
    return uid


def limit_resources(memory=True):
    """Resource limits of every level (the caller has its own session)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails instead
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT))
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
    # CUDA reserves far more address space than it uses: a grader that lends
    # its GPUs to workers relies on the wall-clock limits instead.
    if memory and not os.environ.get("CUDA_VISIBLE_DEVICES"):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def candidate_levels():
    wanted = os.environ.get("DLKIT_SANDBOX", "auto")
    if wanted == "auto":
        if os.environ.get("CUDA_VISIBLE_DEVICES"):
            # The confined view has no GPU device nodes or driver files (not
            # tried on a GPU machine yet): workers lent GPUs run unconfined.
            return LEVELS[2:]
        return LEVELS if os.geteuid() == 0 else LEVELS[1:]
    if wanted not in LEVELS:
        raise SandboxError(0, f"DLKIT_SANDBOX must be auto or one of {LEVELS}. "
                              f"Received: {wanted!r}")
    return (wanted,)


def detect_level(home, readable=()):
    """The strongest level that works here: tried in a throw-away child."""
    for level in candidate_levels():
        if level == "rlimits":
            return level
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.setsid()
                confine(level, home, readable)
                code = 0
            except BaseException:  # noqa: BLE001 - any failure means: not this level
                code = 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            return level
    raise SandboxError(0, f"the sandbox level {candidate_levels()[0]!r} does not work here")


def copy_package(src, dest):
    """Copies the student's ``src/dlkit`` only (no other package can shadow
    a module the probes import, and the worker cannot edit the original).
    Links are left out, never followed: the grader (root) would otherwise
    copy whatever they point to (hidden references, another submission)
    into the worker's view."""
    def ignored(folder, names):
        return {name for name in names if name in ("__pycache__",) or name.endswith(".pyc")
                or os.path.islink(os.path.join(folder, name))}

    package = os.path.join(src, "dlkit")
    if os.path.islink(package):
        os.makedirs(dest, exist_ok=True)  # no package: the worker says it cannot import it
        return
    shutil.copytree(package, os.path.join(dest, "dlkit"), ignore=ignored, symlinks=False)
