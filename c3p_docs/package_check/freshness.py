"""Stale PDFs: a PDF whose source (the .docx/.pptx it was converted from) changed after the conversion."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import stat
from dataclasses import dataclass
from pathlib import Path

from c3p_docs.errors import C3pError
from c3p_docs.i18n import N_, _
from c3p_docs.loading import open_regular, read_limited

MAX_MANIFEST_BYTES = 8 * 1024 * 1024
MAX_SOURCE_BYTES = 256 * 1024 * 1024
SOURCE_SUFFIXES = (".docx", ".pptx", ".xlsx", ".doc", ".ppt", ".xls")
TIME_TOLERANCE_NS = 2 * 10**9
"""File times are compared with 2 s to spare: FAT and zip archives keep them to the even second."""


@dataclass(frozen=True)
class StalePdf:
    pdf: str
    """The PDF's path below the package folder."""
    source: Path
    by_hash: bool
    """True: the manifest's hash of the source no longer matches it; False: only the file times say so."""


@dataclass(frozen=True)
class Manifest:
    path: Path
    sources: dict[str, tuple[str, str | None]]
    """A PDF's path below the package folder → its source's path below the manifest's folder, and the
    source's SHA-256 when the PDF was made (None in a manifest that does not record it)."""


def find_manifest(folder: Path) -> Path | None:
    """`DIR/manifest.json` (a monthly report's folder), else `DIR/../manifest.json` (OUT for OUT/submission)."""
    folder = Path(os.path.abspath(folder))
    for candidate in (folder / "manifest.json", folder.parent / "manifest.json"):
        if os.path.lexists(candidate):
            return candidate
    return None


def read_manifest(path: Path, folder: Path) -> Manifest:
    """The PDF entries of a manifest (contracts: `path`, `source`, `source_sha256`) that lie in `folder`.

    Raises C3pError for a manifest that is no file we can read, and ValueError for one that is not ours.
    """
    if path.is_symlink():
        raise ValueError(_("it is a symbolic link, not the manifest c3p-docs writes"))
    data = json.loads(read_limited(path, N_("manifest"), MAX_MANIFEST_BYTES).decode("utf-8"))
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        raise ValueError(_("it has no list of files"))
    base = path.parent
    prefix = os.path.relpath(os.path.abspath(folder), base).replace(os.sep, "/")
    sources: dict[str, tuple[str, str | None]] = {}
    for entry in files:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(key), str) for key in ("path", "source")):
            continue
        written = posixpath.normpath(entry["path"])
        below = written if prefix == "." else posixpath.relpath(written, prefix)
        if below.startswith("../") or not below.lower().endswith(".pdf"):
            continue
        digest = entry.get("source_sha256")
        sources[below] = (entry["source"], digest if isinstance(digest, str) else None)
    return Manifest(path, sources)


def stale_pdfs(folder: Path, pdfs: list[str], manifest: Manifest | None) -> list[StalePdf]:
    """Which of `pdfs` (paths below `folder`) are older than their source's current content.

    A PDF the manifest lists is stale when its source's bytes no longer hash to what the manifest recorded,
    unless the PDF was saved after the source changed (exported again by hand). A PDF it does not list is
    compared by file time with a same-named Office file beside it or in the parent folder.
    """
    stale = []
    for relative in pdfs:
        pdf = folder / relative
        listed = manifest.sources.get(relative) if manifest else None
        if listed is not None and manifest is not None:
            source = _inside(manifest.path.parent, listed[0])
            if source is None:
                continue
            if listed[1] is not None:
                digest = _sha256(source)
                if digest is not None and digest != listed[1].lower() and _older(pdf, source, 0):
                    stale.append(StalePdf(relative, source, by_hash=True))
                continue
        else:
            source = _same_named_source(pdf, folder)
        if source is not None and _older(pdf, source, TIME_TOLERANCE_NS):
            stale.append(StalePdf(relative, source, by_hash=False))
    return stale


def _inside(base: Path, relative: str) -> Path | None:
    """`relative` below `base`, or None when it leaves it (`..`, an absolute path) or is no regular file."""
    normal = posixpath.normpath(relative.replace("\\", "/"))
    if not normal or normal.startswith(("../", "/")) or normal == ".." or ":" in normal.split("/")[0]:
        return None
    path = base / normal
    return path if _regular(path) else None


def _same_named_source(pdf: Path, folder: Path) -> Path | None:
    for where in (pdf.parent, folder.parent):
        for suffix in SOURCE_SUFFIXES:
            candidate = where / (pdf.stem + suffix)
            if _regular(candidate):
                return candidate
    return None


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _older(pdf: Path, source: Path, tolerance_ns: int) -> bool:
    try:
        return os.lstat(pdf).st_mtime_ns + tolerance_ns < os.lstat(source).st_mtime_ns
    except OSError:
        return False


def _sha256(path: Path) -> str | None:
    """The file's SHA-256, streamed; None when it cannot be read or is larger than any source we make."""
    digest = hashlib.sha256()
    try:
        with open_regular(path, N_("source file")) as stream:
            read = 0
            while chunk := stream.read(1024 * 1024):
                read += len(chunk)
                if read > MAX_SOURCE_BYTES:
                    return None
                digest.update(chunk)
    except (C3pError, OSError):
        return None
    return digest.hexdigest()
