"""OUT/manifest.json: every file a folder holds, one list shared and merged by every command that writes there."""

from __future__ import annotations

import json
from pathlib import Path

from c3p_docs.i18n import N_
from c3p_docs.output import MANIFEST_FILE, json_bytes, read_own_file, regular_bytes, write_atomic


def read_entries(folder: Path) -> list[dict]:
    """The entries of `folder`/manifest.json; none when it is absent or damaged (it is rewritten then)."""
    data = read_own_file(folder / MANIFEST_FILE, N_("manifest"))
    try:
        files = json.loads(data or b"{}").get("files", [])
    except (ValueError, AttributeError):
        return []
    return [entry for entry in files if isinstance(entry, dict)] if isinstance(files, list) else []


def merge_manifest(out: Path, entries: list[dict], replaced: set[str], owned_kinds: frozenset[str] = frozenset()) -> None:
    """Put `entries` into OUT/manifest.json where the files they replace were listed (appended otherwise),
    keeping every other entry: those of paths not in `replaced` and of kinds not in `owned_kinds` (a build
    replaces all its kinds' entries; trip, session, plan and settle only the files they write)."""
    merged: list[dict] = []
    placed = False
    for entry in read_entries(out):
        if entry.get("path") in replaced or entry.get("kind") in owned_kinds:
            if not placed:
                merged += entries
                placed = True
            continue
        merged.append(entry)
    if not placed:
        merged += entries
    data = json_bytes({"files": merged})
    path = out / MANIFEST_FILE
    if regular_bytes(path, len(data)) != data:
        write_atomic(path, data)
