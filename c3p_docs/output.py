"""Writing files safely: atomic replace, the umask's permissions, a journal that survives a crash, a lock."""

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
from pathlib import Path

STATE_FILE = ".c3p-docs-state.json"
JOURNAL_FILE = ".c3p-docs-state.journal"
"""Lines appended while a run writes, folded into the state when it ends; left behind only by a crash."""
LOCK_FILE = ".c3p-docs.lock"
LOCK_WAIT_SECONDS = 60
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[A-Za-z0-9_]{8}\.tmp")


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


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it: never a half-written file.

    A new file gets the umask's permissions; a file that is replaced keeps its own mode.
    """
    try:
        existing = os.lstat(path)
        mode = stat.S_IMODE(existing.st_mode) if stat.S_ISREG(existing.st_mode) else new_file_mode()
    except FileNotFoundError:
        mode = new_file_mode()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _regular_bytes(path: Path) -> bytes | None:
    """The file's bytes when it is a regular file (not a link, folder or device); None otherwise."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None


@contextmanager
def output_lock(folder: Path):
    """An exclusive lock on an output folder, so overlapping runs (two builds, cron's monthly) take turns."""
    from filelock import FileLock, Timeout

    from c3p_docs.errors import UsageError

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; -o needs a folder.")
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        sys.stderr.write(f"c3p-docs: {folder} is in use by another c3p-docs run; waiting for it to finish.\n")
        try:
            lock.acquire(timeout=LOCK_WAIT_SECONDS)
        except Timeout:
            raise UsageError(f"{folder} is locked by another c3p-docs run for over {LOCK_WAIT_SECONDS} s; "
                             "try again later.") from None
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
    its own files instead of taking them for a person's edits.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / STATE_FILE
        self.journal = root / JOURNAL_FILE
        self.written: dict[str, str] = {}
        self.interrupted: dict[str, set[str]] = {}
        """Digests an interrupted run was writing, per file: the file may hold any of them."""
        try:
            files = json.loads(self.path.read_text(encoding="utf-8")).get("files", {})
            if isinstance(files, dict):
                self.written = {str(k): str(v) for k, v in files.items()}
        except (ValueError, OSError, AttributeError):
            self.written = {}
        self._recover()

    def _recover(self) -> None:
        try:
            lines = self.journal.read_text(encoding="utf-8").splitlines()
        except (OSError, ValueError):
            return
        for line in lines:
            try:
                entry = json.loads(line)
                if "file" in entry:
                    self.interrupted.setdefault(str(entry["file"]), set()).add(str(entry["digest"]))
                elif "set" in entry:
                    self.written[str(entry["set"])] = str(entry["value"])
            except (ValueError, TypeError, KeyError, AttributeError):
                continue  # the last line of a run killed mid-append
        names = {Path(relative) for relative in self.interrupted} | {Path(STATE_FILE), Path("manifest.json")}
        for folder in {self.root / name.parent for name in names}:
            for leftover in folder.glob(".*.tmp") if folder.is_dir() else []:
                match = _TEMPORARY.fullmatch(leftover.name)
                if match and Path(leftover.relative_to(self.root).parent, match["name"]) in names:
                    leftover.unlink(missing_ok=True)

    def _note(self, entry: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with self.journal.open("a", encoding="utf-8") as stream:
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
        data = _regular_bytes(target)
        return data is None or not self.is_ours(relative, data)

    def record(self, relative: str, data: bytes) -> None:
        self.written[relative] = digest(data)

    def write(self, relative: str, data: bytes, force: bool = False) -> Written:
        """Write atomically unless the file already holds `data`; a file a person edited since we wrote
        it is kept (unless `force`) and ours goes beside it as NAME.new.EXT."""
        kept = None
        if _regular_bytes(self.root / relative) == data:
            self.record(relative, data)
            self._drop_stale_rendition(relative)
            return Written(relative, False)
        if not force and self.edited_since_written(relative):
            kept, relative = relative, kept_name(relative)
            if _regular_bytes(self.root / relative) == data:
                self.record(relative, data)
                return Written(relative, False, kept)
        self._note({"file": relative, "digest": digest(data)})
        write_atomic(self.root / relative, data)
        self.record(relative, data)
        if kept is None:
            self._drop_stale_rendition(relative)
        return Written(relative, True, kept)

    def _drop_stale_rendition(self, relative: str) -> None:
        """Remove our NAME.new.EXT once NAME.EXT is ours again (replaced with --force, or the edit undone)."""
        rendition = kept_name(relative)
        data = _regular_bytes(self.root / rendition)
        if data is not None and self.is_ours(rendition, data):
            (self.root / rendition).unlink()
            self.written.pop(rendition, None)

    def forget(self, relative: str) -> None:
        self.written.pop(relative, None)

    def pdf_is_fresh(self, pdf_relative: str, source_relative: str) -> bool:
        """The PDF was converted from the source as it is now, and nobody changed the PDF since."""
        source = _regular_bytes(self.root / source_relative)
        return (source is not None and (self.root / pdf_relative).is_file()
                and not self.edited_since_written(pdf_relative)
                and self.written.get(pdf_relative + "#source") == digest(source))

    def record_pdf_source(self, pdf_relative: str, source_relative: str) -> None:
        """Note which content of the source the PDF was converted from."""
        source = _regular_bytes(self.root / source_relative)
        value = digest(source) if source is not None else ""
        self.written[pdf_relative + "#source"] = value
        self._note({"set": pdf_relative + "#source", "value": value})

    def save(self) -> None:
        data = json.dumps({"files": dict(sorted(self.written.items()))}, ensure_ascii=False, indent=1).encode() + b"\n"
        if _regular_bytes(self.path) != data:
            write_atomic(self.path, data)
        self.journal.unlink(missing_ok=True)
        self.interrupted = {}


def kept_name(relative: str) -> str:
    """`a/b.docx` → `a/b.new.docx`: where a new rendition goes when a person edited the old one."""
    path = Path(relative)
    return path.with_name(f"{path.stem}.new{path.suffix}").as_posix()


def is_kept_rendition(name: str) -> bool:
    """`b.new.docx`: a new rendition written beside a file a person edited."""
    path = Path(name)
    return path.stem.endswith(".new") and bool(path.suffix)
