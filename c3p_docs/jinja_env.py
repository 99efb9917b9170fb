"""Where templates live, and the sandboxed Jinja environment every document renders through."""

from __future__ import annotations

import os
import sys
from functools import cache, lru_cache
from pathlib import Path

from c3p_docs.i18n import N_, _

MAX_TEMPLATE_BYTES = 1024 * 1024


@cache
def _templates_root() -> Path:
    """The package's own `c3p_docs.templates` resources (the wheel maps the repository's top-level
    `templates/` there); in a source checkout without an install, the repository's `templates/`."""
    from importlib.util import find_spec

    try:
        spec = find_spec("c3p_docs.templates")
    except ImportError:
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location, "ja").is_dir():
            return Path(location)
    # Never `site-packages/templates`: only a checkout whose pyproject is ours.
    checkout = Path(__file__).resolve().parent.parent
    pyproject = checkout / "pyproject.toml"
    if pyproject.is_file() and 'name = "c3p-docs"' in pyproject.read_text(encoding="utf-8"):
        return checkout / "templates"
    raise RuntimeError(_("c3p-docs is installed without its templates (c3p_docs.templates); reinstall it."))


def template_dir(lang: str) -> Path:
    """The built-in templates of a language (`ja`, `en`, `common`)."""
    return _templates_root() / lang


def _user_loader(folder: Path):
    """A loader for the user's --templates folder that reads only regular files inside it: a link to
    /etc/shadow or a FIFO there is refused, never read or quoted."""
    from jinja2 import FileSystemLoader, TemplateError, TemplateNotFound

    from c3p_docs.errors import C3pError
    from c3p_docs.loading import read_limited

    class UserTemplates(FileSystemLoader):
        def get_source(self, environment, template):
            from jinja2.loaders import split_template_path

            root = os.path.realpath(folder)
            path = os.path.join(root, *split_template_path(template))
            if not os.path.lexists(path):
                raise TemplateNotFound(template)
            if os.path.islink(path) or os.path.commonpath([root, os.path.realpath(path)]) != root:
                raise TemplateError(_("{file} is a symbolic link; --templates reads only files saved in the folder "
                                      "itself. Copy the file there instead.").format(file=path))
            try:
                text = read_limited(Path(path), N_("template"), MAX_TEMPLATE_BYTES).decode("utf-8")
            except C3pError as error:
                raise TemplateError(error.message) from None
            except UnicodeDecodeError:
                raise TemplateError(_("{file}: not UTF-8 text; save it as UTF-8.").format(file=path)) from None
            mtime = os.path.getmtime(path)
            return text, path, lambda: os.path.exists(path) and os.path.getmtime(path) == mtime

    return UserTemplates(str(folder))


@lru_cache(maxsize=8)
def environment(lang: str, override: str | None = None):
    """Sandboxed Jinja with limits (c3p_docs.sandbox), escaping into every template but plain-text ones
    (`.txt.j2`, mail bodies).

    User data is passed as values and never evaluated as a template.
    """
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape

    from c3p_docs.sandbox import LimitedEnvironment

    loaders = []
    if override:
        loaders += [_user_loader(Path(override) / lang), _user_loader(Path(override))]
    loaders.append(FileSystemLoader(str(template_dir(lang))))
    loaders.append(FileSystemLoader(str(template_dir("common"))))
    autoescape = select_autoescape(["xml.j2", "xml"], disabled_extensions=("txt.j2",), default=True)
    env = LimitedEnvironment(loader=ChoiceLoader(loaders), autoescape=autoescape, undefined=StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
                             bytecode_cache=_bytecode_cache())
    env.limit_filters()
    # Jinja evaluates filters on constants while compiling, so compiled code holds language-specific values:
    # templates both languages load (templates/common) must not share one cached compilation.
    env.cache_identity = f"{lang}|{override or ''}"  # type: ignore[attr-defined]
    return env


CACHED_TEMPLATES = 600


@lru_cache(maxsize=1)
def _bytecode_cache():
    """Compiled templates kept between runs (compiling them all costs ~200 ms per build); None if unusable."""
    import marshal
    import pickle
    from io import BytesIO

    from jinja2 import FileSystemBytecodeCache
    from jinja2.bccache import Bucket, bc_magic

    class _Bucket(Bucket):
        """Unmarshals an entry from memory: `marshal.load` on a file reads it in many small calls (~10× slower:
        ~8 ms of a build's templates)."""

        def load_bytecode(self, f) -> None:
            data = f.read()
            header = BytesIO(data)
            if header.read(len(bc_magic)) != bc_magic or pickle.load(header) != self.checksum:
                self.reset()
                return
            try:
                self.code = marshal.loads(memoryview(data)[header.tell():])
            except (EOFError, ValueError, TypeError):
                self.reset()

    class _BytecodeCache(FileSystemBytecodeCache):
        """Keyed by everything the compiled code depends on besides the source, which Jinja checks itself.

        Compiled code also depends on Jinja's version, the environment's class and settings, and how each
        filter and test takes its arguments; a cached template never outlives a change in any of them. A
        cache that cannot be read or written is skipped, never an error.
        """

        def get_bucket(self, environment, name, filename, source):
            checksum = self.get_source_checksum(source)
            key = self.get_cache_key(f"{_compile_settings(environment, name)}|{name}|{checksum}", filename)
            bucket = _Bucket(environment, key, checksum)
            try:
                self.load_bytecode(bucket)
            except Exception:  # unreadable or damaged entry: compile afresh
                bucket.reset()
            return bucket

        def dump_bytecode(self, bucket):
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    from c3p_docs.cache import enabled, prune, user_cache_dir

    if not enabled():
        return None
    folder = user_cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    prune(folder, CACHED_TEMPLATES)  # each --templates folder adds its own entries
    return _BytecodeCache(str(folder))


def _compile_settings(environment, name: str) -> str:
    """What Jinja's compiler reads from the environment when it compiles template `name` (written as the repr
    of one tuple of them all, as cache entries have always been named)."""
    autoescape = environment.autoescape
    escaped = autoescape(name) if callable(autoescape) else autoescape
    head, tail = _environment_settings(environment, tuple(environment.filters.items()),
                                       tuple(environment.tests.items()))
    return f"({head}, {escaped!r}, {tail})"


@lru_cache(maxsize=16)
def _environment_settings(environment, filters: tuple, tests: tuple) -> tuple[str, str]:
    """The settings before and after the template's own (autoescape), once per environment and set of filters
    and tests: Jinja's other settings are fixed once a template is loaded, filters are not (a build sets `ph`).

    The tail ends with c3p-docs' version and the source of the code compiled templates depend on: this module,
    the environment's class (its code generator) and every filter and test, whose results Jinja folds into the
    compiled code when their arguments are constants.
    """
    import jinja2
    from jinja2.utils import _PassArg

    from c3p_docs.cache import defining_file, source_stamp

    head = (jinja2.__version__, sys.version, type(environment).__module__, type(environment).__qualname__,
            getattr(environment, "compiled_as", ""), getattr(environment, "cache_identity", ""),
            environment.block_start_string, environment.block_end_string, environment.variable_start_string,
            environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
            environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
            environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
            environment.optimized, environment.is_async, environment.sandboxed,
            sorted(getattr(environment, "intercepted_binops", ())),
            sorted(getattr(environment, "intercepted_unops", ())), environment.undefined.__qualname__)
    classes = (type(environment), type(environment).code_generator_class)
    code = [__file__, *(getattr(sys.modules.get(c.__module__), "__file__", None) for c in classes),
            *(defining_file(function) for _name, function in filters + tests)]
    tail = (sorted(environment.extensions),
            _PassArg.from_obj(environment.finalize) if environment.finalize else None,
            sorted((n, str(_PassArg.from_obj(f))) for n, f in filters),
            sorted((n, str(_PassArg.from_obj(f))) for n, f in tests),
            source_stamp(name for name in code if name))
    return ", ".join(map(repr, head)), ", ".join(map(repr, tail))
