"""The values the settlement templates (Excel workbook, one-page Word summary) see, in one language."""

from __future__ import annotations

from c3p_docs.bilingual import pick
from c3p_docs.eras import fiscal_year_bounds, format_yen, printed_date
from c3p_docs.settlement import Settlement, Spend, file_name


def _figures(plan: int, actual: int, lang: str) -> dict:
    return {"plan": plan, "actual": actual, "difference": plan - actual, "over": actual > plan,
            "plan_text": format_yen(plan, lang), "actual_text": format_yen(actual, lang),
            "difference_text": format_yen(plan - actual, lang),
            "ratio": f"{actual / plan:.4f}" if plan else ""}


def _where(spend: Spend, words: dict) -> str:
    """Where a cost came from in the document's words (`Actual cost 3`, `ledger.csv line 12`), no YAML keys."""
    if spend.number is not None:
        return words["actual"].replace("{n}", str(spend.number))
    name = file_name(spend.file)
    return words["ledger_line"].replace("{name}", name).replace("{line}", str(spend.line)) if spend.line else name


def _source(source: dict, words: dict) -> str:
    note = words["shift_jis"] if source["encoding"] == "cp932" else ""
    return (words[source["kind"]].replace("{name}", source["name"]).replace("{n}", str(source["lines"]))
            .replace("{note}", note))


def settlement_context(base: dict, settlement: Settlement, sources: list[dict], lang: str) -> dict:
    """The build context plus `settlement`: rows by category and group, totals, every line, every issue."""
    words = base["t"]
    labels = words["settle"]
    plan, actual = settlement.plan, settlement.actual
    start, end = fiscal_year_bounds(settlement.fiscal_year)

    def line(spend, counted: bool) -> dict:
        return {"date": spend.date.isoformat(), "date_text": printed_date(spend.date, lang),
                "category": words["category"][spend.category] if spend.category else spend.category_text,
                "description": pick(spend.description, lang) or "", "amount": spend.amount,
                "amount_text": format_yen(spend.amount, lang), "where": _where(spend, labels),
                "counted": counted, "order": (spend.file, spend.number or spend.line or 0)}

    def _figure(value):
        if isinstance(value, Spend):
            return _where(value, labels)
        return format_yen(value, lang) if isinstance(value, int) else value

    def issue(item) -> dict:
        return {"code": item.code, "severity": item.severity, "severity_text": words["severity"][item.severity],
                "where": _where(item.spend, labels) if item.spend else "",
                "category": words["category"][item.category] if item.category else
                (item.spend.category_text if item.spend else ""),
                "date": printed_date(item.spend.date, lang) if item.spend else "",
                "amount": format_yen(item.spend.amount, lang) if item.spend else "",
                **{key: _figure(value) for key, value in item.figures.items()}}

    groups = [{"name": words["group"][g], **_figures(plan.by_group[g], actual.by_group[g], lang)}
              for g in plan.by_group if plan.by_group[g] or actual.by_group[g]]
    every_line = sorted([line(s, True) for s in settlement.counted] + [line(s, False) for s in settlement.excluded],
                        key=lambda entry: (entry["date"], entry["order"]))
    return {
        **base,
        "settlement": {
            "fiscal_year": settlement.fiscal_year,
            "period": f"{printed_date(start, lang)}{words['trip']['range']}{printed_date(end, lang)}",
            "rows": [{"name": words["category"][c], **_figures(plan.by_category.get(c, 0), actual.by_category.get(c, 0), lang)}
                     for c in settlement.categories],
            "groups": groups,
            "general_admin": _figures(plan.general_admin, actual.general_admin, lang),
            "subtotal": _figures(plan.subtotal, actual.subtotal, lang),
            "tax": _figures(plan.tax, actual.tax, lang),
            "total": _figures(plan.total, actual.total, lang),
            "contract": settlement.contract, "contract_text": format_yen(settlement.contract, lang)
            if settlement.contract is not None else None,
            "payable": settlement.payable, "payable_text": format_yen(settlement.payable, lang)
            if settlement.payable is not None else None,
            "lines": every_line,
            "counted": len(settlement.counted), "excluded": len(settlement.excluded),
            "counted_total": sum(s.amount for s in settlement.counted),
            "excluded_total": format_yen(settlement.excluded_total, lang),
            "issues": [issue(i) for i in settlement.issues],
            "errors": sum(i.severity == "error" for i in settlement.issues),
            "warnings": sum(i.severity == "warning" for i in settlement.issues),
            "sources": [_source(s, labels) for s in sources],
        },
    }
