"""Personnel time records (業務日誌, R6-2 §11(2)①): a month's sheet per person from a CSV of hours, or a blank form
with the staff and the month's activities, and person-days checked against the budget's personnel lines."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from c3p_docs.bilingual import pick
from c3p_docs.calls import cite
from c3p_docs.categories import name_key
from c3p_docs.eras import fiscal_year_bounds, fiscal_year_of
from c3p_docs.errors import UsageError
from c3p_docs.findings import Finding
from c3p_docs.i18n import N_, _, sentences
from c3p_docs.ledger import MAX_PROBLEMS, LedgerError, LedgerProblem, read_csv_table
from c3p_docs.model import Activity, Project
from c3p_docs.project import LoadedProject

COLUMNS = ("date", "person", "hours", "activity")
REQUIRED = ("date", "person", "hours")
MAX_HOURS_CSV_BYTES = 20_000_000
# Units of a personnel budget line that count people × days (compared without case, spaces, `_` or `-`).
DAY_UNITS = {name_key(unit) for unit in ("人日", "人・日", "人/日", "日", "person-days", "person-day", "man-days",
                                         "man-day", "days", "day")}
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Person:
    """Someone whose hours are recorded: from `staff`, else the project manager and the contact, else the CSV."""

    name: str
    role: str | None = None
    organisation: str | None = None
    planned_days: float | None = None
    path: tuple = ()
    """Where the project file names the person, for findings."""
    names: set[str] = field(default_factory=set)
    """Every way the CSV may write the name (ja, en), compared as `name_key`."""


@dataclass(frozen=True)
class Hours:
    """One CSV line: hours a person worked on a day, and on what."""

    day: dt.date
    person: Person
    hours: float
    activity: str
    line: int


@dataclass
class Records:
    """What the sheets show and what the checks found."""

    month: str
    people: list[Person]
    hours: list[Hours]
    """This month's lines."""
    year_to_date: list[Hours]
    """The fiscal year's lines up to the end of the month (for the check against the budget)."""
    findings: list[Finding] = field(default_factory=list)


def _text(value, lang: str = "ja") -> str | None:
    return pick(value, lang) if value is not None else None


def _names(value) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {name_key(value)}
    return {name_key(text) for text in (value.ja, value.en) if text}


def staff_of(project: Project) -> tuple[list[Person], bool]:
    """The people to record and whether the project lists them itself (`staff`): else the project manager and the
    contact, each once."""
    if project.staff:
        return [Person(_text(member.name) or "", _text(member.role), _text(member.organisation), member.planned_days,
                       ("staff", index), _names(member.name)) for index, member in enumerate(project.staff)], True
    people: list[Person] = []
    for key, holder in (("project_manager", project.project_manager), ("contact", project.contact)):
        if holder is None or holder.name is None:
            continue
        names = _names(holder.name)
        if any(names & person.names for person in people):
            continue
        role = _text(getattr(holder, "department", None))
        people.append(Person(_text(holder.name) or "", role, None, None, (key, "name"), names))
    return people, False


def parse_month(text: str) -> tuple[dt.date, dt.date]:
    """First and last day of `YYYY-MM`; UsageError otherwise."""
    match = re.fullmatch(r"(19[89]\d|20\d\d|2100)-(0[1-9]|1[0-2])", text)
    if not match:
        raise UsageError(_("--month {month}: use YYYY-MM, e.g. 2026-07.").format(month=repr(text)))
    year, month = int(match.group(1)), int(match.group(2))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_hours(text: str) -> float | None:
    """`7.5`, `７．５`, `7:30` (hours and minutes) → 7.5; anything else → None."""
    cleaned = unicodedata.normalize("NFKC", text).strip().removesuffix("h").removesuffix("時間").strip()
    if re.fullmatch(r"\d{1,2}:[0-5]\d", cleaned):
        hours, minutes = cleaned.split(":")
        return int(hours) + int(minutes) / 60
    if re.fullmatch(r"\d+(\.\d+)?", cleaned):
        return float(cleaned)
    return None


def read_hours(path: Path, people: list[Person], listed: bool, month: str) -> Records:
    """The CSV's lines of the month and of its fiscal year so far; LedgerError naming each bad line (nothing may be
    written from it): a date that is not one, hours that are not 0–24, a person not among `staff`, a day over 24
    hours."""
    first, last = parse_month(month)
    year_start = fiscal_year_bounds(fiscal_year_of(first))[0]
    table = read_csv_table(path, N_("hours CSV"), COLUMNS, REQUIRED, MAX_HOURS_CSV_BYTES)
    file, position = table.file, table.position
    known = list(people)
    problems: list[LedgerProblem] = []
    this_month: list[Hours] = []
    year_to_date: list[Hours] = []
    per_day: dict[tuple[str, dt.date], float] = {}
    for record in table.records:
        if len(problems) >= MAX_PROBLEMS:
            break
        line = record[0][1]
        width = table.width_problem(record)
        if width is not None:
            problems.append(width)
            continue
        day = table.day(record, problems)
        hours_text, hours_line, hours_column = record[position["hours"]]
        hours = parse_hours(hours_text)
        if hours is None or not 0 < hours <= 24:
            problems.append(LedgerProblem(file, hours_line, hours_column, _(
                "hours {text} is not a number of hours above 0 and at most 24 (e.g. 7.5 or 7:30).").format(
                text=repr(hours_text.strip()))))
        name_text, name_line, name_column = record[position["person"]]
        person = _person(name_text, known, listed)
        if person is None:
            problems.append(LedgerProblem(file, name_line, name_column, _unknown_person(name_text, known)))
        if day is None or hours is None or not 0 < hours <= 24 or person is None:
            continue
        if not year_start <= day <= last:
            continue  # another fiscal year, or a later month: not part of this sheet or its year so far
        total = per_day[(person.name, day)] = per_day.get((person.name, day), 0) + hours
        if total > 24:
            problems.append(LedgerProblem(file, hours_line, hours_column, _(
                "{person} has {hours:g} hours on {day} in all; a day has 24.").format(
                person=person.name, hours=total, day=day)))
            continue
        activity = record[position["activity"]][0].strip() if "activity" in position else ""
        entry = Hours(day, person, hours, activity, line)
        year_to_date.append(entry)
        if first <= day:
            this_month.append(entry)
    if problems:
        raise LedgerError(problems)
    findings = list(table.findings)
    if table.encoding == "cp932":
        findings.append(Finding("ledger-shift-jis", "info", _("not UTF-8; read as Shift_JIS (cp932, as Excel on "
                                                              "Japanese Windows saves CSV)."), file=file))
    if table.ignored:
        findings.append(Finding("ledger-columns-ignored", "info", _("columns {columns} are not used.").format(
            columns=", ".join(table.ignored)), file=file))
    return Records(month, known, this_month, year_to_date, findings)


def _person(text: str, known: list[Person], listed: bool) -> Person | None:
    """The person a CSV name stands for; a new one when the project lists no `staff` (None when it does)."""
    key = name_key(text)
    if not key:
        return None
    found = next((person for person in known if key in person.names), None)
    if found is None and not listed:
        found = Person(unicodedata.normalize("NFKC", text).strip(), names={key})
        known.append(found)
    return found


def _unknown_person(text: str, known: list[Person]) -> str:
    if not text.strip():
        return _("person is empty.")
    names = [person.name for person in known]
    close = difflib.get_close_matches(text.strip(), names, n=1, cutoff=0.5)
    message = _("{name} is not among the project's staff ({staff}).").format(name=repr(text.strip()),
                                                                             staff=", ".join(names))
    if close:
        message = sentences(message, _("Did you mean {name}?").format(name=repr(close[0])))
    return sentences(message, _("Correct the name, or add the person to `staff:` in the project file."))


def blank_records(people: list[Person], month: str) -> Records:
    parse_month(month)
    return Records(month, people, [], [])


def month_activities(project: Project, month: str) -> tuple[dict[dt.date, list[Activity]], list[Activity]]:
    """The month's activities by the days they take (date to end_date, or itinerary days), and those with a month
    only."""
    first, last = parse_month(month)
    by_day: dict[dt.date, list[Activity]] = {}
    undated = []
    for activity in project.activities:
        if activity.status == "cancelled":
            continue
        days = sorted({item.date for item in activity.itinerary})
        if not days and activity.date:
            end = activity.end_date or activity.date
            days = [activity.date + dt.timedelta(days=n) for n in range((end - activity.date).days + 1)]
        if not days:
            if activity.month_key == month:
                undated.append(activity)
            continue
        for day in days:
            if first <= day <= last:
                by_day.setdefault(day, []).append(activity)
    return by_day, undated


def planned_person_days(project: Project) -> float | None:
    """Person-days the budget's personnel lines plan (those counted in days: 人日, person-days …); None without one."""
    lines = [item for item in project.budget.items if item.category == "personnel"]
    counted = [item.quantity for item in lines if item.unit and name_key(item.unit) in DAY_UNITS]
    return sum(counted) if counted else None


def budget_findings(loaded: LoadedProject, records: Records, hours_per_day: float, basis: str) -> list[Finding]:
    """Person-days of the fiscal year so far against the plan: per person where `staff[].planned_days` says, and for
    everyone against the budget's personnel lines counted in days. Over the plan is a warning."""
    project, rules = loaded.project, loaded.rules
    first, _last = parse_month(records.month)
    fiscal_year = fiscal_year_of(first)
    findings: list[Finding] = []
    if not records.year_to_date:
        return findings
    if fiscal_year != rules.fiscal_year:
        findings.append(Finding("personnel-not-compared", "info", _(
            "{month} is in {year}; the budget is for {budget_year} ({call}), so the hours are not compared with "
            "it.").format(month=records.month, year=_("FY{year}").format(year=fiscal_year),
                          budget_year=_("FY{year}").format(year=rules.fiscal_year), call=rules.id)))
        return findings
    by_person: dict[str, float] = {}
    for entry in records.year_to_date:
        by_person[entry.person.name] = by_person.get(entry.person.name, 0) + entry.hours
    for person in records.people:
        done = by_person.get(person.name, 0) / hours_per_day
        if person.planned_days is not None and done > person.planned_days:
            findings.append(loaded.source.finding(
                "personnel-over-plan", "warning", person.path + ("planned_days",),
                _("{person} has worked {days:.1f} person-days in {year} up to {month} ({hours:g} hours a day, "
                  "{basis}), more than the {planned:g} planned. Check the hours, or change the plan with the ministry "
                  "({source}).").format(person=person.name, days=done, year=_("FY{year}").format(year=fiscal_year),
                                        month=records.month, hours=hours_per_day, basis=basis,
                                        planned=person.planned_days, source=cite("R6-2 §7(2)"))))
    planned = planned_person_days(project)
    total = sum(by_person.values()) / hours_per_day
    if planned is not None and total > planned:
        findings.append(loaded.source.finding(
            "personnel-over-plan", "warning", ("budget", "items"),
            _("the staff have worked {days:.1f} person-days in {year} up to {month} ({hours:g} hours a day, "
              "{basis}), more than the {planned:g} the budget's personnel lines plan. Personnel costs beyond the plan "
              "may not be paid: check the hours, or change the plan with the ministry ({source}).").format(
                days=total, year=_("FY{year}").format(year=fiscal_year), month=records.month, hours=hours_per_day,
                basis=basis, planned=planned, source=cite("R6-2 §7(2)"))))
    return findings


def period_findings(loaded: LoadedProject, month: str) -> list[Finding]:
    first, last = parse_month(month)
    period = loaded.project.project.period
    if period is None or period.start is None or period.end is None:
        return []
    if last < period.start or first > period.end:
        return [loaded.source.finding("month-outside-period", "warning", ("project", "period"),
                                      _("{month} is outside the project period {start} – {end}; check "
                                        "--month.").format(month=month, start=period.start, end=period.end))]
    return []


def sheet_names(people: list[Person]) -> list[str]:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    names: list[str] = []
    for person in people:
        base = SHEET_NAME_FORBIDDEN.sub("_", person.name).strip("'")[:28] or "staff"
        name, number = base, 2
        while name.casefold() in (n.casefold() for n in names):
            name, number = f"{base[:26]}_{number}", number + 1
        names.append(name)
    return names


def sheets_context(loaded: LoadedProject, records: Records, hours_per_day: float) -> list[dict]:
    """One sheet per person: every day of the month with its hours and what was done (the CSV's words, else the
    project's activities that day), and the month's totals."""
    from babel.dates import format_date

    from c3p_docs.eras import babel_locale

    first, last = parse_month(records.month)
    by_day, _undated = month_activities(loaded.project, records.month)
    sheets = []
    for person, sheet in zip(records.people, sheet_names(records.people)):
        rows = []
        total = 0.0
        for offset in range((last - first).days + 1):
            day = first + dt.timedelta(days=offset)
            lines = [entry for entry in records.hours if entry.person is person and entry.day == day]
            hours = sum(entry.hours for entry in lines)
            total += hours
            said = [entry.activity for entry in lines if entry.activity]
            planned = [pick(activity.title, "ja") or "" for activity in by_day.get(day, [])]
            rows.append({"date": day.isoformat(), "weekday": format_date(day, "E", locale=babel_locale("ja")),
                         "hours": f"{hours:g}" if lines else "", "activity": "、".join(dict.fromkeys(said or planned)),
                         "holiday": day.weekday() >= 5})
        sheets.append({"sheet": sheet, "name": person.name, "role": person.role or "",
                       "organisation": person.organisation or pick(loaded.project.applicant.name, "ja") or "",
                       "rows": rows, "total": f"{total:g}", "person_days": f"{total / hours_per_day:.2f}"})
    return sheets


def run_timesheet(loaded: LoadedProject, month: str, hours_path: Path | None, out: Path, force: bool = False,
                  templates: str | None = None):
    """`timesheet`: the month's 業務日誌, one sheet per person, into OUT through the publishing pipeline.

    A malformed CSV raises LedgerError before anything is written."""
    from c3p_docs.contract import publish_requests
    from c3p_docs.documents.kinds import Request
    from c3p_docs.documents.renderer import day_stamp

    rules = loaded.rules
    people, listed = staff_of(loaded.project)
    if hours_path is not None:
        records = read_hours(hours_path, people, listed, month)
    else:
        records = blank_records(people, month)
    if not records.people:
        raise UsageError(_("{file}: no one to keep time records for. List the people under `staff:` ({fields}), give "
                           "project_manager.name or contact.name, or give --hours.").format(
            file=loaded.path, fields="{name, role, organisation}"))
    contract = rules.contract
    hours_per_day = contract.hours_per_day.value if contract else 8.0
    basis = f"{rules.id} · {contract.hours_per_day.cited()}" if contract else _("assumed")
    findings = list(records.findings) + period_findings(loaded, month)
    if hours_path is not None:
        findings += budget_findings(loaded, records, hours_per_day, basis)
    if not listed:
        findings.append(Finding("staff-not-listed", "info", _(
            "the project lists no `staff:`; the sheets are for {people}. Add `staff:` ({fields}) to name everyone and "
            "check each person's days.").format(people=", ".join(p.name for p in records.people),
                                                fields="{name, role, organisation, planned_days}")))
    first, _last = parse_month(month)
    params = {"month": month, "records": records, "hours_per_day": hours_per_day, "filled": hours_path is not None}
    request = Request("timesheet", "ja", f"timesheet_{month}_ja.xlsx", day_stamp(first), params=params,
                      extra={"month": month})
    return publish_requests(loaded, out, [request], "never", templates, force, findings)


def timesheet_context(loaded: LoadedProject, params: dict) -> dict:
    """What timesheet.xml.j2 shows beyond the shared context: the month, each person's sheet, the hours of a day."""
    from c3p_docs.eras import printed_month
    from c3p_docs.strings import cite

    month, records, hours_per_day = params["month"], params["records"], params["hours_per_day"]
    contract = loaded.rules.contract
    _dated, undated = month_activities(loaded.project, month)
    return {"month_label": printed_month(month, "ja"), "people": sheets_context(loaded, records, hours_per_day),
            "hours_per_day": f"{hours_per_day:g}",
            "hours_source": cite(contract.hours_per_day.source, "ja") if contract else None,
            "hours_assumed": contract.hours_per_day.assumed if contract else True,
            "undated": [pick(a.title, "ja") or "" for a in undated], "filled": params["filled"]}
