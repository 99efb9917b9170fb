"""Slides for a report session with the ministry (kick-off, interim, final): A4 landscape, lists continued."""

from __future__ import annotations

from c3p_docs.documents.kinds import Kind, Output, Request, register
from c3p_docs.findings import Finding


def _context(renderer, request: Request, base: dict) -> dict:
    from c3p_docs.documents.session import session_context

    return session_context(base, renderer.project, renderer.rules, request.params["session"], request.lang)


def _findings(renderer, requests: list[Request]) -> list[Finding]:
    from c3p_docs.documents.session import session_findings

    return session_findings(renderer.loaded, requests[0].params["session"])


register(Kind("session_slides", (Output(".pptx", "slides", "session_slides.xml.j2"),), group="contract",
              context=_context, findings=_findings))
