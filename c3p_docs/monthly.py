"""The monthly one-page report: what happened, what comes next, reminders the ministry expects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from c3p_docs.calls import CallRules
from c3p_docs.eras import fiscal_year_ja, fiscal_year_of, format_era_month, format_month, printed_date, printed_month
from c3p_docs.model import Activity, Project
from c3p_docs.trips import kind_and_place, last_day, plan_due, report_due, submitted


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


def month_is_empty(project: Project, year_month: str) -> bool:
    """Whether the project says nothing of its own for the month: no `monthly.YYYY-MM` entry, or one without a line."""
    entry = project.monthly.get(year_month)
    return entry is None or not any(part.ja or part.en for part in (entry.progress, entry.next, entry.issues))


def outside_period(project: Project, year_month: str) -> bool:
    """Whether the month lies wholly before the project period's start or after its end (no period: never)."""
    period = project.project.period
    if period is None:
        return False
    first, last = month_bounds(year_month)
    return (period.start is not None and last < period.start) or (period.end is not None and first > period.end)


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


MIN_LOOKAHEAD_MONTHS = 3


@dataclass
class MonthlyContent:
    """What a month's report lists: activities done in the month, and those planned ahead."""

    year_month: str
    done: list[Activity] = field(default_factory=list)
    upcoming: list[Activity] = field(default_factory=list)
    stale: list[tuple[int, Activity]] = field(default_factory=list)
    """Activities of the month (or before) still marked planned: neither progress nor plan until updated."""


def lookahead_end(year_month: str) -> str:
    """Last month the plans reach: the end of the fiscal year, and at least three months ahead."""
    year, month = map(int, year_month.split("-"))
    fiscal_year = fiscal_year_of(dt.date(year, month, 1))
    return max(f"{fiscal_year + 1}-03", add_months(year_month, MIN_LOOKAHEAD_MONTHS))


def month_activities(project: Project, year_month: str) -> MonthlyContent:
    """Done this month; planned from next month to `lookahead_end`, plus the next report session beyond it."""
    start, last = add_months(year_month, 1), lookahead_end(year_month)
    ordered = sorted(enumerate(project.activities), key=lambda pair: (pair[1].first_day, pair[1].kind))
    content = MonthlyContent(year_month)
    for index, activity in ordered:
        if activity.status == "done" and activity.month_key == year_month:
            content.done.append(activity)
        elif activity.status == "planned" and start <= activity.month_key <= last:
            content.upcoming.append(activity)
        elif activity.status == "planned" and activity.month_key <= year_month:
            content.stale.append((index, activity))
    if not any(a.kind == "report_session" for a in content.upcoming):
        content.upcoming += [a for _, a in ordered if a.kind == "report_session" and a.status == "planned"
                             and a.month_key > last][:1]
    return content


def not_told_already(titles: list[str | None], lines: list[str]) -> list[bool]:
    """For each activity title, whether no user line is that very title. Only an identical line proves the same
    event: 「現地調査報告書の提出」 shares words with 第2回現地調査 and is another matter, so planned activities are
    never dropped on a likeness."""
    told = {line.strip() for line in lines}
    return [not title or title.strip() not in told for title in titles]


def monthly_context(base: dict, project: Project, rules: CallRules, year_month: str, lang: str) -> dict:
    """The build context plus the month: progress (the user's lines, then the activities done this month unless a
    line is their very title), plans (likewise, to the end of the fiscal year and at least three months) and
    issues. Reminders to the contractor are not the ministry's business: `monthly` prints them instead."""
    from c3p_docs.bilingual import pick

    words = base["t"]
    entry = project.monthly.get(year_month)
    year, month = map(int, year_month.split("-"))
    fiscal_year = fiscal_year_of(dt.date(year, month, 1))
    content = month_activities(project, year_month)
    progress = entry.progress.get(lang) if entry else []
    plans = entry.next.get(lang) if entry else []

    def describe(activity: Activity) -> dict:
        when = printed_date(activity.date, lang) if activity.date else printed_month(activity.month_key, lang)
        title = pick(activity.title, lang)
        kind, place = kind_and_place(activity, title, pick(activity.place, lang), words)
        return {"when": when, "kind": kind, "title": title, "place": place,
                "status": words["activity_status"][activity.status]}

    def new(activities: list[Activity], lines: list[str]) -> list[dict]:
        keep = not_told_already([pick(a.title, lang) for a in activities], lines)
        return [describe(a) for a, kept in zip(activities, keep) if kept]

    return {
        **base,
        "month": {"key": year_month, "label": format_month(year_month, lang),
                  "era_label": format_era_month(year_month),
                  "fiscal_year": fiscal_year, "fiscal_year_ja": fiscal_year_ja(fiscal_year),
                  "due": printed_date(due_date(year_month, rules), lang),
                  "until": printed_month(lookahead_end(year_month), lang)},
        "progress": progress,
        "next": plans,
        "issues": entry.issues.get(lang) if entry else [],
        "this_month": new(content.done, progress),
        "upcoming": new(content.upcoming, plans),
    }
