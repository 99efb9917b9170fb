"""Advance plan of a field survey or invitation (Word), sent to the ministry before the trip."""

from __future__ import annotations

from c3p_docs.documents.kinds import Kind, Output, Request, register
from c3p_docs.findings import Finding


def context(renderer, request: Request, base: dict) -> dict:
    from c3p_docs.documents.trip import trip_context

    return trip_context(base, renderer.project, renderer.rules, request.params["activity"], request.lang)


def findings(renderer, requests: list[Request]) -> list[Finding]:
    """What the document will show as missing, each pointing at the activity's field to fill."""
    from c3p_docs.documents.trip import trip_findings

    params = requests[0].params
    return trip_findings(renderer.loaded, params["index"], params["activity"], params["report"],
                         [request.lang for request in requests])


register(Kind("trip_plan", (Output(".docx", "word", "trip_plan.xml.j2"),), group="contract", context=context,
              findings=findings))
