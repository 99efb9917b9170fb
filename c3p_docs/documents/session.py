"""The values the report-session slides see: done since the last session, the year's plan against results,
issues, what comes next, the JCM pipeline; long lists split over as many slides as they need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.dates import get_month_names

from c3p_docs.bilingual import pick
from c3p_docs.calls import CallRules, Window
from c3p_docs.consultation import activity_rule_name
from c3p_docs.documents.measure import fits
from c3p_docs.eras import fiscal_year_bounds, fiscal_year_ja, printed_date, printed_month
from c3p_docs.errors import UsageError
from c3p_docs.findings import Finding
from c3p_docs.i18n import _, language
from c3p_docs.model import Activity, Project
from c3p_docs.monthly import add_months
from c3p_docs.project import LoadedProject
from c3p_docs.trips import counted_activities, kind_and_place, status_findings

# Geometry of the slides (mm, A4 landscape); the template places its boxes with these.
FULL_BOX = {"x": 15.0, "y": 26.0, "w": 267.0, "h": 166.0}
HALF_BOXES = ({"x": 15.0, "y": 36.0, "w": 130.0, "h": 156.0}, {"x": 152.0, "y": 36.0, "w": 130.0, "h": 156.0})
LIST_SIZE, LIST_MIN = 18.0, 12.0
"""Lists are set at LIST_SIZE when they fit, down to LIST_MIN; beyond that they continue on further slides."""
JCM_ROWS_PER_SLIDE = 7


@dataclass(frozen=True)
class SessionDates:
    """When this session and the one before it are (or are expected), and which activities they are."""

    day: dt.date
    activity: Activity | None
    """The project's report_session for this session, if there is one."""
    previous: dt.date
    """The previous session's day, or the contract's start for the first session of the year."""
    index: int | None = None
    """Where `activity` is in `project.activities`."""
    outside_window: bool = False
    """True when the project holds the session outside the call's months for it."""


def window_start(window: Window, fiscal_year: int) -> dt.date:
    first = window.months[0]
    return dt.date(fiscal_year + (first < 4), first, 1)


def contract_start(project: Project, fiscal_year: int) -> dt.date:
    """The first day of the contract year: 1 April, or the project's start when it begins later that year."""
    start, end = fiscal_year_bounds(fiscal_year)
    period = project.project.period
    return period.start if period and period.start and start < period.start <= end else start


def assign_sessions(project: Project, windows: list[Window], fiscal_year: int) -> list[int | None]:
    """For each of the call's sessions, the index of the project's report_session that is it: the one whose `id`
    names the session, else the first in the session's months, else — keeping the sessions in order — the one
    nearest the session's months between its neighbours (a kick-off held in June is still the kick-off)."""
    start, end = fiscal_year_bounds(fiscal_year)
    sessions = sorted((i for i, a in enumerate(project.activities) if a.kind == "report_session"
                       and a.status != "cancelled" and start <= a.first_day <= end),
                      key=lambda i: project.activities[i].first_day)
    chosen: list[int | None] = [None] * len(windows)
    for number, window in enumerate(windows):
        chosen[number] = next((i for i in sessions if (project.activities[i].id or "").casefold()
                               == window.id.casefold()), None)
    for number, window in enumerate(windows):
        if chosen[number] is None:
            chosen[number] = next((i for i in sessions if i not in chosen
                                   and project.activities[i].first_day.month in window.months), None)
    for number, window in enumerate(windows):
        if chosen[number] is not None:
            continue
        after = max((project.activities[i].first_day for i in chosen[:number] if i is not None), default=None)
        before = min((project.activities[i].first_day for i in chosen[number + 1:] if i is not None), default=None)
        anchor = window_start(window, fiscal_year)
        free = [i for i in sessions if i not in chosen
                and (after is None or project.activities[i].first_day > after)
                and (before is None or project.activities[i].first_day < before)]
        if free:
            chosen[number] = min(free, key=lambda i: abs((project.activities[i].first_day - anchor).days))
    return chosen


def session_dates(project: Project, rules: CallRules, session_id: str) -> SessionDates:
    """This session: the project's report_session for it (`assign_sessions`), else the start of the call's months
    for it; the previous one likewise, and the contract's start before the first session of the year."""
    windows = rules.report_sessions
    ids = [w.id for w in windows]
    if session_id not in ids:
        raise UsageError(_("unknown session {session}; the call {call} has {sessions}.").format(
            session=repr(session_id), call=rules.id, sessions=", ".join(ids) or _("none")))
    fiscal_year = rules.fiscal_year
    number = ids.index(session_id)
    chosen = assign_sessions(project, windows, fiscal_year)

    def day_of(position: int) -> dt.date:
        index = chosen[position]
        return project.activities[index].first_day if index is not None else window_start(windows[position], fiscal_year)

    index = chosen[number]
    activity = project.activities[index] if index is not None else None
    previous = day_of(number - 1) if number else contract_start(project, fiscal_year)
    outside = activity is not None and activity.first_day.month not in windows[number].months
    return SessionDates(day_of(number), activity, previous, index, outside)


def session_findings(loaded: LoadedProject, session_id: str) -> list[Finding]:
    """The session held outside the call's months for it, or not scheduled at all."""
    rules, source = loaded.rules, loaded.source
    dates = session_dates(loaded.project, rules, session_id)
    window = next(w for w in rules.report_sessions if w.id == session_id)
    names = get_month_names("wide", locale=language())  # 4月 / April
    months = _(", ").join(names[m] for m in window.months)
    # Results on an activity still planned leave it out of "done since the last session": say so.
    findings = [f for f in status_findings(loaded) if f.code == "activity-status"]
    if dates.activity is None:
        return findings + [source.finding("session-not-scheduled", "info", ("activities",), _(
            "no report_session activity for the {session} session ({months}, {source}); the slides count up to {day} "
            "and show no date. Add one with {id}.").format(session=session_id, months=months, source=window.cited(),
                                                           day=dates.day, id=f"`id: {session_id}`"))]
    if dates.outside_window and dates.index is not None:
        field = "date" if dates.activity.date else "month"
        return findings + [source.finding("session-outside-window", "warning", ("activities", dates.index, field), _(
            "{day} is taken as the {session} session, outside the call's months for it ({months}; {source}); the slides "
            "use this date. Agree the date with the ministry, or give the session that belongs here its own "
            "`id`.").format(day=dates.day, session=session_id, months=months, source=window.cited()))]
    return findings


def paginate(items: list[dict], box: dict, size: float, bullet: str) -> list[list[dict]]:
    """Split paragraphs into pages that each fit `box` at `size`; a heading never ends a page."""
    pages: list[list[dict]] = []
    current: list[dict] = []

    def text(page: list[dict]) -> str:
        return "\n".join((bullet if item["bullet"] else "") + item["text"] for item in page)

    for item in items:
        if current and not fits(text(current + [item]), box["w"], box["h"], size, mode="renderer"):  # as slides.py sets it
            carried: list[dict] = []
            while current and current[-1]["bold"]:
                carried.insert(0, current.pop())
            if current:
                pages.append(current)
            current = carried
        current.append(item)
    if current:
        pages.append(current)
    return pages or [[]]


def cut(items: list[dict], box: dict, bullet: str) -> dict:
    """`items` cut into slides with one type size for all of them: the largest at which they need no more
    slides than at the floor, so continued slides are filled evenly and read alike."""
    needed = len(paginate(items, box, LIST_MIN, bullet))
    size = LIST_SIZE
    while size > LIST_MIN and len(paginate(items, box, size, bullet)) > needed:
        size -= 0.5
    return {"pages": paginate(items, box, size, bullet), "size": size}


def _when(activity: Activity, lang: str) -> str:
    return printed_date(activity.date, lang) if activity.date else printed_month(activity.month_key, lang)


def _item(text: str, bold: bool = False, bullet: bool = False) -> dict:
    """One paragraph of a slide list."""
    return {"text": text, "bold": bold, "bullet": bullet}


def _month_range(start: dt.date, end: dt.date) -> list[str]:
    """Months from the one of `start` up to the one before `end`'s."""
    months, current, last = [], start.strftime("%Y-%m"), end.strftime("%Y-%m")
    while current < last:
        months.append(current)
        current = add_months(current, 1)
    return months


def session_context(base: dict, project: Project, rules: CallRules, session_id: str, lang: str) -> dict:
    """The build context plus `session`: every slide's content, lists already cut into pages."""
    words = base["t"]
    labels = words["session"]
    bullet = "・" if lang == "ja" else "• "
    fiscal_year = rules.fiscal_year
    year_start, year_end = fiscal_year_bounds(fiscal_year)
    dates = session_dates(project, rules, session_id)
    window = next(w for w in rules.report_sessions if w.id == session_id)
    ordered = sorted(project.activities, key=lambda a: (a.first_day, a.kind))

    def line(activity: Activity) -> str:
        title = pick(activity.title, lang) or base["t"]["placeholder"]
        kind, place = kind_and_place(activity, pick(activity.title, lang), pick(activity.place, lang), words)
        return labels["activity_line"].replace("{when}", _when(activity, lang)) \
            .replace("{kind}", labels["kind"].replace("{kind}", kind) if kind else "") \
            .replace("{title}", title).replace("{place}", labels["place"].replace("{place}", place) if place else "")

    done = [a for a in ordered if a.status == "done" and a.kind != "report_session"
            and dates.previous <= a.first_day < dates.day]
    months = _month_range(dates.previous, dates.day)
    done_items: list[dict] = []
    if done:
        done_items.append(_item(labels["done_activities"], bold=True))
        for activity in done:
            done_items.append(_item(line(activity), bullet=True))
            done_items += [_item(labels["result_prefix"] + r) for r in activity.results.get(lang)]
    for month in months:
        entry = project.monthly.get(month)
        if entry and entry.progress.get(lang):
            done_items.append(_item(printed_month(month, lang), bold=True))
            done_items += [_item(text, bullet=True) for text in entry.progress.get(lang)]
    issues = [_item(text, bullet=True) for month in months if (entry := project.monthly.get(month))
              for text in entry.issues.get(lang)]
    # What comes next is the year's own schedule; a month's `next` lines were true when written and go stale.
    upcoming = [a for a in ordered if a.status == "planned" and a is not dates.activity
                and not (a.kind == "report_session" and a.first_day == dates.day)
                and dates.day <= a.first_day <= year_end]
    next_items = [_item(line(a), bullet=True) for a in upcoming]

    plan = next((p for p in project.plan if p.fiscal_year == fiscal_year), None)
    plan_items: list[dict] = []
    for key in ("goals", "activities", "outputs"):
        lines = getattr(plan, key).get(lang) if plan else []
        if lines:
            plan_items.append(_item(labels[f"plan_{key}"], bold=True))
            plan_items += [_item(text, bullet=True) for text in lines]
    this_year = [a for a in ordered if a.status != "cancelled" and year_start <= a.first_day <= year_end]
    result_items: list[dict] = [_item(labels["required"], bold=True)]
    for rule in rules.activities:
        counted = counted_activities(rule, this_year)
        count_done = sum(a.status == "done" and a.first_day < dates.day for a in counted)
        count_all = len(counted)
        result_items.append(_item(labels["tally"].replace("{name}", activity_rule_name(rule, rules, project, lang, words))
                                  .replace("{done}", str(count_done)).replace("{scheduled}", str(count_all)), bullet=True))
    year_results = [r for a in this_year if a.status == "done" and a.first_day < dates.day for r in a.results.get(lang)]
    if year_results:
        result_items.append(_item(labels["results"], bold=True))
        result_items += [_item(text, bullet=True) for text in year_results]
    plan_cut, result_cut = cut(plan_items, HALF_BOXES[0], bullet), cut(result_items, HALF_BOXES[1], bullet)
    count = max(len(plan_cut["pages"]), len(result_cut["pages"]))
    plan_pages = plan_cut["pages"] + [[]] * (count - len(plan_cut["pages"]))
    result_pages = result_cut["pages"] + [[]] * (count - len(result_cut["pages"]))

    jcm_rows = base["jcm"]["projects"]
    return {
        **base,
        "session": {
            "id": session_id, "name": window.name.get(lang), "fiscal_year_ja": fiscal_year_ja(fiscal_year),
            "date": _when(dates.activity, lang) if dates.activity else None,
            "since": printed_date(dates.previous, lang),
            "until": printed_date(year_end, lang),
            "done": cut(done_items, FULL_BOX, bullet), "issues": cut(issues, FULL_BOX, bullet),
            "next": cut(next_items, FULL_BOX, bullet),
            "versus_pages": list(zip(plan_pages, result_pages)),
            "plan_size": plan_cut["size"], "result_size": result_cut["size"],
            "jcm_pages": [jcm_rows[i:i + JCM_ROWS_PER_SLIDE] for i in range(0, len(jcm_rows), JCM_ROWS_PER_SLIDE)] or [[]],
            "box": FULL_BOX, "halves": HALF_BOXES, "min": LIST_MIN,
        },
    }
