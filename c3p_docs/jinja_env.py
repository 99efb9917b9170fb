"""Where templates live, and the sandboxed Jinja environment every document renders through."""

from __future__ import annotations

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
                               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
    return env
