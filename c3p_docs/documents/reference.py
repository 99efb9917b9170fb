"""Base documents: ours (`templates/common/reference.docx|pptx`) or a user's in `--templates`, copied per document."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from c3p_docs.errors import UsageError
from c3p_docs.jinja_env import template_dir


def reference_path(extension: str, lang: str, templates: str | None = None) -> Path:
    """`reference.docx` or `.pptx`: the user's (DIR/LANG/, then DIR/) before ours (LANG/, then common/)."""
    name = f"reference{extension}"
    folders = [Path(templates) / lang, Path(templates)] if templates else []
    folders += [template_dir(lang), template_dir("common")]
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    raise UsageError(f"{name} is missing from c3p-docs' templates ({template_dir('common')}); reinstall c3p-docs.")


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
        raise UsageError(f"{path}: cannot be used as the reference {kind} document ({type(error).__name__}: "
                         f"{error}). Save it from {kind} as a {Path(path).suffix} file (not a template), or remove "
                         "it to use the built-in one.") from None


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
    with _usable(path):
        document = opener(path)
        prepare(document, lang)
        data = save(document)  # type: ignore[arg-type]
    return opener(io.BytesIO(data))
