"""The words of each language (templates/LANG/strings.yaml), below every module that prints them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from c3p_docs.jinja_env import template_dir
from c3p_docs.loading import safe_load


@lru_cache(maxsize=8)
def strings(lang: str, override: str | None = None) -> dict:
    """The language's labels (strings.yaml); a user's override file replaces keys it names."""
    data = safe_load((template_dir(lang) / "strings.yaml").read_text(encoding="utf-8"))
    if override:
        for candidate in (Path(override) / lang / "strings.yaml", Path(override) / "strings.yaml"):
            if candidate.is_file():
                data.update(safe_load(candidate.read_text(encoding="utf-8")) or {})
                break
    return data


def phrase(lang: str, group: str, key: str, **values) -> str:
    """One sentence of `group.key` in `lang` with `{name}` filled in (values are formatted by the caller)."""
    return strings(lang)[group][key].format(**values)


def cite(reference: str, lang: str) -> str:
    """A call's section reference in the document's language: the words of `citation` (guidebook, Table,
    item…) replaced, numbers and section signs kept (`guidebook 3.4 (6), Table 6 item 4` → `ガイドブック
    3.4 (6)、表6 項目4`)."""
    import re

    terms = strings(lang).get("citation") or {}
    if not terms:
        return reference
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)) + r"|, ")
    return pattern.sub(lambda m: strings(lang)["list_separator"] if m.group(0) == ", " else terms[m.group(0)],
                       reference)
