"""Every deadline of a project as RFC 5545 all-day events with stable UIDs, through `icalendar`."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass

from c3p_docs.attachments import condition_holds
from c3p_docs.bilingual import pick
from c3p_docs.calls import CallRules
from c3p_docs.consultation import words_for
from c3p_docs.eras import fiscal_year_bounds, fiscal_year_of
from c3p_docs.model import Activity, Project
from c3p_docs.monthly import add_months, due_date
from c3p_docs.strings import deliverable_text, strings
from c3p_docs.trips import last_day, plan_due, report_due, submitted

JST = dt.timezone(dt.timedelta(hours=9), "JST")


@dataclass(frozen=True)
class Event:
    key: str
    """Stable identity: the same deadline keeps its UID when the YAML changes, so re-imports update it."""
    day: dt.date
    summary: str
    """What the event says, in the calendar's language."""
    end: dt.date | None = None
    time: dt.time | None = None
    """Time of day in Japan (JST), for a deadline the call gives with its hour; None for an all-day event."""

    @property
    def start(self) -> dt.date | dt.datetime:
        return self.day if self.time is None else dt.datetime.combine(self.day, self.time, JST)


def _months(start: dt.date, end: dt.date) -> list[str]:
    months = []
    current = start.strftime("%Y-%m")
    while current <= end.strftime("%Y-%m"):
        months.append(current)
        current = add_months(current, 1)
    return months


def activity_key(activity: Activity) -> str:
    """An activity's identity across edits of the YAML: its `id`, else kind, month and title.

    Never its list position, so inserting an activity keeps the other events' UIDs. Suffixes of related
    events are joined with `+`, which an id cannot contain.
    """
    if activity.id:
        return f"activity-id-{activity.id}"
    title = (activity.title.ja or activity.title.en or "") if activity.title else ""
    digest = hashlib.sha256(title.encode("utf-8")).hexdigest()[:12]
    return f"activity-{activity.kind}-{activity.month_key}-{digest}"


def project_events(project: Project, rules: CallRules, lang: str = "ja") -> list[Event]:
    """The deadlines, each event's words from `lang`'s strings.yaml (`calendar`, `trip_calendar`, `activity`)."""
    words = words_for(strings(lang), rules, project, lang)
    says = words["calendar"]
    period = project.project.period
    start = period.start if period and period.start else fiscal_year_bounds(rules.fiscal_year)[0]
    end = period.end if period and period.end else fiscal_year_bounds(rules.fiscal_year)[1]
    events: list[Event] = []
    for month in _months(start, end):
        events.append(Event(f"monthly-{month}", due_date(month, rules), says["monthly_due"].format(month=month)))
    seen: Counter[str] = Counter()
    for activity in project.activities:
        if activity.status == "cancelled":
            continue
        title = pick(activity.title, lang) or words["activity"][activity.kind]
        key = activity_key(activity)
        seen[key] += 1
        if seen[key] > 1:  # the same kind, month and title twice: number the later ones
            key += f"+{seen[key]}"
        # The itinerary's days, as the trip documents and the report take them; a month alone is one day's mark.
        last = last_day(activity) if activity.itinerary or activity.date or activity.end_date else None
        events.append(Event(key, activity.first_day, title, last))
        plan_by, report_by = plan_due(activity, rules), report_due(activity, rules)
        if plan_by is not None and report_by is not None:  # lead times from the profile; done once sent
            for suffix, day, done in (("plan", plan_by, submitted(activity.plan_submitted)),
                                      ("report", report_by, submitted(activity.report_submitted))):
                state = "done" if done else "due"
                events.append(Event(f"{key}+{suffix}", day,
                                    words["trip_calendar"][f"{suffix}_{state}"].replace("{title}", title)))
    events += call_events(rules, lang)
    fiscal_years = range(fiscal_year_of(start), fiscal_year_of(end) + 1)
    scheduled = {a.kind for a in project.activities}
    for fiscal_year in fiscal_years:
        if "report_session" not in scheduled:
            for window in rules.report_sessions:
                year = fiscal_year if window.months[0] >= 4 else fiscal_year + 1
                events.append(Event(f"session-{window.id}-{fiscal_year}", dt.date(year, window.months[0], 1),
                                    says["expected"].format(name=pick(window.name, lang)),
                                    dt.date(year, window.months[-1], 28)))
        if rules.seminar and "seminar" not in scheduled:
            year = fiscal_year + 1 if rules.seminar.months[0] < 4 else fiscal_year
            events.append(Event(f"seminar-{fiscal_year}", dt.date(year, rules.seminar.months[0], 1),
                                says["expected"].format(name=pick(rules.seminar.name, lang)),
                                dt.date(year, rules.seminar.months[-1], 28)))
        end_day = rules.contract_end(fiscal_year)
        events.append(Event(f"contract-end-{fiscal_year}", end_day, says["contract_end"]))
        for number, deliverable in enumerate(rules.deliverables):
            events.append(Event(f"deliverable-{fiscal_year}-{number}", end_day,
                                says["deliverable"].format(name=deliverable_text(deliverable, lang))))
        events += contract_year_events(project, rules, fiscal_year, start, lang)
    return sorted(events, key=lambda e: (e.day, e.key))


def call_events(rules: CallRules, lang: str) -> list[Event]:
    """The application stage as the call dates it (opening, questions, answers, closing with its hour, results);
    the contract's end is an event of each contract year instead."""
    says = strings(lang)["calendar"]
    events = []
    for deadline in rules.deadlines:
        if deadline.id == "contract_end":
            continue
        name = pick(deadline.name, lang) or deadline.id
        time = dt.time.fromisoformat(deadline.time) if deadline.time else None
        summary = says["call_deadline_time"].format(name=name, time=deadline.time) if time else name
        events.append(Event(f"call-{deadline.id}", deadline.date, says["call_event"].format(name=summary),
                            deadline.end, time))
    return events


def contract_year_events(project: Project, rules: CallRules, fiscal_year: int, project_start: dt.date,
                         lang: str) -> list[Event]:
    """Reminders of one contract year: the accounting inspections in the profile's months and the call's reminders
    for the contract's first day (the joint implementers' agreement, the seminar footage) where they apply."""
    says = strings(lang)["calendar"]
    events = []
    if rules.contract is not None:
        for month in rules.contract.inspection_months.value:
            year = fiscal_year if month >= 4 else fiscal_year + 1
            events.append(Event(f"inspection-{fiscal_year}-{month:02d}", dt.date(year, month, 1), says["inspection"]))
    first_day = max(fiscal_year_bounds(fiscal_year)[0], project_start)
    results = rules.deadline("results")
    if results is not None and fiscal_year == rules.fiscal_year:  # no contract before the selection is known
        first_day = max(first_day, results.end or results.date)
    for reminder in rules.reminders:
        if reminder.calendar != "contract_start" or not (reminder.every_year or fiscal_year == rules.fiscal_year):
            continue
        if reminder.when is None or condition_holds(reminder.when, project):
            events.append(Event(f"reminder-{reminder.id}-{fiscal_year}", first_day,
                                says["reminder"].format(text=pick(reminder.text, lang))))
    return events


def project_calendar(project: Project, rules: CallRules, lang: str = "ja") -> tuple[bytes, list[dict]]:
    """The .ics file in `lang` and, for `--format json`, each event's UID, first and last day and summary.

    UIDs do not depend on the language: a calendar re-imported in the other language updates its events."""
    from icalendar import Calendar
    from icalendar import Event as IcsEvent

    city_pair = f"{project.japanese_city.name.ja or project.japanese_city.name.en}-" \
                f"{project.partner_city.name.ja or project.partner_city.name.en}"
    namespace = hashlib.sha256(f"{rules.id}|{city_pair}|{project.applicant.name.ja or project.applicant.name.en}"
                               .encode()).hexdigest()[:16]
    calendar = Calendar()
    calendar.add("prodid", f"-//c3p-docs//C3P deadlines//{lang.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = strings(lang)["calendar"]["name"].format(japanese_city=pick(project.japanese_city.name, lang),
                                                    partner_city=pick(project.partner_city.name, lang))
    calendar.add("x-wr-calname", name)
    stamp = dt.datetime.combine(fiscal_year_bounds(rules.fiscal_year)[0], dt.time(0, 0), dt.UTC)
    events = project_events(project, rules, lang)
    listed = []
    for event in events:
        uid = f"{event.key}-{namespace}@c3p-docs"
        listed.append({"uid": uid, "start": event.start.isoformat(),
                       "end": (event.end or event.start).isoformat(), "summary": event.summary})
        item = IcsEvent()
        item.add("uid", uid)
        item.add("dtstamp", stamp)
        if event.time is None:
            item.add("dtstart", event.day)
            item.add("dtend", (event.end or event.day) + dt.timedelta(days=1))  # all-day: DTEND is exclusive
        else:  # in UTC: a TZID needs a VTIMEZONE, and every calendar shows UTC in its own zone
            item.add("dtstart", dt.datetime.combine(event.day, event.time, JST).astimezone(dt.UTC))
        item.add("summary", event.summary)
        item.add("description", f"{name} ({rules.id})")
        item.add("transp", "TRANSPARENT")
        calendar.add_component(item)
    return calendar.to_ical(), listed
