"""The values the settlement templates (Excel workbook, one-page Word summary) see, in one language."""

from __future__ import annotations

from c3p_docs.bilingual import pick
from c3p_docs.eras import fiscal_year_bounds, format_date, format_yen
from c3p_docs.settlement import Settlement


def _figures(plan: int, actual: int, lang: str) -> dict:
    return {"plan": plan, "actual": actual, "difference": plan - actual, "over": actual > plan,
            "plan_text": format_yen(plan, lang), "actual_text": format_yen(actual, lang),
            "difference_text": format_yen(plan - actual, lang),
            "ratio": f"{actual / plan:.4f}" if plan else ""}


def settlement_context(base: dict, settlement: Settlement, sources: list[dict], lang: str) -> dict:
    """The build context plus `settlement`: rows by category and group, totals, every line, every issue."""
    words = base["t"]
    plan, actual = settlement.plan, settlement.actual
    start, end = fiscal_year_bounds(settlement.fiscal_year)

    def line(spend, counted: bool) -> dict:
        return {"date": spend.date.isoformat(), "date_text": format_date(spend.date, lang),
                "category": words["category"][spend.category] if spend.category else spend.category_text,
                "description": pick(spend.description, lang) or "", "amount": spend.amount,
                "amount_text": format_yen(spend.amount, lang), "where": spend.where, "counted": counted}

    def issue(item) -> dict:
        return {"code": item.code, "severity": item.severity, "severity_text": words["severity"][item.severity],
                "where": item.spend.where if item.spend else "",
                "category": words["category"][item.category] if item.category else
                (item.spend.category_text if item.spend else ""),
                "date": format_date(item.spend.date, lang) if item.spend else "",
                "amount": format_yen(item.spend.amount, lang) if item.spend else "",
                **{key: (format_yen(value, lang) if isinstance(value, int) else value) for key, value in item.figures.items()}}

    groups = [{"name": words["group"][g], **_figures(plan.by_group[g], actual.by_group[g], lang)}
              for g in plan.by_group if plan.by_group[g] or actual.by_group[g]]
    every_line = sorted([line(s, True) for s in settlement.counted] + [line(s, False) for s in settlement.excluded],
                        key=lambda entry: (entry["date"], entry["where"]))
    return {
        **base,
        "settlement": {
            "fiscal_year": settlement.fiscal_year,
            "period": f"{format_date(start, lang)}{words['trip']['range']}{format_date(end, lang)}",
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
            "sources": sources,
        },
    }
