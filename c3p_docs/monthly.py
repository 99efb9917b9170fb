"""The monthly one-page report: what happened, what comes next, reminders the ministry expects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from c3p_docs.calls import CallRules
from c3p_docs.eras import fiscal_year_ja, fiscal_year_of, format_era_month, format_month, printed_date, printed_month
from c3p_docs.model import Activity, Project
from c3p_docs.trips import last_day, plan_due, report_due, submitted


def previous_month(today: dt.date) -> str:
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


def add_months(year_month: str, count: int) -> str:
    year, month = map(int, year_month.split("-"))
    index = year * 12 + (month - 1) + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_bounds(year_month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a YYYY-MM month."""
    import calendar

    year, month = map(int, year_month.split("-"))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def due_date(year_month: str, rules: CallRules) -> dt.date:
    """The report is due in the first week of the next month (profile: monthly_report_due_day)."""
    year, month = map(int, add_months(year_month, 1).split("-"))
    return dt.date(year, month, rules.monthly_report_due_day.value)


@dataclass(frozen=True)
class Reminder:
    """Something the ministry expects that the YAML does not record; `code` is stable, words are in templates."""

    code: str
    activity: Activity
    path: tuple
    due: dt.date


def reminders(project: Project, rules: CallRules, year_month: str) -> list[Reminder]:
    """Advance plans due by the end of next month for trips not yet made, and reports missing for trips done
    this fiscal year; `plan_submitted` / `report_submitted` mark them done (lead times: profile `trips`)."""
    found = []
    month_end = month_bounds(year_month)[1]
    next_start, next_end = month_bounds(add_months(year_month, 1))
    year_start = dt.date(fiscal_year_of(month_end), 4, 1)
    for index, activity in enumerate(project.activities):
        plan_by, report_by = plan_due(activity, rules), report_due(activity, rules)
        if plan_by is None or report_by is None or activity.status == "cancelled":
            continue
        if (activity.status == "planned" and not submitted(activity.plan_submitted)
                and activity.first_day >= next_start and plan_by <= next_end):
            found.append(Reminder("advance-plan-missing", activity, ("activities", index, "plan_submitted"), plan_by))
        if (activity.status == "done" and not submitted(activity.report_submitted)
                and year_start <= last_day(activity) <= month_end):
            found.append(Reminder("survey-report-missing", activity, ("activities", index, "report_submitted"), report_by))
    return found


@dataclass
class MonthlyContent:
    year_month: str
    this_month: list[Activity] = field(default_factory=list)
    upcoming: list[Activity] = field(default_factory=list)


def month_activities(project: Project, year_month: str) -> MonthlyContent:
    window = {add_months(year_month, 1), add_months(year_month, 2)}
    ordered = sorted(project.activities, key=lambda a: (a.first_day, a.kind))
    return MonthlyContent(
        year_month,
        [a for a in ordered if a.month_key == year_month and a.status != "cancelled"],
        [a for a in ordered if a.month_key in window and a.status != "cancelled"],
    )


def monthly_context(base: dict, project: Project, rules: CallRules, year_month: str, lang: str) -> dict:
    """The build context plus the month: entries of monthly.YYYY-MM, activities, due date, reminders."""
    from c3p_docs.bilingual import pick

    words = base["t"]
    entry = project.monthly.get(year_month)
    year, month = map(int, year_month.split("-"))
    first_day = dt.date(year, month, 1)
    fiscal_year = fiscal_year_of(first_day)
    content = month_activities(project, year_month)

    def describe(activity: Activity) -> dict:
        when = printed_date(activity.date, lang) if activity.date else printed_month(activity.month_key, lang)
        return {"when": when, "kind": words["activity"][activity.kind], "title": pick(activity.title, lang),
                "place": pick(activity.place, lang), "status": words["activity_status"][activity.status]}

    return {
        **base,
        "month": {"key": year_month, "label": format_month(year_month, lang),
                  "era_label": format_era_month(year_month),
                  "fiscal_year": fiscal_year, "fiscal_year_ja": fiscal_year_ja(fiscal_year),
                  "due": printed_date(due_date(year_month, rules), lang)},
        "progress": entry.progress.get(lang) if entry else [],
        "next": entry.next.get(lang) if entry else [],
        "issues": entry.issues.get(lang) if entry else [],
        "this_month": [describe(a) for a in content.this_month],
        "upcoming": [describe(a) for a in content.upcoming],
        "reminders": [{"code": r.code, "due": printed_date(r.due, lang), **describe(r.activity)}
                      for r in reminders(project, rules, year_month)],
    }
