"""Where templates live, and the sandboxed Jinja environment every document renders through."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path


def template_dir(lang: str) -> Path:
    """The built-in templates of a language: the repository's `templates/` or the installed copy."""
    source_tree = Path(__file__).resolve().parent.parent / "templates" / lang
    if source_tree.is_dir():
        return source_tree
    from importlib.resources import files

    return Path(str(files("c3p_docs.templates") / lang))


@lru_cache(maxsize=8)
def environment(lang: str, override: str | None = None):
    """Sandboxed Jinja, escaping into every template but plain-text ones (`.txt.j2`, mail bodies).

    User data is passed as values and never evaluated as a template.
    """
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    loaders = []
    if override:
        loaders += [FileSystemLoader(str(Path(override) / lang)), FileSystemLoader(override)]
    loaders.append(FileSystemLoader(str(template_dir(lang))))
    loaders.append(FileSystemLoader(str(template_dir("common"))))
    autoescape = select_autoescape(["xml.j2", "xml"], disabled_extensions=("txt.j2",), default=True)
    env = SandboxedEnvironment(loader=ChoiceLoader(loaders), autoescape=autoescape, undefined=StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
                               bytecode_cache=_bytecode_cache())
    return env


CACHED_TEMPLATES = 600


@lru_cache(maxsize=1)
def _bytecode_cache():
    """Compiled templates kept between runs (compiling them all costs ~200 ms per build); None if unusable."""
    from jinja2 import FileSystemBytecodeCache
    from jinja2.bccache import Bucket

    class _BytecodeCache(FileSystemBytecodeCache):
        """Keyed by everything the compiled code depends on besides the source, which Jinja checks itself.

        Compiled code also depends on Jinja's version, the environment's class and settings, and how each
        filter and test takes its arguments; a cached template never outlives a change in any of them. A
        cache that cannot be read or written is skipped, never an error.
        """

        def get_bucket(self, environment, name, filename, source):
            key = self.get_cache_key(f"{_compile_settings(environment, name)}|{name}", filename)
            bucket = Bucket(environment, key, self.get_source_checksum(source))
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

    from c3p_docs.cache import prune, user_cache_dir

    folder = user_cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    prune(folder, CACHED_TEMPLATES)  # each --templates folder adds its own entries
    return _BytecodeCache(str(folder))


def _compile_settings(environment, name: str) -> str:
    """What Jinja's compiler reads from the environment when it compiles template `name`."""
    import jinja2
    from jinja2.utils import _PassArg

    autoescape = environment.autoescape
    settings = (jinja2.__version__, sys.version, type(environment).__module__, type(environment).__qualname__,
                environment.block_start_string, environment.block_end_string, environment.variable_start_string,
                environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
                environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
                environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
                environment.optimized, environment.is_async, environment.sandboxed,
                sorted(getattr(environment, "intercepted_binops", ())),
                sorted(getattr(environment, "intercepted_unops", ())), environment.undefined.__qualname__,
                autoescape(name) if callable(autoescape) else autoescape, sorted(environment.extensions),
                _PassArg.from_obj(environment.finalize) if environment.finalize else None,
                sorted((n, str(_PassArg.from_obj(f))) for n, f in environment.filters.items()),
                sorted((n, str(_PassArg.from_obj(f))) for n, f in environment.tests.items()))
    return repr(settings)
