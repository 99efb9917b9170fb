"""Slides for a report session with the ministry (kick-off, interim, final): A4 landscape, lists continued."""

from __future__ import annotations

from c3p_docs.documents.kinds import Kind, Output, Request, register
from c3p_docs.findings import Finding


def _context(renderer, request: Request, base: dict) -> dict:
    from c3p_docs.documents.session import session_context

    return session_context(base, renderer.project, renderer.rules, request.params["session"], request.lang)


def _findings(renderer, requests: list[Request]) -> list[Finding]:
    session, dates = requests[0].params["session"], requests[0].params["dates"]
    if dates.activity is not None:
        return []
    return [renderer.loaded.source.finding("session-not-scheduled", "info", ("activities",), f"no report_session "
                                           f"activity in the {session} window; the slides count up to {dates.day} "
                                           "and show no date.")]


register(Kind("session_slides", (Output(".pptx", "slides", "session_slides.xml.j2"),), group="contract",
              context=_context, findings=_findings))
