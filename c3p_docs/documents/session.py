"""The values the report-session slides see: done since the last session, the year's plan against results,
issues, what comes next, the JCM pipeline; long lists split over as many slides as they need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from c3p_docs.bilingual import pick
from c3p_docs.calls import CallRules, Window
from c3p_docs.documents.measure import fits
from c3p_docs.eras import fiscal_year_bounds, fiscal_year_ja, printed_date, printed_month
from c3p_docs.errors import UsageError
from c3p_docs.model import Activity, Project
from c3p_docs.monthly import add_months

# Geometry of the slides (mm, A4 landscape); the template places its boxes with these.
FULL_BOX = {"x": 15.0, "y": 26.0, "w": 267.0, "h": 166.0}
HALF_BOXES = ({"x": 15.0, "y": 36.0, "w": 130.0, "h": 156.0}, {"x": 152.0, "y": 36.0, "w": 130.0, "h": 156.0})
LIST_SIZE, LIST_MIN = 18.0, 12.0
"""Lists are set at LIST_SIZE when they fit, down to LIST_MIN; beyond that they continue on further slides."""
JCM_ROWS_PER_SLIDE = 7


@dataclass(frozen=True)
class SessionDates:
    """When this session and the one before it are (or are expected), and whether they are scheduled."""

    day: dt.date
    activity: Activity | None
    """The project's report_session for this session, if there is one."""
    previous: dt.date


def window_start(window: Window, fiscal_year: int) -> dt.date:
    first = window.months[0]
    return dt.date(fiscal_year + (first < 4), first, 1)


def _session_activity(project: Project, window: Window, fiscal_year: int) -> Activity | None:
    start, end = fiscal_year_bounds(fiscal_year)
    return next((a for a in sorted(project.activities, key=lambda a: a.first_day)
                 if a.kind == "report_session" and a.status != "cancelled" and start <= a.first_day <= end
                 and a.first_day.month in window.months), None)


def session_dates(project: Project, rules: CallRules, session_id: str) -> SessionDates:
    """This session: the project's report_session in the window's months, else the window's start; the
    previous one likewise (before the kick-off: the previous year's final session)."""
    windows = rules.report_sessions
    ids = [w.id for w in windows]
    if session_id not in ids:
        raise UsageError(f"unknown session {session_id!r}; the call {rules.id} has {', '.join(ids) or 'none'}.")
    fiscal_year = rules.fiscal_year
    index = ids.index(session_id)

    def when(window: Window, year: int) -> tuple[dt.date, Activity | None]:
        activity = _session_activity(project, window, year)
        return (activity.first_day, activity) if activity else (window_start(window, year), None)

    day, activity = when(windows[index], fiscal_year)
    previous = when(windows[index - 1], fiscal_year)[0] if index else when(windows[-1], fiscal_year - 1)[0]
    return SessionDates(day, activity, previous)


def paginate(items: list[dict], box: dict, size: float, bullet: str) -> list[list[dict]]:
    """Split paragraphs into pages that each fit `box` at `size`; a heading never ends a page."""
    pages: list[list[dict]] = []
    current: list[dict] = []

    def text(page: list[dict]) -> str:
        return "\n".join((bullet if item["bullet"] else "") + item["text"] for item in page)

    for item in items:
        if current and not fits(text(current + [item]), box["w"], box["h"], size, mode="label"):  # as slides.py breaks it
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
        when = _when(activity, lang)
        place = pick(activity.place, lang)
        title = pick(activity.title, lang) or base["t"]["placeholder"]
        return labels["activity_line"].replace("{when}", when).replace("{kind}", words["activity"][activity.kind]) \
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
    upcoming = [a for a in ordered if a.status == "planned" and a is not dates.activity
                and dates.day <= a.first_day <= year_end]
    next_items = [_item(line(a), bullet=True) for a in upcoming]
    latest_next = next((project.monthly[m].next.get(lang) for m in reversed(months)
                        if m in project.monthly and project.monthly[m].next.get(lang)), [])
    if latest_next:
        next_items.append(_item(labels["from_monthly"], bold=True))
        next_items += [_item(text, bullet=True) for text in latest_next]

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
        count_done = sum(a.kind in rule.kinds and a.status == "done" and a.first_day < dates.day for a in this_year)
        count_all = sum(a.kind in rule.kinds for a in this_year)
        result_items.append(_item(labels["tally"].replace("{name}", rule.name.get(lang) or "")
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
