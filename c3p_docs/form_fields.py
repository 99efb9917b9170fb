"""The variables and filters a tagged official form may use: the namespace of the built-in templates."""

from __future__ import annotations

import datetime as dt

from c3p_docs.bilingual import Figure, Localized, LocalizedList, raw
from c3p_docs.calls import CallRules
from c3p_docs.eras import format_date, format_era_date, format_number, format_yen
from c3p_docs.model import Project


def form_context(project: Project, rules: CallRules, lang: str = "ja", override: str | None = None) -> dict:
    """The same namespace built-in templates see (`project.title`, `applicant.name.ja`, `budget.total`, …)."""
    from c3p_docs.documents.context import build_context

    return build_context(project, rules, lang, override)


def _yen(value, lang: str = "ja") -> str:
    value = raw(value)
    return "" if value is None or value == "" else format_yen(value, lang)


def _date(value, lang: str = "ja") -> str:
    value = raw(value)
    return "" if value is None or value == "" else format_date(value, lang)


def _era_date(value) -> str:
    value = raw(value)
    return "" if value is None or value == "" else format_era_date(value)


def _number(value, digits: int = 0, lang: str = "ja") -> str:
    value = raw(value)
    return "" if value is None or value == "" else format_number(value, lang, digits)


FILTERS = {
    "yen": (_yen, "1,234,567円; `| yen('en')` → JPY 1,234,567"),
    "date": (_date, "2026年5月7日; `| date('en')` → 7 May 2026"),
    "era_date": (_era_date, "令和8年5月7日"),
    "number": (_number, "1,234; `| number(1)` → 1,234.5"),
}


def install_filters(env, placeholder: str) -> None:
    for name, (function, _) in FILTERS.items():
        env.filters[name] = function
    env.filters["ph"] = lambda value: placeholder if value in (None, "", []) else value


HIDDEN = ("t", "forms")
"""Top-level names forms may use but `fields` does not list: our templates' words, the form paths."""


def flatten(data, prefix: str = "") -> list[tuple[str, str, object]]:
    """(path, type, example) for every leaf; list items are shown once as `name[]`; text also as `.ja`/`.en`;
    a figure's example is the Figure (it prints formatted), also listed as `.value` (the number or date)."""
    rows: list[tuple[str, str, object]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if not prefix and key in HIDDEN:
                continue
            rows += flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, LocalizedList):
        rows += [(prefix, "lines", list(data[:3])), (f"{prefix}.ja", "lines", data.ja[:3]),
                 (f"{prefix}.en", "lines", data.en[:3])]
    elif isinstance(data, list):
        if data and isinstance(data[0], (dict, list)):
            rows.append((prefix, "list", f"{len(data)} item(s)"))
            rows += flatten(data[0], prefix + "[]")
        else:
            rows.append((prefix, "list", [str(item) for item in data[:3]]))
    elif isinstance(data, Localized):
        rows += [(prefix, "text", str(data)), (f"{prefix}.ja", "text", data.ja), (f"{prefix}.en", "text", data.en)]
        if data.id is not None:
            rows.append((f"{prefix}.id", "str", data.id))
    elif isinstance(data, Figure):
        kind = _KIND.get(type(data.value), "any")
        rows += [(prefix, kind, data), (f"{prefix}.value", kind, data.value)]
    else:
        kind = _KIND.get(type(data), "any")
        rows.append((prefix, kind if data is not None else "optional", data))
    return rows


_KIND = {bool: "bool", int: "int", float: "float", str: "str", dt.date: "date"}
