"""Base documents: ours (`templates/common/reference.docx|pptx`) or a user's in `--templates`, copied per document."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from c3p_docs.errors import UsageError
from c3p_docs.i18n import N_, _
from c3p_docs.jinja_env import template_dir

MAX_REFERENCE_BYTES = 50 * 1024 * 1024
"""A reference document holds styles, a theme and a few images: ours is ~40 KB, a corporate one a few MB."""
MAX_REFERENCE_PARTS = 2_000
MAX_REFERENCE_UNCOMPRESSED = 200 * 1024 * 1024
"""Declared size of all its parts together: a real one is far below, a zip bomb far above."""


def reference_path(extension: str, lang: str, templates: str | None = None) -> Path:
    """`reference.docx` or `.pptx`: the user's (DIR/LANG/, then DIR/) before ours (LANG/, then common/)."""
    import os
    import stat

    name = f"reference{extension}"
    for folder in [Path(templates) / lang, Path(templates)] if templates else []:
        candidate = folder / name
        try:
            mode = os.lstat(candidate).st_mode
        except OSError:
            continue
        if not stat.S_ISREG(mode):  # a link, a pipe or a folder in the user's folder: named, never followed
            raise UsageError(_("{file}: not a regular file (a link, pipe or folder); --templates reads only files "
                               "saved in the folder itself. Put a {suffix} file there, or remove it.").format(
                file=candidate, suffix=extension))
        return candidate
    for folder in (template_dir(lang), template_dir("common")):
        if (folder / name).is_file():
            return folder / name
    raise UsageError(_("{name} is missing from c3p-docs' templates ({folder}); reinstall c3p-docs.").format(
        name=name, folder=template_dir("common")))


def base_document(extension: str, lang: str, templates: str | None, prepare: Callable[[object, str], None],
                  finish: Callable[[object, str], None] | None = None):
    """A new python-docx Document / python-pptx Presentation to render into.

    The reference is read and `prepare`d once per process and language; each document gets a deep copy
    (~1 ms, against ~3–5 ms to open the package again, ~25 ms for python-docx's default template). With `finish`,
    `prepare` does what does not depend on the language (it is given ""), once per process, and
    `finish(document, lang)` the rest on every copy: quick work there spares a second language's save and reopen.
    """
    path = str(reference_path(extension, lang, templates))
    document = copy.deepcopy(_pristine(path, "" if finish else lang, prepare))
    if finish is not None:
        with _usable(path):
            finish(document, lang)
    return document


@contextmanager
def _usable(path: str) -> Iterator[None]:
    """A user's file we cannot use: say which and why, not a traceback."""
    try:
        yield
    except Exception as error:
        kind = "Word" if path.endswith(".docx") else "PowerPoint"
        raise UsageError(_("{file}: cannot be used as the reference {program} document ({error}). Save it from "
                           "{program} as a {suffix} file (not a template), or remove it to use the built-in one.").format(
            file=path, program=kind, error=f"{type(error).__name__}: {error}", suffix=Path(path).suffix)) from None


def _checked(path: str) -> bytes:
    """The reference's bytes, once it is known to be a sane Office package: read with a size cap, not a zip bomb,
    and no part declaring a DOCTYPE (entities Office never writes, which an XML parser may expand)."""
    import zipfile

    from c3p_docs.loading import read_limited

    kind = "Word" if path.endswith(".docx") else "PowerPoint"
    data = read_limited(Path(path), N_("reference document"), MAX_REFERENCE_BYTES)
    advice = _("Save it again from {program} as a {suffix} file, or remove it to use the built-in one.").format(
        program=kind, suffix=Path(path).suffix)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
            if len(parts) > MAX_REFERENCE_PARTS or sum(p.file_size for p in parts) > MAX_REFERENCE_UNCOMPRESSED:
                raise UsageError(_("{file}: too many or too large parts for a reference document (a zip bomb?). "
                                   "{advice}").format(file=path, advice=advice))
            for part in parts:
                if part.filename.lower().endswith((".xml", ".rels")) and _declares_doctype(package, part):
                    raise UsageError(_("{file}: its part {part} declares a DOCTYPE (XML entities), which {program} "
                                       "never writes. {advice}").format(file=path, part=part.filename, program=kind,
                                                                       advice=advice))
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        raise UsageError(_("{file}: not a {program} file (not a zip package). {advice}").format(
            file=path, program=kind, advice=advice)) from None
    return data


def _declares_doctype(package, part) -> bool:
    """Whether an XML part has `<!DOCTYPE` or `<!ENTITY`, read in chunks (a marker split by a chunk is found)."""
    tail = b""
    with package.open(part) as stream:
        while chunk := stream.read(1 << 20):
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                return True
            tail = window[-8:]
    return False


@lru_cache(maxsize=16)
def _pristine(path: str, lang: str, prepare: Callable[[object, str], None]):
    """The prepared reference, saved and opened again: an object no API call has touched, safe to deep-copy, its
    parts in the order the library writes them.

    (python-docx and python-pptx cache wrappers of inner XML elements once used; a deep copy of such a
    wrapper would copy its element apart from the tree it belongs to.)
    """
    from c3p_docs.documents.packaging import save_docx, save_pptx

    if path.endswith(".pptx"):
        from pptx import Presentation as opener

        save = save_pptx
    else:
        from docx import Document as opener  # type: ignore[assignment]

        save = save_docx  # type: ignore[assignment]
    data = _checked(path)
    with _usable(path):
        document = opener(io.BytesIO(data))
        prepare(document, lang)
        data = save(document)  # type: ignore[arg-type]
    return opener(io.BytesIO(data))
