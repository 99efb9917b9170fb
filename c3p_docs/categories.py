"""Budget categories by name: the ids, and the Japanese and English names the YAML and the ledger accept."""

from __future__ import annotations

import typing
import unicodedata
from functools import cache

from c3p_docs.model import BudgetCategory

CATEGORY_IDS: tuple[str, ...] = typing.get_args(BudgetCategory)


def name_key(text: str) -> str:
    """A name compared without case, spaces, `_` or `-`, full-width folded: `Overseas travel` = `overseas_travel`."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split()).replace("_", "").replace("-", "")


def spellings(labels_by_lang: list[dict[str, str]], also_by_lang: list[dict[str, list[str]]],
              ids: typing.Iterable[str] = CATEGORY_IDS) -> list[tuple[str, str, bool]]:
    """Every accepted name as written, with its id and whether it is one of the other names the calls use: the id
    itself, its label in each language (`外国旅費`, `Overseas travel`), then those (`謝金`, `Remuneration`)."""
    found: list[tuple[str, str, bool]] = []
    for category in ids:
        found.append((category, category, False))
        found += [(labels[category], category, False) for labels in labels_by_lang if category in labels]
        found += [(name, category, True) for also in also_by_lang for name in also.get(category) or []]
    return found


def names_of(labels_by_lang: list[dict[str, str]], also_by_lang: list[dict[str, list[str]]],
             ids: typing.Iterable[str] = CATEGORY_IDS) -> dict[str, str]:
    """Every accepted name, compared as `name_key` does, → its id; another name never displaces an id or a label."""
    names: dict[str, str] = {}
    for name, category, other in spellings(labels_by_lang, also_by_lang, ids):
        if other:
            names.setdefault(name_key(name), category)
        else:
            names[name_key(name)] = category
    return names


@cache
def _built_in_words() -> tuple[list[dict[str, str]], list[dict[str, list[str]]]]:
    """The `category` labels and `category_also` names of the built-in strings.yaml of both languages."""
    from c3p_docs.strings import strings

    words = [strings(lang) for lang in ("ja", "en")]
    return [w["category"] for w in words], [w.get("category_also") or {} for w in words]


@cache
def built_in_names() -> dict[str, str]:
    """The names of the built-in strings.yaml of both languages (`category` labels and `category_also`)."""
    return names_of(*_built_in_words())


def written_names() -> list[str]:
    """Every built-in category name as written (ids, labels, other names), each once: what the JSON Schema lists."""
    return list(dict.fromkeys(name for name, _, _ in spellings(*_built_in_words())))


def category_id(text: str) -> str | None:
    """The id a category name stands for, or None when it names none."""
    if text in CATEGORY_IDS:
        return text
    return built_in_names().get(name_key(text))
