"""The values the trip plan and trip report templates see: one activity, its days, people, workshops and results."""

from __future__ import annotations

import datetime as dt

from c3p_docs.bilingual import pick
from c3p_docs.calls import CallRules
from c3p_docs.eras import babel_locale, format_number, printed_date, printed_month
from c3p_docs.findings import Finding
from c3p_docs.i18n import N_, _
from c3p_docs.model import Activity, Project
from c3p_docs.project import LoadedProject
from c3p_docs.trips import itinerary_contradiction, last_day, plan_due, report_due


def format_day(day: dt.date, lang: str, words: dict) -> str:
    """A day as documents print it with its weekday (babel), placed as the language's `trip.day_format` says."""
    from babel.dates import format_date as babel_format

    weekday = babel_format(day, words["weekday_format"], locale=babel_locale(lang))
    return words["day_format"].replace("{date}", printed_date(day, lang)).replace("{weekday}", weekday)


def _when(activity: Activity, lang: str) -> str:
    if activity.date:
        return printed_date(activity.date, lang)
    return printed_month(activity.month_key, lang)


def related_activities(project: Project, activity: Activity) -> list[Activity]:
    """Other activities that start during the trip (a workshop or consultation held on it)."""
    first, last = activity.first_day, last_day(activity)
    return sorted((a for a in project.activities if a is not activity and a.status != "cancelled"
                   and first <= a.first_day <= last), key=lambda a: (a.first_day, a.kind))


def _workshop(activity: Activity, lang: str, words: dict) -> dict:
    return {"kind": words["activity"][activity.kind], "kind_id": activity.kind, "when": _when(activity, lang),
            "title": pick(activity.title, lang), "place": pick(activity.place, lang),
            "programme": activity.programme.get(lang),
            "attendees": format_number(activity.attendees, lang) if activity.attendees is not None else None,
            "results": activity.results.get(lang)}


def trip_context(base: dict, project: Project, rules: CallRules, activity: Activity, lang: str) -> dict:
    """The build context plus `trip`: everything the plan and the report of one activity show."""
    words = base["t"]
    first, last = activity.first_day, last_day(activity)
    days = sorted(activity.itinerary, key=lambda d: d.date)
    places: list[str] = []
    for place in [pick(d.place, lang) for d in days] + [pick(activity.place, lang)]:
        if place and place not in places:
            places.append(place)
    if activity.date or activity.itinerary:  # one source of days: the itinerary when given (trips.last_day)
        period = format_day(first, lang, words["trip"])
        if last != first:
            period += words["trip"]["range"] + format_day(last, lang, words["trip"])
        length = (last - first).days + 1
    else:
        period, length = _when(activity, lang), None
    plan_by, report_by = plan_due(activity, rules), report_due(activity, rules)
    related = related_activities(project, activity)

    def sent_on(value) -> str | None:
        return printed_date(value, lang) if isinstance(value, dt.date) else None

    def sent(value) -> str | None:
        return sent_on(value) or (words["trip"]["sent"] if value is True else None)

    return {
        **base,
        "trip": {
            "id": activity.id, "kind": words["activity"][activity.kind], "kind_id": activity.kind,
            "title": pick(activity.title, lang), "place": pick(activity.place, lang), "places": places,
            "status_id": activity.status, "period": period, "days": length,
            "purpose": pick(activity.purpose, lang),
            "itinerary": [{"date": format_day(d.date, lang, words["trip"]), "place": pick(d.place, lang),
                           "visit": pick(d.visit, lang), "done": pick(d.done, lang) or pick(d.visit, lang)}
                          for d in days],
            "participants": [pick(p, lang) for p in activity.participants],
            "programme": activity.programme.get(lang),
            "attendees": format_number(activity.attendees, lang) if activity.attendees is not None else None,
            "results": activity.results.get(lang), "next_steps": activity.next_steps.get(lang),
            "photos": list(activity.photos),
            "notes": activity.notes,
            "plan_date": sent_on(activity.plan_submitted), "plan_sent": sent(activity.plan_submitted),
            "report_date": sent_on(activity.report_submitted),
            "plan_due": printed_date(plan_by, lang) if plan_by else None,
            "report_due": printed_date(report_by, lang) if report_by else None,
            "related": [_workshop(a, lang, words) for a in related],
            "workshops": [_workshop(a, lang, words) for a in related if a.kind in ("workshop", "seminar")],
        },
    }


def document_day(activity: Activity, rules: CallRules, report: bool) -> dt.date:
    """The date a trip document is stamped with: when it was sent, else when it is due, so rebuilds are identical."""
    sent = activity.report_submitted if report else activity.plan_submitted
    if isinstance(sent, dt.date):
        return sent
    due = report_due(activity, rules) if report else plan_due(activity, rules)
    return due or (last_day(activity) if report else activity.first_day)


def trip_findings(loaded: LoadedProject, index: int, activity: Activity, report: bool, langs: list[str]) -> list[Finding]:
    """What the document will show as missing, each pointing at the field to fill in the project."""
    source = loaded.source
    where = ("activities", index)
    findings: list[Finding] = []

    def missing(field: str, what: str) -> None:
        findings.append(source.finding("trip-incomplete", "warning", where + (field,), _(
            "no {what} given; the document shows a placeholder.").format(what=_(what))))

    if activity.purpose is None or not any(pick(activity.purpose, lang) for lang in langs):
        missing("purpose", N_("purpose"))
    if not activity.itinerary:
        missing("itinerary", N_("day-by-day itinerary"))
    if not activity.participants:
        missing("participants", N_("participants"))
    if report:
        if activity.status != "done":
            findings.append(source.finding("trip-not-done", "warning", where + ("status",), _(
                "the activity is {status}; set `status: done` once it has taken place.").format(status=activity.status)))
        if not any(activity.results.get(lang) for lang in langs):
            missing("results", N_("results"))
    contradiction = itinerary_contradiction(activity)
    if contradiction:
        findings.append(source.finding("itinerary-dates", "warning", where + ("date" if activity.date else "month",),
                                       contradiction))
    if report:
        folder = loaded.path.parent
        for number, photo in enumerate(activity.photos):
            if not (folder / photo).is_file():
                findings.append(source.finding("photo-missing", "warning", where + ("photos", number),
                                               _("{photo} is not found next to the project file; it is listed "
                                                 "anyway.").format(photo=photo)))
    return findings
