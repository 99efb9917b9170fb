"""Writing files safely: atomic replace, byte-identical rebuilds, never over a person's edits."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = ".c3p-docs-state.json"


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Written:
    """Where `OutputState.write` put the data, whether it changed the disk, and which edited file it kept."""

    relative: str
    changed: bool
    kept: str | None = None


class OutputState:
    """What we last wrote in an output folder, so a file someone edited since is recognised and kept."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / STATE_FILE
        self.written: dict[str, str] = {}
        if self.path.is_file():
            try:
                self.written = json.loads(self.path.read_text(encoding="utf-8")).get("files", {})
            except (ValueError, OSError):
                self.written = {}

    def edited_since_written(self, relative: str) -> bool:
        """True when the file exists and differs from what we wrote (or we never wrote it)."""
        target = self.root / relative
        if not target.exists():
            return False
        known = self.written.get(relative)
        return known is None or digest(target.read_bytes()) != known

    def record(self, relative: str, data: bytes) -> None:
        self.written[relative] = digest(data)

    def write(self, relative: str, data: bytes, force: bool = False) -> Written:
        """Write atomically unless the file already holds `data`; a file a person edited since we wrote
        it is kept (unless `force`) and ours goes beside it as NAME.new.EXT."""
        kept = None
        if self.edited_since_written(relative) and not force and (self.root / relative).read_bytes() != data:
            kept, relative = relative, kept_name(relative)
        target = self.root / relative
        if target.exists() and target.read_bytes() == data:
            self.record(relative, data)
            return Written(relative, False, kept)
        write_atomic(target, data)
        self.record(relative, data)
        return Written(relative, True, kept)

    def pdf_is_fresh(self, pdf_relative: str, source_relative: str) -> bool:
        """The PDF was converted from the source as it is now, and nobody changed it since."""
        return ((self.root / pdf_relative).exists() and not self.edited_since_written(pdf_relative)
                and self.written.get(pdf_relative + "#source") == self.written.get(source_relative))

    def record_pdf_source(self, pdf_relative: str, source_relative: str) -> None:
        self.written[pdf_relative + "#source"] = self.written.get(source_relative, "")

    def save(self) -> None:
        data = json.dumps({"files": dict(sorted(self.written.items()))}, ensure_ascii=False, indent=1).encode() + b"\n"
        if self.path.is_file() and self.path.read_bytes() == data:
            return
        write_atomic(self.path, data)


def kept_name(relative: str) -> str:
    """`a/b.docx` → `a/b.new.docx`: where a new rendition goes when a person edited the old one."""
    path = Path(relative)
    return str(path.with_name(f"{path.stem}.new{path.suffix}"))
