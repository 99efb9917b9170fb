"""Picking one language out of a bilingual value: the language asked for, else the one the user gave."""

from __future__ import annotations

from c3p_docs.model import Bilingual


def pick(text: Bilingual | str | None, lang: str) -> str | None:
    """The text in `lang`; a plain string as is; a value given in only one language as given (validate warns)."""
    if text is None:
        return None
    if isinstance(text, str):
        return text
    return text.get(lang) or text.ja or text.en


def pick_strict(text: Bilingual | str | None, lang: str) -> str | None:
    """The text in `lang` only; None when that language is missing (for checks that need both)."""
    if text is None or isinstance(text, str):
        return text
    return text.get(lang)
