"""Opening submissions: a folder laid out like the student release, or a zip
of one. Zips are unpacked defensively: no absolute or ``..`` paths, no links,
bounded size and file count."""

import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_UNPACKED_BYTES = 200 * 2**20
MAX_FILES = 5000


class SubmissionError(ValueError):
    """The submission cannot be graded at all (the batch goes on)."""


@dataclass
class Submission:
    name: str
    root: Path  # folder holding src/dlkit
    cleanup: Path | None = None

    @property
    def src(self):
        return self.root / "src"

    def close(self):
        if self.cleanup is not None:
            shutil.rmtree(self.cleanup, ignore_errors=True)


def submission_name(path):
    path = Path(path)
    return path.name[:-4] if path.name.endswith(".zip") else path.name


def find_root(folder):
    """The folder holding ``src/dlkit``: `folder` or its only child that does."""
    if (folder / "src" / "dlkit").is_dir():
        return folder
    candidates = [p.parent.parent for p in folder.glob("*/src/dlkit") if p.is_dir()]
    if len(candidates) == 1:
        return candidates[0]
    raise SubmissionError(
        "The submission has no src/dlkit folder. Submit the folder of your dlkit copy "
        "(the one holding src/ and labs/), or a zip of it, as the lab's last cell builds. "
        f"Received: top-level entries {sorted(p.name for p in folder.iterdir())[:10]}"
    )


def _safe_members(archive):
    total, members = 0, []
    for info in archive.infolist():
        name = PurePosixPath(info.filename)
        if name.is_absolute() or ".." in name.parts or info.filename.startswith(("/", "\\")):
            raise SubmissionError(
                f"The zip holds an unsafe path (absolute or with '..'). "
                f"Received: {info.filename!r}"
            )
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise SubmissionError(f"The zip holds a symbolic link. Received: {info.filename!r}")
        total += info.file_size
        members.append(info)
    if len(members) > MAX_FILES or total > MAX_UNPACKED_BYTES:
        raise SubmissionError(
            f"The zip unpacks to more than {MAX_FILES} files or {MAX_UNPACKED_BYTES >> 20} MiB. "
            f"Received: {len(members)} files, {total >> 20} MiB"
        )
    return members


def unpack_zip(path, target):
    """Unpacks the zip `path` into the folder `target` with the rules above
    (no absolute or ``..`` paths, no links, bounded count and size, sizes
    counted as the bytes come out); raises SubmissionError."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = _safe_members(archive)
            if not members:
                raise SubmissionError(f"The zip is empty. Received: {path.name}")
            budget = MAX_UNPACKED_BYTES
            for info in members:
                if info.is_dir():
                    continue
                dest = Path(target) / info.filename
                dest.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as src, open(dest, "wb") as out:
                    # Headers can lie about sizes: count what really comes out.
                    while chunk := src.read(1 << 20):
                        budget -= len(chunk)
                        if budget < 0:
                            raise SubmissionError(
                                "The zip unpacks to more than "
                                f"{MAX_UNPACKED_BYTES >> 20} MiB. Received: {path.name}")
                        out.write(chunk)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"The zip cannot be read: {exc}. Received: {path.name}") from exc


def open_submission(path, workdir=None):
    """Returns a `Submission` for a folder or a zip file (raises SubmissionError)."""
    path = Path(path)
    name = submission_name(path)
    if path.is_dir():
        return Submission(name, find_root(path))
    if path.is_file() and zipfile.is_zipfile(path):
        target = Path(tempfile.mkdtemp(prefix="dlkit-sub-", dir=workdir))
        try:
            unpack_zip(path, target)
            return Submission(name, find_root(target), cleanup=target)
        except SubmissionError:
            shutil.rmtree(target, ignore_errors=True)
            raise
    raise SubmissionError(
        f"A submission is a folder or a .zip file. Received: {str(path)!r}"
    )
