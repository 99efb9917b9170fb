"""One language out of bilingual values, and the values templates and forms see: text in the document's
language that still carries both languages, figures formatted that still carry their number."""

from __future__ import annotations

from typing import Any

from c3p_docs.model import Bilingual, BilingualList


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


class Localized(str):
    """Text in the document's language that also has `.ja` and `.en`: `{{ x }}` prints the document's
    language, `{{ x.ja }}` the Japanese in any document; `.id` is the value behind a label (`ongoing`)."""

    ja: str
    en: str
    id: str | None

    def __new__(cls, text: str | None, ja: str | None = None, en: str | None = None, id: str | None = None):
        value = super().__new__(cls, text or "")
        value.ja = ja if ja is not None else str(value)
        value.en = en if en is not None else str(value)
        value.id = id
        return value

    def __reduce__(self):
        return (Localized, (str(self), self.ja, self.en, self.id))


def localized(text: Bilingual | str | None, lang: str) -> Localized:
    """A bilingual value (or a plain string, the same in both languages) for a document in `lang`; an empty
    text where nothing is given, so `.ja` never fails and `| ph` shows the placeholder."""
    if isinstance(text, Bilingual):
        return Localized(pick(text, lang), text.ja or "", text.en or "")
    return Localized(text or "")


class LocalizedList(list):
    """Lines in the document's language (a list) that also has `.ja` and `.en` lists."""

    ja: list[str]
    en: list[str]

    def __init__(self, lines: list[str], ja: list[str] | None = None, en: list[str] | None = None) -> None:
        super().__init__(lines)
        self.ja = list(ja if ja is not None else lines)
        self.en = list(en if en is not None else lines)

    def __reduce__(self):
        return (LocalizedList, (list(self), self.ja, self.en))


def localized_list(lines: BilingualList | None, lang: str) -> LocalizedList:
    """Lines in `lang`, or in the language given when only one is (validate warns)."""
    if lines is None:
        return LocalizedList([], [], [])
    return LocalizedList(lines.get(lang) or lines.ja or lines.en, lines.ja, lines.en)


class Figure(str):
    """A number, amount or date formatted for the document (`1,234,567円`, `令和8年3月2日`); `.value` is the
    figure itself, which the `yen`, `number`, `date` and `era_date` filters format again."""

    value: Any

    def __new__(cls, text: str, value: Any):
        figure = super().__new__(cls, text)
        figure.value = value
        return figure

    def __reduce__(self):
        return (Figure, (str(self), self.value))


def raw(value: Any) -> Any:
    """The figure behind a formatted value, or the value itself."""
    return value.value if isinstance(value, Figure) else value
