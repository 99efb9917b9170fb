"""Trips and other activities: finding one by id or date, and when a trip's plan and report are due."""

from __future__ import annotations

import calendar
import datetime as dt

from c3p_docs.calls import CallRules
from c3p_docs.errors import UsageError
from c3p_docs.model import Activity, Project


def last_day(activity: Activity) -> dt.date:
    """The activity's last day; an activity known only by its month is taken to last until the month's end."""
    if activity.end_date:
        return activity.end_date
    if activity.date:
        return activity.date
    first = activity.first_day
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def submitted(value: dt.date | bool | None) -> bool:
    """`plan_submitted` / `report_submitted` count as done when they hold a date or `true`."""
    return value is not None and value is not False


def needs_plan_and_report(activity: Activity, rules: CallRules) -> bool:
    return rules.trips is not None and activity.kind in rules.trips.kinds.value


def plan_due(activity: Activity, rules: CallRules) -> dt.date | None:
    """When the advance plan should reach the ministry (profile: trips.plan_lead_days)."""
    if rules.trips is None or not needs_plan_and_report(activity, rules):
        return None
    return activity.first_day - dt.timedelta(days=rules.trips.plan_lead_days.value)


def report_due(activity: Activity, rules: CallRules) -> dt.date | None:
    """When the report after the trip should reach the ministry (profile: trips.report_days)."""
    if rules.trips is None or not needs_plan_and_report(activity, rules):
        return None
    return last_day(activity) + dt.timedelta(days=rules.trips.report_days.value)


def describe_for_listing(index: int, activity: Activity) -> str:
    """One line naming an activity the way ACTIVITY can refer to it."""
    when = activity.date.isoformat() if activity.date else activity.month
    title = (activity.title.en or activity.title.ja) if activity.title else ""
    handle = activity.id or f"(no id; activities[{index}])"
    return f"  {handle:<24} {when:<10}  {activity.kind:<17} {title}".rstrip()


def find_activity(project: Project, key: str) -> tuple[int, Activity]:
    """The activity whose `id` is `key`, or whose date is `key` (YYYY-MM-DD) when only one has it."""
    activities = project.activities
    for index, activity in enumerate(activities):
        if activity.id == key:
            return index, activity
    matches = [(i, a) for i, a in enumerate(activities) if a.id and a.id.casefold() == key.casefold()]
    if not matches:
        try:
            day = dt.date.fromisoformat(key)
        except ValueError:
            day = None
        if day is not None:
            matches = [(i, a) for i, a in enumerate(activities) if a.date == day]
            if len(matches) > 1:
                listing = "\n".join(describe_for_listing(i, a) for i, a in matches)
                raise UsageError(f"{len(matches)} activities start on {key}; name one by its id:\n{listing}\n"
                                 "Give each an `id:` in the project (letters, digits, - _ .) to tell them apart.")
    if len(matches) == 1:
        return matches[0]
    import difflib

    ids = [a.id for a in activities if a.id]
    close = difflib.get_close_matches(key, ids, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    listing = "\n".join(describe_for_listing(i, a) for i, a in enumerate(activities)) or "  (the project has no activities)"
    raise UsageError(f"no activity {key!r} in the project.{hint} Known activities (id or date):\n{listing}")
