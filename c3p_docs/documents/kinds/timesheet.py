"""Personnel time records (業務日誌): a month's workbook, one sheet per person, Japanese only."""

from __future__ import annotations

from c3p_docs.documents.kinds import Kind, Output, Request, register


def _context(renderer, request: Request, base: dict) -> dict:
    from c3p_docs.timesheet import timesheet_context

    return {**base, **timesheet_context(renderer.loaded, request.params)}


def _title(renderer, request: Request) -> str:
    return f"{renderer.context(request.lang)['t']['timesheet']['title']} {request.params['month']}"


register(Kind("timesheet", (Output(".xlsx", "workbook", "timesheet.xml.j2"),), group="contract", languages=("ja",),
              context=_context, title=_title))
