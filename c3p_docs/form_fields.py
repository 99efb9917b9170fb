"""The variables and filters a tagged official form may use: the project as data, plus computed figures."""

from __future__ import annotations

import datetime as dt

from c3p_docs.budget import compute_budget
from c3p_docs.calls import CallRules
from c3p_docs.countries import country_name
from c3p_docs.eras import fiscal_year_ja, format_date, format_era_date, format_number, format_yen
from c3p_docs.model import Project
from c3p_docs.scoring import cost_effectiveness


def form_context(project: Project, rules: CallRules) -> dict:
    """`project.title.ja`, `budget.total` (JPY int), `budget.items[]`, `activities[]`, `call.*`, `subject`…"""
    from c3p_docs.documents.context import document_date
    from c3p_docs.subject import make_subject

    data = project.model_dump(mode="python")
    summary = compute_budget(project.budget, rules)
    for item, model_item in zip(data["budget"]["items"], project.budget.items):
        item["amount"] = model_item.amount
    data["budget"].update({
        "by_category": summary.by_category, "personnel": summary.by_group["personnel"],
        "operating": summary.by_group["operating"], "outsourcing": summary.by_group["outsourcing"],
        "joint_implementation": summary.by_group["joint_implementation"], "direct": summary.direct,
        "general_admin": summary.general_admin, "subtotal": summary.subtotal, "tax": summary.tax,
        "total": summary.total, "cap": summary.cap,
    })
    value, _ = cost_effectiveness(project)
    data["jcm"]["total_reduction_t"] = sum(p.annual_reduction_t or 0 for p in project.jcm.projects)
    data["jcm"]["cost_effectiveness"] = value
    data["partner_city"]["country_ja"] = country_name(project.partner_city.country, "ja")
    data["call"] = {"id": rules.id, "name": rules.name.model_dump(), "fiscal_year": rules.fiscal_year,
                    "fiscal_year_ja": fiscal_year_ja(rules.fiscal_year), "mail_to": rules.mail.to.value}
    data["subject"] = make_subject(project, rules)
    data["date"] = document_date(project, rules)
    return data


def _yen(value, lang: str = "ja") -> str:
    return "" if value is None else format_yen(value, lang)


def _date(value, lang: str = "ja") -> str:
    return "" if value is None else format_date(value, lang)


def _era_date(value) -> str:
    return "" if value is None else format_era_date(value)


def _number(value, digits: int = 0, lang: str = "ja") -> str:
    return "" if value is None else format_number(value, lang, digits)


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


def flatten(data, prefix: str = "") -> list[tuple[str, str, object]]:
    """(path, type, example) for every leaf; list items are shown once as `name[]`."""
    rows: list[tuple[str, str, object]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            rows += flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        if data and isinstance(data[0], (dict, list)):
            rows.append((prefix, "list", f"{len(data)} item(s)"))
            rows += flatten(data[0], prefix + "[]")
        else:
            rows.append((prefix, "list", data[:3]))
    else:
        kind = {bool: "bool", int: "int", float: "float", str: "str", dt.date: "date"}.get(type(data), "any")
        rows.append((prefix, kind if data is not None else "optional", data))
    return rows
