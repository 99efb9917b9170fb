"""Monthly report: one A4 page per language (set down to 8 pt), with reminders to the contractor on the side."""

from __future__ import annotations

from c3p_docs.documents.kinds import Kind, Output, Request, register
from c3p_docs.findings import Finding
from c3p_docs.i18n import _


def _context(renderer, request: Request, base: dict) -> dict:
    from c3p_docs.monthly import monthly_context

    return monthly_context(base, renderer.project, renderer.rules, request.params["month"], request.lang)


def _title(renderer, request: Request) -> str:
    return f"{renderer.context(request.lang)['project']['title'] or ''} {request.params['month']}"


def _shorten(renderer, request: Request) -> str:
    """The month's two longest fields in the report's language."""
    year_month = request.params["month"]
    entry = renderer.project.monthly.get(year_month)
    if entry is None:
        return "activities"
    sizes = {f"monthly.{year_month}.{name}": sum(len(t) for t in getattr(entry, name).get(request.lang))
             for name in ("progress", "next", "issues")}
    return ", ".join(name for name, _size in sorted(sizes.items(), key=lambda item: -item[1])[:2])


def _month_empty(loaded, year_month: str) -> list[Finding]:
    """`month-empty`: nothing written for the month, at its entry, else at `monthly:`, else the file: cron's alarm
    under `monthly --strict`."""
    from c3p_docs.monthly import month_is_empty

    if not month_is_empty(loaded.project, year_month):
        return []
    if year_month in loaded.project.monthly:
        message = _("the entry for {month} has no line, so the report shows no progress of your own; write its "
                    "progress, next and issues lines and run again.").format(month=year_month)
    else:
        message = _("there is no entry for {month}, so the report shows no progress of your own; add `{month}:` under "
                    "`monthly:` with progress, next and issues lines and run again.").format(month=year_month)
    positions = loaded.source.positions
    if ("monthly", year_month) in positions or ("monthly",) in positions:
        return [loaded.source.finding("month-empty", "warning", ("monthly", year_month), message)]
    return [Finding("month-empty", "warning", message, file=loaded.source.file, path=f"monthly.{year_month}")]


def _findings(renderer, requests: list[Request]) -> list[Finding]:
    """Nothing written for the month, advance plans and survey reports not recorded as sent, and activities left
    `planned` after their month."""
    from c3p_docs.monthly import month_activities, reminders

    loaded, year_month = renderer.loaded, requests[0].params["month"]
    findings = _month_empty(loaded, year_month)
    findings += [loaded.source.finding(
        reminder.code, "warning", reminder.path,
        (_("advance plan to the ministry not recorded for the {kind} in {month} (due {due}; set {field} when sent).")
         if reminder.code == "advance-plan-missing" else
         _("summary report to the ministry not recorded for the {kind} in {month} (due {due}; set {field} when "
           "sent).")).format(kind=reminder.activity.kind, month=reminder.activity.month_key, due=reminder.due,
                             field=reminder.path[-1]))
        for reminder in reminders(loaded.project, loaded.rules, year_month)]
    findings += [loaded.source.finding(
        "activity-status", "warning", ("activities", index, "status"),
        _("{month} is over but this {kind} is still planned, so the report lists it neither as progress nor as a plan; "
          "set status: done, cancelled, or move it to a later month.").format(month=activity.month_key,
                                                                             kind=activity.kind))
        for index, activity in month_activities(loaded.project, year_month).stale]
    return findings


register(Kind("monthly_report", (Output(".docx", "word", "monthly_report.xml.j2", page_limit=1),), group="monthly",
              floor=8.0, too_long_code="monthly-too-long", context=_context, title=_title, shorten=_shorten,
              findings=_findings))
