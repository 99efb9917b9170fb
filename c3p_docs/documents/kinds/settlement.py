"""Settlement: actual costs against the plan, as an Excel workbook and a one-page Word summary (set down to 8 pt)."""

from __future__ import annotations

from c3p_docs.documents.kinds import Kind, Output, Request, register
from c3p_docs.findings import Finding


def _context(renderer, request: Request, base: dict) -> dict:
    from c3p_docs.documents.settlement_report import settlement_context

    return settlement_context(base, request.params["settlement"], request.params["sources"], request.lang)


def _findings(renderer, requests: list[Request]) -> list[Finding]:
    """Every issue of the settlement (over plan, unknown category, outside the year…) where its line is."""
    from c3p_docs.settlement import issue_message

    findings = []
    for issue in requests[0].params["settlement"].issues:
        spend = issue.spend
        findings.append(Finding(issue.code, issue.severity, issue_message(issue),
                                file=spend.file if spend else None, path=spend.path if spend else None,
                                line=spend.line if spend else None, column=spend.column if spend else None))
    return findings


register(Kind("settlement", (Output(".xlsx", "workbook", "settlement_workbook.xml.j2"),
                             Output(".docx", "word", "settlement_summary.xml.j2", page_limit=1)),
              group="contract", floor=8.0, context=_context, findings=_findings))
