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


def names_of(labels_by_lang: list[dict[str, str]], also_by_lang: list[dict[str, list[str]]],
             ids: typing.Iterable[str] = CATEGORY_IDS) -> dict[str, str]:
    """Every accepted name → its id: the id itself, its label in each language (`外国旅費`, `Overseas travel`) and
    the other names the calls use (`謝金`, the guidebook's `Remuneration`)."""
    names: dict[str, str] = {}
    for category in ids:
        names[name_key(category)] = category
        for labels in labels_by_lang:
            if category in labels:
                names[name_key(labels[category])] = category
        for also in also_by_lang:
            for name in also.get(category) or []:
                names.setdefault(name_key(name), category)
    return names


@cache
def built_in_names() -> dict[str, str]:
    """The names of the built-in strings.yaml of both languages (`category` labels and `category_also`)."""
    from c3p_docs.strings import strings

    words = [strings(lang) for lang in ("ja", "en")]
    return names_of([w["category"] for w in words], [w.get("category_also") or {} for w in words])


def category_id(text: str) -> str | None:
    """The id a category name stands for, or None when it names none."""
    if text in CATEGORY_IDS:
        return text
    return built_in_names().get(name_key(text))
