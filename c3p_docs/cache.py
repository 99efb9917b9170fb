"""The per-user cache folder: what was derived from installed data or templates, kept only to save time."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any


def user_cache_dir() -> Path:
    """The platform's per-user cache folder for c3p-docs (nothing in it is needed: it only saves time)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "c3p-docs" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "c3p-docs"
    base = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "c3p-docs"


def cached_json(name: str, key: str, compute: Callable[[], Any]) -> Any:
    """`compute()`'s JSON-able result, reused by later runs while `key` is the same.

    `key` must name everything the result depends on (library versions, our format); a cache that cannot
    be read or written is ignored, so the worst case is computing it again.
    """
    path = user_cache_dir() / f"{name}-{zlib.crc32(key.encode()):08x}.json"
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry.get("key") == key:
            return entry["value"]
    except (OSError, ValueError, AttributeError, KeyError):
        pass
    value = compute()
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump({"key": key, "value": value}, stream, ensure_ascii=False)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return value


def prune(folder: Path, limit: int) -> None:
    """Keep a cache folder bounded: past `limit` entries, the older half goes (by when it was written)."""
    try:
        entries = list(os.scandir(folder))
        if len(entries) <= limit:
            return
        entries.sort(key=lambda entry: entry.stat().st_mtime_ns)
        for entry in entries[:len(entries) - limit // 2]:
            os.unlink(entry.path)
    except OSError:  # another run pruned first, or the folder is read-only: nothing is lost either way
        pass
