"""The values the implementation plan (実施計画書) template sees: the fiscal year's activities, structure,
month-by-month schedule and budget by category."""

from __future__ import annotations

import datetime as dt

from c3p_docs.bilingual import pick
from c3p_docs.budget import compute_budget
from c3p_docs.calls import CallRules
from c3p_docs.consultation import activity_rule_name
from c3p_docs.eras import fiscal_year_bounds, format_yen, printed_date, printed_month
from c3p_docs.model import Activity, Project
from c3p_docs.trips import counted_activities, last_day


def fiscal_months(fiscal_year: int) -> list[dt.date]:
    """The first day of each month of the fiscal year, April to March."""
    return [dt.date(fiscal_year + (month < 4), month, 1) for month in (*range(4, 13), 1, 2, 3)]


def activities_of_year(project: Project, fiscal_year: int) -> list[Activity]:
    start, end = fiscal_year_bounds(fiscal_year)
    return sorted((a for a in project.activities if a.status != "cancelled" and start <= a.first_day <= end),
                  key=lambda a: (a.first_day, a.kind))


def month_marks(first: dt.date, last: dt.date, months: list[dt.date]) -> list[bool]:
    """For each month of the year, whether the span first–last touches it."""
    return [(month.year, month.month) >= (first.year, first.month) and (month.year, month.month) <= (last.year, last.month)
            for month in months]


def _period(activity: Activity, lang: str, words: dict) -> str:
    if not activity.date and not activity.itinerary:
        return printed_month(activity.month_key, lang)
    first, last = activity.first_day, last_day(activity)
    text = printed_date(first, lang)
    if last != first:
        text += words["trip"]["range"] + printed_date(last, lang)
    return text


def plan_context(base: dict, project: Project, rules: CallRules, lang: str) -> dict:
    """The build context plus `year`: goals, activities in detail, structure, schedule and money of the fiscal year."""
    words = base["t"]
    fiscal_year = rules.fiscal_year
    months = fiscal_months(fiscal_year)
    activities = activities_of_year(project, fiscal_year)
    plan = next((p for p in project.plan if p.fiscal_year == fiscal_year), None)
    schedule = [{"kind": words["activity"][a.kind], "title": pick(a.title, lang),
                 "marks": ["●" if hit else "" for hit in month_marks(a.first_day, last_day(a), months)]}
                for a in activities]
    scheduled_kinds = {a.kind for a in activities}
    for window in rules.report_sessions:
        if "report_session" not in scheduled_kinds:
            schedule.append({"kind": None, "title": window.name.get(lang),
                             "marks": ["○" if m.month in window.months else "" for m in months]})
    schedule.append({"kind": None, "title": words["plan"]["monthly_row"], "marks": ["●"] * len(months)})
    required = [{"name": activity_rule_name(rule, rules, project, lang, words), "minimum": rule.min_per_year, "source": rule.source,
                 "scheduled": len(counted_activities(rule, activities))} for rule in rules.activities]
    summary = compute_budget(project.budget, rules)
    by_category = []
    for category, amount in summary.by_category.items():
        items = [i.described(lang) for i in project.budget.items if i.category == category]
        by_category.append({"category": words["category"][category], "amount": format_yen(amount, lang), "lines": items})
    manager = pick(project.project_manager.name, lang) if project.project_manager else None
    structure = [{"position": words["plan"]["position"]["applicant"], "name": pick(project.applicant.name, lang),
                  "role": (words["plan"]["manager"] + manager) if manager else None}]
    structure += [{"position": words["plan"]["position"]["joint_implementer"], "name": pick(o.name, lang),
                   "role": pick(o.role, lang)} for o in project.joint_implementers]
    structure.append({"position": words["plan"]["position"]["japanese_city"],
                      "name": pick(project.japanese_city.name, lang), "role": None})
    structure.append({"position": words["plan"]["position"]["partner_city"], "name": pick(project.partner_city.name, lang),
                      "role": base["agreement"]["kind"]})
    details = [{"kind": words["activity"][a.kind], "title": pick(a.title, lang), "period": _period(a, lang, words),
                "place": pick(a.place, lang), "status": words["activity_status"][a.status],
                "purpose": pick(a.purpose, lang),
                "itinerary": [{"date": printed_date(d.date, lang), "place": pick(d.place, lang), "visit": pick(d.visit, lang)}
                              for d in sorted(a.itinerary, key=lambda d: d.date)],
                "programme": a.programme.get(lang),
                "participants": [pick(p, lang) for p in a.participants]} for a in activities]
    return {
        **base,
        "year": {
            "fiscal_year": fiscal_year,
            "span": printed_month(f"{fiscal_year}-04", lang) + words["trip"]["range"] + printed_month(f"{fiscal_year + 1}-03", lang),
            "month_labels": [_month_label(m, lang, words) for m in months],
            "goals": plan.goals.get(lang) if plan else [], "plan_activities": plan.activities.get(lang) if plan else [],
            "outputs": plan.outputs.get(lang) if plan else [],
            "activities": details, "schedule": schedule, "required": required, "structure": structure,
            "by_category": by_category,
        },
    }


def _month_label(month: dt.date, lang: str, words: dict) -> str:
    from babel.dates import format_date as babel_format

    from c3p_docs.eras import babel_locale

    return babel_format(month, words["plan"]["month_format"], locale=babel_locale(lang))
