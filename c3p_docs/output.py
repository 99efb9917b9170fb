"""Writing files safely: atomic replace, the umask's permissions, a journal that survives a crash, a lock, guards."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from c3p_docs.errors import C3pError, UsageError
from c3p_docs.i18n import N_, _
from c3p_docs.loading import read_limited

STATE_FILE = ".c3p-docs-state.json"
JOURNAL_FILE = ".c3p-docs-state.journal"
"""Lines appended while a run writes, folded into the state when it ends; left behind only by a crash."""
LOCK_FILE = ".c3p-docs.lock"
MANIFEST_FILE = "manifest.json"
DRAFTS = "drafts"
"""Where a new rendition goes when a person edited the file it would replace: beside the package, never in it."""
LOCK_WAIT_SECONDS = 60
MAX_OWN_FILE_BYTES = 16 * 1024 * 1024
"""Our state, journal and manifest: a few kilobytes each; anything larger is not ours."""
MAX_OUTPUT_BYTES = 256 * 1024 * 1024
"""Larger than any document we write: a file over it is not ours, so it is kept without being read."""
NAME_MAX = 255
"""Bytes in one file name on the usual file systems (ext4, APFS, NTFS counts UTF-16 units, which is looser)."""
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[A-Za-z0-9_]{8}\.tmp")
_TEMPORARY_EXTRA = len(".") + len(".XXXXXXXX.tmp")


@cache
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """What `open()` would give a new file: 0666 less the umask (0644 under the usual 022)."""
    return 0o666 & ~_umask()


def _naming(error: OSError, path: Path) -> OSError:
    """The same error, naming the file we meant to write rather than a temporary one."""
    try:
        return type(error)(error.errno, error.strerror, str(path))
    except TypeError:  # an OSError subclass with another signature
        return error


def _kind_of(mode: int) -> str:
    """What a file that is no regular file is, in the message language."""
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a pipe (FIFO)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    return _("a socket or other special file")


def check_target(path: Path) -> None:
    """A name we may write to: absent, a regular file, or a link (replaced by our file, never written through).

    A folder, pipe, device or socket is refused before anything is opened: replacing /dev/null as root would
    turn the device into a file, and opening a pipe would wait forever.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise UsageError(_("{file}: is {kind}, not a file c3p-docs can write; give the name of a regular "
                           "file.").format(file=path, kind=_kind_of(mode)))


def temporary_prefix(name: str) -> str:
    """`.NAME.` for the temporary file beside NAME, NAME shortened so the whole temporary name stays within
    NAME_MAX bytes (the target keeps its full name)."""
    while len(os.fsencode(name)) + _TEMPORARY_EXTRA > NAME_MAX and len(name) > 1:
        name = name[:-1]
    return f".{name}."


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it: never a half-written file.

    A new file gets the umask's permissions; a file that is replaced keeps its own mode.
    """
    check_target(path)
    try:
        existing = os.lstat(path)
        mode = stat.S_IMODE(existing.st_mode) if stat.S_ISREG(existing.st_mode) else new_file_mode()
    except FileNotFoundError:
        mode = new_file_mode()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle, temporary = tempfile.mkstemp(prefix=temporary_prefix(path.name), suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise _naming(error, path) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _naming(error, path) from None
        raise


def json_bytes(data: object, indent: int | None = 2) -> bytes:
    """JSON as UTF-8 text; a file name the OS gave us in another encoding (Shift_JIS bytes) stays a JSON
    escape (`\\udc82`) instead of stopping the write."""
    return json.dumps(data, ensure_ascii=False, indent=indent).encode("utf-8", "backslashreplace") + b"\n"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def regular_bytes(path: Path, max_bytes: int = MAX_OUTPUT_BYTES) -> bytes | None:
    """The file's bytes when it is a regular file (not a link, folder, pipe or device) of at most `max_bytes`;
    None otherwise, without reading it."""
    try:
        info = os.lstat(path)
    except OSError:  # absent, or a name too long to exist
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
        return None
    try:
        return read_limited(path, N_("file"), max_bytes)
    except C3pError:  # replaced or grown meanwhile
        return None


def read_own_file(path: Path, what: str) -> bytes | None:
    """One of our own files in an output folder (state, journal, manifest); None when absent. Anything but a
    regular file of a sane size there is a usage error naming it, never a hang or a read of gigabytes."""
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    problem = ""
    if not stat.S_ISREG(info.st_mode):
        problem = _("is a link") if stat.S_ISLNK(info.st_mode) else _("is {kind}").format(kind=_kind_of(info.st_mode))
    elif info.st_size > MAX_OWN_FILE_BYTES:
        problem = _("is {size:,} bytes").format(size=info.st_size)
    if not problem:
        try:
            return read_limited(path, what, MAX_OWN_FILE_BYTES)
        except C3pError as error:
            problem = error.message
    raise UsageError(_("{file}: {problem}, not the {what} c3p-docs writes there; delete it and run again.").format(
        file=path, problem=problem, what=_(what)))


def safe_relative(relative: str) -> str:
    """`relative` when it names a file inside the output folder: no `.`/`..`/empty part, no backslash, not absolute."""
    parts = relative.split("/")
    if relative.startswith("/") or any(part in ("", ".", "..") or "\\" in part or "\0" in part for part in parts):
        raise UsageError(_("{name} is not a file name c3p-docs can write inside the output folder (an empty, `.` or "
                           "`..` part, or a separator); check the call profile's file names.").format(
            name=repr(relative)))
    return relative


def check_folders(root: Path, relative: str) -> None:
    """Every folder between `root` and the file is a real folder or absent: a link there is refused (we would
    write outside `root`), as is a file where a folder belongs."""
    folder = root
    for part in PurePosixPath(relative).parts[:-1]:
        folder = folder / part
        try:
            mode = os.lstat(folder).st_mode
        except FileNotFoundError:
            return
        if stat.S_ISLNK(mode):
            raise UsageError(_("{folder}: is a symbolic link; c3p-docs never writes or reads through a link there "
                               "(files would land outside the output folder). Replace it with a real "
                               "folder.").format(folder=folder))
        if not stat.S_ISDIR(mode):
            raise UsageError(_("{folder}: is {kind} where c3p-docs writes a folder; move it away and run again.").format(
                folder=folder, kind=_kind_of(mode) if not stat.S_ISREG(mode) else _("a file")))


@contextmanager
def output_lock(folder: Path):
    """An exclusive lock on an output folder, so overlapping runs (two builds, cron's monthly) take turns."""
    from filelock import FileLock, Timeout

    if folder.exists() and not folder.is_dir():
        raise UsageError(_("{out} is a file; -o needs a folder.").format(out=folder))
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        sys.stderr.write("c3p-docs: " + _("{folder} is in use by another c3p-docs run; waiting for it to "
                                          "finish.").format(folder=folder) + "\n")
        try:
            lock.acquire(timeout=LOCK_WAIT_SECONDS)
        except Timeout:
            raise UsageError(_("{folder} is locked by another c3p-docs run for over {seconds} s; try again "
                               "later.").format(folder=folder, seconds=LOCK_WAIT_SECONDS)) from None
    try:
        yield
    finally:
        lock.release()


@dataclass(frozen=True)
class Written:
    """Where `OutputState.write` put the data, whether it changed the disk, and which edited file it kept."""

    relative: str
    changed: bool
    kept: str | None = None


class OutputState:
    """What we wrote in an output folder, so a file someone edited since is recognised and kept.

    Each write is noted in a journal first, so after a crash (kill -9, disk full) the next run still knows
    its own files instead of taking them for a person's edits, and removes the temporary files it left.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / STATE_FILE
        self.journal = root / JOURNAL_FILE
        self.written: dict[str, str] = {}
        self.interrupted: dict[str, set[str]] = {}
        """Digests an interrupted run was writing, per file: the file may hold any of them."""
        self._load()
        self._recover()
        self._reclaim_temporary_files()

    def _load(self) -> None:
        data = read_own_file(self.path, N_("state file"))
        try:
            files = json.loads(data or b"{}").get("files", {})
        except (ValueError, AttributeError):
            files = {}  # damaged: every file there counts as a person's until written again
        if isinstance(files, dict):
            self.written = {str(k): str(v) for k, v in files.items()}

    def _recover(self) -> None:
        data = read_own_file(self.journal, N_("journal"))
        for line in (data or b"").decode("utf-8", "replace").splitlines():
            try:
                entry = json.loads(line)
                if "file" in entry:
                    self.interrupted.setdefault(str(entry["file"]), set()).add(str(entry["digest"]))
                elif "set" in entry:
                    self.written[str(entry["set"])] = str(entry["value"])
            except (ValueError, TypeError, KeyError, AttributeError):
                continue  # the last line of a run killed mid-append

    def _reclaim_temporary_files(self) -> None:
        """Remove the temporary files a killed run left beside any file we write (`.NAME.XXXXXXXX.tmp`)."""
        names = {PurePosixPath(name) for name in (*self.written, *self.interrupted) if "#" not in name}
        names |= {PurePosixPath(STATE_FILE), PurePosixPath(MANIFEST_FILE)}
        by_folder: dict[PurePosixPath, set[str]] = {}
        for name in names:
            by_folder.setdefault(name.parent, set()).add(name.name)
        for folder, known in by_folder.items():
            path = self.root / folder
            if not path.is_dir() or path.is_symlink():
                continue
            for leftover in path.glob(".*.tmp"):
                match = _TEMPORARY.fullmatch(leftover.name)
                if match and any(name.startswith(match["name"]) for name in known):
                    leftover.unlink(missing_ok=True)

    def _note(self, entry: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        check_target(self.journal)
        with self.journal.open("a", encoding="utf-8", errors="backslashreplace") as stream:
            stream.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def is_ours(self, relative: str, data: bytes) -> bool:
        """The file holds what we wrote (or what an interrupted run was writing)."""
        value = digest(data)
        return value == self.written.get(relative) or value in self.interrupted.get(relative, ())

    def edited_since_written(self, relative: str) -> bool:
        """True when something is there that we did not write: a changed file, a link a person put there."""
        target = self.root / relative
        if not os.path.lexists(target):
            return False
        data = regular_bytes(target)
        return data is None or not self.is_ours(relative, data)

    def record(self, relative: str, data: bytes) -> None:
        self.written[relative] = digest(data)

    def write(self, relative: str, data: bytes, force: bool = False) -> Written:
        """Write atomically unless the file already holds `data`; a file a person edited since we wrote it is
        kept (unless `force`) and ours goes to drafts/ as NAME.new.EXT."""
        check_folders(self.root, safe_relative(relative))
        kept = None
        if regular_bytes(self.root / relative, len(data)) == data:
            self.record(relative, data)
            self._drop_stale_rendition(relative)
            return Written(relative, False)
        if not force and self.edited_since_written(relative):
            kept, relative = relative, kept_name(relative)
            check_folders(self.root, relative)
            if regular_bytes(self.root / relative, len(data)) == data:
                self.record(relative, data)
                return Written(relative, False, kept)
        self._note({"file": relative, "digest": digest(data)})
        write_atomic(self.root / relative, data)
        self.record(relative, data)
        if kept is None:
            self._drop_stale_rendition(relative)
        return Written(relative, True, kept)

    def remove(self, relative: str) -> None:
        """Delete a file of ours that no longer belongs (a stale PDF, an old mail draft)."""
        (self.root / relative).unlink(missing_ok=True)
        self.forget(relative)

    def _drop_stale_rendition(self, relative: str) -> None:
        """Remove our drafts/NAME.new.EXT once NAME.EXT is ours again (replaced with --force, or the edit undone)."""
        for rendition in (kept_name(relative), legacy_kept_name(relative)):
            data = regular_bytes(self.root / rendition)
            if data is not None and self.is_ours(rendition, data):
                self.remove(rendition)

    def evict_renditions(self, folder: str) -> list[tuple[str, str | None]]:
        """NAME.new.EXT files an earlier version left in `folder` (the package): ours are deleted (the current
        rendition is in drafts/), a person's are moved to drafts/. Returns (old, new place or None if left)."""
        moved: list[tuple[str, str | None]] = []
        path = self.root / folder
        if not path.is_dir() or path.is_symlink():
            return moved
        for entry in sorted(os.scandir(path), key=lambda e: e.name):
            relative = f"{folder}/{entry.name}" if folder else entry.name
            if not is_kept_rendition(entry.name) or not entry.is_file(follow_symlinks=False):
                continue
            data = regular_bytes(Path(entry.path))
            if data is not None and self.is_ours(relative, data):
                self.remove(relative)
                continue
            target = f"{DRAFTS}/{relative}"
            check_folders(self.root, target)
            if os.path.lexists(self.root / target):
                moved.append((relative, None))
                continue
            (self.root / target).parent.mkdir(parents=True, exist_ok=True)
            os.replace(entry.path, self.root / target)
            moved.append((relative, target))
        return moved

    def forget(self, relative: str) -> None:
        self.written.pop(relative, None)
        self.written.pop(relative + "#source", None)

    def pdf_source_digest(self, pdf_relative: str) -> str | None:
        """The sha256 of the source the PDF was converted from, as recorded then."""
        return self.written.get(pdf_relative + "#source") or None

    def pdf_is_fresh(self, pdf_relative: str, source_relative: str) -> bool:
        """The PDF was converted from the source as it is now, and nobody changed the PDF since."""
        source = regular_bytes(self.root / source_relative)
        return (source is not None and regular_bytes(self.root / pdf_relative) is not None
                and not self.edited_since_written(pdf_relative)
                and self.pdf_source_digest(pdf_relative) == digest(source))

    def record_pdf_source(self, pdf_relative: str, source_relative: str) -> None:
        """Note which content of the source the PDF was converted from."""
        source = regular_bytes(self.root / source_relative)
        value = digest(source) if source is not None else ""
        self.written[pdf_relative + "#source"] = value
        self._note({"set": pdf_relative + "#source", "value": value})

    def save(self) -> None:
        data = json_bytes({"files": dict(sorted(self.written.items()))}, indent=1)
        if regular_bytes(self.path, len(data)) != data:
            write_atomic(self.path, data)
        self.journal.unlink(missing_ok=True)
        self.interrupted = {}


def kept_name(relative: str) -> str:
    """`a/b.docx` → `drafts/a/b.new.docx`: where a new rendition goes when a person edited the old one."""
    path = PurePosixPath(relative)
    return (PurePosixPath(DRAFTS) / path.with_name(f"{path.stem}.new{path.suffix}")).as_posix()


def legacy_kept_name(relative: str) -> str:
    """`a/b.new.docx`, beside the edited file: where versions before drafts/ put the new rendition."""
    path = PurePosixPath(relative)
    return path.with_name(f"{path.stem}.new{path.suffix}").as_posix()


def is_kept_rendition(name: str) -> bool:
    """`b.new.docx`: a new rendition written beside a file a person edited."""
    path = PurePosixPath(name)
    return path.stem.endswith(".new") and bool(path.suffix)
