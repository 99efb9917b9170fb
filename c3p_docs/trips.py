"""Trips and other activities: finding one by id or date, and when a trip's plan and report are due."""

from __future__ import annotations

import calendar
import datetime as dt

from c3p_docs.calls import ActivityRule, CallRules
from c3p_docs.errors import UsageError
from c3p_docs.findings import Finding
from c3p_docs.i18n import _, language, sentences
from c3p_docs.model import Activity, Project
from c3p_docs.project import LoadedProject


def last_day(activity: Activity) -> dt.date:
    """The activity's last day: the itinerary's last when there is one, else `end_date` or `date`; an activity
    known only by its month is taken to last until the month's end."""
    if activity.itinerary:
        return max(day.date for day in activity.itinerary)
    if activity.end_date:
        return activity.end_date
    if activity.date:
        return activity.date
    first = activity.first_day
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def submitted(value: dt.date | bool | None) -> bool:
    """`plan_submitted` / `report_submitted` count as done when they hold a date or `true`."""
    return value is not None and value is not False


def itinerary_contradiction(activity: Activity) -> str | None:
    """What the activity's `date`, `end_date` or `month` say that its itinerary does not, worded for a finding;
    None when they agree. Documents take the itinerary's days."""
    if not activity.itinerary:
        return None
    first, last = activity.first_day, last_day(activity)
    span = f"{first}" if first == last else f"{first} – {last}"
    if activity.date and (activity.date != first or (activity.end_date or activity.date) != last):
        given = (f"{activity.date} – {activity.end_date}" if activity.end_date
                 else _("{date} (one day)").format(date=activity.date))
        fix = (_("{date} and {end}").format(date=f"`date: {first}`", end=f"`end_date: {last}`") if last != first
               else _("{date} and no end_date").format(date=f"`date: {first}`"))
        return _("says {given} but its itinerary runs {span}; the documents use the itinerary. Set {fix}, or correct "
                 "the itinerary.").format(given=given, span=span, fix=fix)
    if not activity.date and activity.month and activity.month != first.strftime("%Y-%m"):
        return _("says month {month} but its itinerary starts {first}; the documents use the itinerary. Set {fix}, or "
                 "correct the itinerary.").format(month=activity.month, first=first, fix=f"`month: {first:%Y-%m}`")
    return None


def status_findings(loaded: LoadedProject) -> list[Finding]:
    """Activities whose fields contradict each other: results on one still planned, dates against the itinerary."""
    findings = []
    for index, activity in enumerate(loaded.project.activities):
        where = ("activities", index)
        if activity.status == "planned" and (activity.results.ja or activity.results.en):
            findings.append(loaded.source.finding(
                "activity-status", "warning", where + ("results",), _(
                    "has results but is still planned, so every document treats it as not done yet: set `status: "
                    "done` once it has taken place.")))
        contradiction = itinerary_contradiction(activity)
        if contradiction:
            field = "date" if activity.date else "month"
            findings.append(loaded.source.finding("itinerary-dates", "warning", where + (field,), contradiction))
    return findings


def said_in_title(title: str | None, part: str | None) -> bool:
    """Whether an activity's title already says `part` (its kind's noun, its place): a line then leaves it out
    rather than print "Field survey: First field survey (Surabaya) (Surabaya)"."""
    return bool(title and part and part.casefold() in title.casefold())


def kind_and_place(activity: Activity, title: str | None, place: str | None, words: dict) -> tuple[str | None, str | None]:
    """The kind's label and the place for a line about the activity, each None when the title already says it."""
    kind = None if said_in_title(title, words["activity_noun"].get(activity.kind)) else words["activity"][activity.kind]
    return kind, (None if said_in_title(title, place) else place)


def held_during(activity: Activity, trip: Activity) -> bool:
    """Whether `activity` starts within the days of `trip` (a workshop held on a field survey)."""
    return trip.first_day <= activity.first_day <= last_day(trip)


def counted_activities(rule: ActivityRule, activities: list[Activity]) -> list[Activity]:
    """The activities that count towards a required activity of the call: those of its kinds, and those of its
    `kinds_when_apart` not held during one of them (one survey with a workshop on it is one trip)."""
    active = [a for a in activities if a.status != "cancelled"]
    main = [a for a in active if a.kind in rule.kinds]
    apart = [a for a in active if a.kind in rule.kinds_when_apart and a.kind not in rule.kinds
             and not any(held_during(a, trip) for trip in main)]
    return sorted(main + apart, key=lambda a: a.first_day)


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
    title = (activity.title.get(language()) or activity.title.ja or activity.title.en) if activity.title else ""
    handle = activity.id or _("(no id; {path})").format(path=f"activities[{index}]")
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
                raise UsageError(_("{count} activities start on {day}; name one by its id:").format(
                    count=len(matches), day=key) + f"\n{listing}\n" + _(
                    "Give each an `id:` in the project (letters, digits, - _ .) to tell them apart."))
    if len(matches) == 1:
        return matches[0]
    import difflib

    ids = [a.id for a in activities if a.id]
    close = difflib.get_close_matches(key, ids, n=1)
    message = _("no activity {key} in the project.").format(key=repr(key))
    if close:
        message = sentences(message, _("Did you mean {key}?").format(key=repr(close[0])))
    listing = ("\n".join(describe_for_listing(i, a) for i, a in enumerate(activities))
               or "  " + _("(the project has no activities)"))
    raise UsageError(sentences(message, _("Known activities (id or date):")) + "\n" + listing)
