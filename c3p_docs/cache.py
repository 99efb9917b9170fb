"""The per-user cache folder: what was derived from installed data or templates, kept only to save time."""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from c3p_docs import __version__
from c3p_docs.i18n import N_


def enabled() -> bool:
    """False when C3P_NO_CACHE is set (to anything but empty or 0): then no cache is read or written, and
    every command prints the same bytes (what the caches hold is only ever recomputed)."""
    return os.environ.get("C3P_NO_CACHE", "") in ("", "0")


_file_digests: dict[tuple[str, int, int], str] = {}


def source_stamp(files: Iterable[str]) -> str:
    """c3p-docs' version and the SHA-256 of the given source files' contents: what a cache entry computed by
    code in those files depends on (a changed file is another key, even within one version)."""
    digest = hashlib.sha256(__version__.encode())
    for name in sorted(set(files)):
        digest.update(b"\0" + name.encode("utf-8", "surrogateescape") + b"\0" + _file_digest(name).encode())
    return f"c3p-docs {__version__} {digest.hexdigest()}"


def _file_digest(name: str) -> str:
    """A source file's SHA-256, read once per process while its size and time stay the same."""
    try:
        info = os.stat(name)
    except OSError:
        return "missing"
    key = (name, info.st_size, info.st_mtime_ns)
    if key not in _file_digests:
        from c3p_docs.errors import C3pError
        from c3p_docs.loading import read_limited

        try:
            _file_digests[key] = hashlib.sha256(read_limited(Path(name), N_("source file"))).hexdigest()
        except C3pError:
            return "unreadable"
    return _file_digests[key]


def defining_file(function: Any) -> str | None:
    """The source file of a function (through decorators' __wrapped__, bound methods, callable objects)."""
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None) or getattr(getattr(function, "__func__", None), "__code__", None)
    if code is not None:
        return code.co_filename
    module = sys.modules.get(getattr(function, "__module__", None) or type(function).__module__)
    return getattr(module, "__file__", None)


def _versioned(key: str, compute: Callable[[], Any]) -> str:
    """`key` with the version and the source of the code computing the entry (the caller's key names the
    rest: its inputs, the other code and the libraries it depends on)."""
    source = defining_file(compute)
    return f"{key}\0{source_stamp([source] if source else [])}"


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
    if not enabled():
        return compute()
    key = _versioned(key, compute)
    path = user_cache_dir() / f"{name}-{zlib.crc32(key.encode()):08x}.json"
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry.get("key") == key:
            return entry["value"]
    except (OSError, ValueError, AttributeError, KeyError):
        pass
    value = compute()
    _store(path, json.dumps({"key": key, "value": value}, ensure_ascii=False).encode("utf-8"))
    return value


def _store(path: Path, data: bytes) -> None:
    """Write a cache entry atomically, keeping the folder bounded; a folder we cannot write is no error."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
        prune(path.parent, CACHED_FILES)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def prune(folder: Path, limit: int) -> None:
    """Keep a cache folder bounded: past `limit` entries, the older half goes (by when it was written)."""
    try:
        entries = [entry for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False)]
        if len(entries) <= limit:
            return
        entries.sort(key=lambda entry: entry.stat().st_mtime_ns)
        for entry in entries[:len(entries) - limit // 2]:
            os.unlink(entry.path)
    except OSError:  # another run pruned first, or the folder is read-only: nothing is lost either way
        pass


def cached_pickle(name: str, key: str, compute: Callable[[], Any]) -> Any:
    """`compute()`'s result (plain data or pydantic models), kept pickled for later runs while `key` is the same.

    For what is derived from files we install and the files themselves (`key` names their contents and the
    code and library versions that read them). Unpickling trusts the cache folder as Python trusts
    `__pycache__` and Jinja our compiled templates: it is the user's own; anything unreadable is recomputed.
    """
    import io
    import pickle

    if not enabled():
        return compute()
    key = _versioned(key, compute)
    path = user_cache_dir() / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.pickle"
    try:
        with open(path, "rb") as stream:
            stored_key, value = pickle.load(stream)
        if stored_key == key:
            return value
    except Exception:  # noqa: BLE001 - missing, truncated, from another version: compute it again
        pass
    value = compute()
    buffer = io.BytesIO()
    _model_pickler()(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump((key, value))
    _store(path, buffer.getvalue())
    return value


CACHED_FILES = 400
"""Files the cache folder keeps at most (compiled templates are kept in a subfolder of their own)."""


def code_stamp(*sources: str) -> str:
    """What a cached model depends on besides its input: the source files defining it, c3p-docs' version, and
    the library and Python versions that build it."""
    import pydantic
    import pydantic_core

    return f"{source_stamp(sources)} {pydantic.VERSION} {pydantic_core.__version__} {sys.version}"


def _model_pickler() -> type:
    import pickle

    from pydantic import BaseModel

    class ModelPickler(pickle.Pickler):
        """Pickles instances of parametrised generic models (`Sourced[int]`), which pickle cannot find by name:
        as their generic class, its arguments and their state."""

        def reducer_override(self, obj):
            if isinstance(obj, BaseModel):
                origin, arguments = (type(obj).__pydantic_generic_metadata__[key] for key in ("origin", "args"))
                if origin is not None:
                    return _generic_model, (origin, arguments, obj.__getstate__())
            return NotImplemented

    return ModelPickler


def _generic_model(origin, arguments: tuple, state: dict):
    model = origin[arguments if len(arguments) > 1 else arguments[0]]
    instance = model.__new__(model)
    instance.__setstate__(state)
    return instance

