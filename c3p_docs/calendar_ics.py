"""Every deadline of a project as RFC 5545 all-day events with stable UIDs, through `icalendar`."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass

from c3p_docs.calls import CallRules
from c3p_docs.eras import fiscal_year_bounds, fiscal_year_of
from c3p_docs.model import Activity, Project
from c3p_docs.monthly import add_months, due_date
from c3p_docs.trips import plan_due, report_due, submitted


@dataclass(frozen=True)
class Event:
    key: str
    """Stable identity: the same deadline keeps its UID when the YAML changes, so re-imports update it."""
    day: dt.date
    summary_ja: str
    summary_en: str
    end: dt.date | None = None


def _months(start: dt.date, end: dt.date) -> list[str]:
    months = []
    current = start.strftime("%Y-%m")
    while current <= end.strftime("%Y-%m"):
        months.append(current)
        current = add_months(current, 1)
    return months


def _trip_words() -> dict[str, dict[str, str]]:
    """Summaries of trip plan and report events, in both languages (strings.yaml `trip_calendar`)."""
    from c3p_docs.documents.context import strings

    return {lang: strings(lang)["trip_calendar"] for lang in ("ja", "en")}


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


def project_events(project: Project, rules: CallRules) -> list[Event]:
    period = project.project.period
    start = period.start if period and period.start else fiscal_year_bounds(rules.fiscal_year)[0]
    end = period.end if period and period.end else fiscal_year_bounds(rules.fiscal_year)[1]
    events: list[Event] = []
    for month in _months(start, end):
        events.append(Event(f"monthly-{month}", due_date(month, rules), f"月次報告提出期限（{month}分）",
                            f"Monthly report due ({month})"))
    seen: Counter[str] = Counter()
    for activity in project.activities:
        if activity.status == "cancelled":
            continue
        title_ja = (activity.title.ja if activity.title else None) or activity.kind
        title_en = (activity.title.en if activity.title else None) or activity.kind
        key = activity_key(activity)
        seen[key] += 1
        if seen[key] > 1:  # the same kind, month and title twice: number the later ones
            key += f"+{seen[key]}"
        last = activity.end_date or activity.date
        events.append(Event(key, activity.first_day, title_ja, title_en, last))
        plan_by, report_by = plan_due(activity, rules), report_due(activity, rules)
        if plan_by is not None and report_by is not None:  # lead times from the profile; done once sent
            words = _trip_words()
            for suffix, day, done in (("plan", plan_by, submitted(activity.plan_submitted)),
                                      ("report", report_by, submitted(activity.report_submitted))):
                state = "done" if done else "due"
                events.append(Event(f"{key}+{suffix}", day, words["ja"][f"{suffix}_{state}"].replace("{title}", title_ja),
                                    words["en"][f"{suffix}_{state}"].replace("{title}", title_en)))
    fiscal_years = range(fiscal_year_of(start), fiscal_year_of(end) + 1)
    scheduled = {a.kind for a in project.activities}
    for fiscal_year in fiscal_years:
        if "report_session" not in scheduled:
            for window in rules.report_sessions:
                year = fiscal_year if window.months[0] >= 4 else fiscal_year + 1
                events.append(Event(f"session-{window.id}-{fiscal_year}", dt.date(year, window.months[0], 1),
                                    f"{window.name.ja}（時期の目安）", f"{window.name.en} (expected window)",
                                    dt.date(year, window.months[-1], 28)))
        if rules.seminar and "seminar" not in scheduled:
            year = fiscal_year + 1 if rules.seminar.months[0] < 4 else fiscal_year
            events.append(Event(f"seminar-{fiscal_year}", dt.date(year, rules.seminar.months[0], 1),
                                f"{rules.seminar.name.ja}（時期の目安）", f"{rules.seminar.name.en} (expected window)",
                                dt.date(year, rules.seminar.months[-1], 28)))
        contract_end = rules.deadline("contract_end")
        end_day = contract_end.date if contract_end and fiscal_year == rules.fiscal_year else dt.date(fiscal_year + 1, 3, 14)
        events.append(Event(f"contract-end-{fiscal_year}", end_day, "契約期間終了", "Contract ends"))
        for number, deliverable in enumerate(rules.deliverables):
            events.append(Event(f"deliverable-{fiscal_year}-{number}", end_day, f"成果物提出：{deliverable.ja}",
                                f"Deliverable due: {deliverable.en}"))
    return sorted(events, key=lambda e: (e.day, e.key))


def project_calendar(project: Project, rules: CallRules) -> tuple[bytes, list[dict]]:
    """The .ics file and, for `--format json`, each event's UID, first and last day and summary."""
    from icalendar import Calendar
    from icalendar import Event as IcsEvent

    city_pair = f"{project.japanese_city.name.ja or project.japanese_city.name.en}-" \
                f"{project.partner_city.name.ja or project.partner_city.name.en}"
    namespace = hashlib.sha256(f"{rules.id}|{city_pair}|{project.applicant.name.ja or project.applicant.name.en}"
                               .encode()).hexdigest()[:16]
    calendar = Calendar()
    calendar.add("prodid", "-//c3p-docs//C3P deadlines//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"C3P {city_pair}")
    stamp = dt.datetime.combine(fiscal_year_bounds(rules.fiscal_year)[0], dt.time(0, 0), dt.UTC)
    events = project_events(project, rules)
    listed = []
    for event in events:
        uid = f"{event.key}-{namespace}@c3p-docs"
        listed.append({"uid": uid, "start": event.day.isoformat(), "end": (event.end or event.day).isoformat(),
                       "summary": {"ja": event.summary_ja, "en": event.summary_en}})
        item = IcsEvent()
        item.add("uid", uid)
        item.add("dtstamp", stamp)
        item.add("dtstart", event.day)
        item.add("dtend", (event.end or event.day) + dt.timedelta(days=1))  # all-day: DTEND is exclusive
        item.add("summary", f"{event.summary_ja} / {event.summary_en}")
        item.add("description", f"{city_pair} ({rules.id})")
        item.add("transp", "TRANSPARENT")
        calendar.add_component(item)
    return calendar.to_ical(), listed
