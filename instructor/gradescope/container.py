"""Runs a command as in a container that refuses user namespaces.

Docker's defaults, which Gradescope's containers may keep: root without
``CAP_SYS_ADMIN`` (no mount or pid namespace of its own) and a seccomp rule
that refuses new user namespaces. This reproduces both on a Linux machine
where we are root: ``setpriv`` drops ``CAP_SYS_ADMIN`` from the bounding
set, and a seccomp filter (installed with ``prctl``, then ``exec``) makes
``unshare`` and ``clone`` with ``CLONE_NEWUSER`` fail with ``EPERM`` and
``clone3`` with ``ENOSYS`` (glibc then uses ``clone``). The grader's
``DLKIT_SANDBOX=auto`` then reaches ``rlimits`` (``tests/test_gradescope.py``).

    python -m instructor.gradescope.container COMMAND [ARG...]
"""

import ctypes
import os
import platform
import shutil
import struct
import sys

# (seccomp audit architecture, unshare, clone) per machine
_ARCH = {"x86_64": (0xC000003E, 272, 56), "aarch64": (0xC00000B7, 97, 220)}
_CLONE3, _CLONE_NEWUSER = 435, 0x10000000
_ALLOW, _EPERM, _ENOSYS = 0x7FFF0000, 0x00050001, 0x00050026  # SECCOMP_RET_*
_LD, _JEQ, _JSET, _RET = 0x20, 0x15, 0x45, 0x06  # BPF_LD|W|ABS, JMP|JEQ|K, JMP|JSET|K, RET|K
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2


def available():
    """True where the simulation works: Linux, root, setpriv, a known machine."""
    return (sys.platform == "linux" and os.geteuid() == 0 and shutil.which("setpriv") is not None
            and platform.machine() in _ARCH)


def prefix():
    """The argv prefix that runs a command in the simulated container."""
    return ["setpriv", "--bounding-set=-sys_admin", sys.executable, os.path.abspath(__file__)]


def _program():
    arch, unshare, clone = _ARCH[platform.machine()]
    # jt / jf count instructions to skip; the last three are the verdicts.
    return [
        (_LD, 0, 0, 4), (_JEQ, 0, 6, arch),  # another architecture: allow
        (_LD, 0, 0, 0), (_JEQ, 6, 0, _CLONE3),
        (_JEQ, 1, 0, unshare), (_JEQ, 0, 2, clone),
        (_LD, 0, 0, 16), (_JSET, 1, 0, _CLONE_NEWUSER),  # the flags, low 32 bits
        (_RET, 0, 0, _ALLOW), (_RET, 0, 0, _EPERM), (_RET, 0, 0, _ENOSYS),
    ]


def refuse_user_namespaces():
    """Installs the seccomp filter on this process and what it starts."""

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    program = _program()
    code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in program))
    fprog = SockFprog(len(program), ctypes.addressof(code))
    libc = ctypes.CDLL(None, use_errno=True)
    for args in ((_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0),
                 (_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0)):
        if libc.prctl(*args) != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"prctl{args[:2]}: {os.strerror(errno)}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    refuse_user_namespaces()
    os.execvp(sys.argv[1], sys.argv[1:])
