"""During the contract: trip plans and reports, report-session slides, the implementation plan and the settlement,
each requested from its kind and published through the pipeline (write, PDF, pages, manifest)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from c3p_docs import pipeline
from c3p_docs.documents.context import strings
from c3p_docs.documents.kinds import Request
from c3p_docs.documents.renderer import Renderer, day_stamp
from c3p_docs.documents.session import session_dates
from c3p_docs.documents.trip import document_day
from c3p_docs.eras import fiscal_year_bounds
from c3p_docs.errors import UsageError
from c3p_docs.findings import Finding
from c3p_docs.i18n import _
from c3p_docs.ledger import read_ledger
from c3p_docs.pipeline import Published
from c3p_docs.project import LoadedProject
from c3p_docs.settlement import Spend, category_names, classify, file_name, settle
from c3p_docs.trips import find_activity


@dataclass
class Outcome:
    """What a command wrote and what it found."""

    published: Published
    findings: list[Finding] = field(default_factory=list)

    @property
    def all_findings(self) -> list[Finding]:
        return self.findings + self.published.findings


def publish_requests(loaded: LoadedProject, out: Path, requests: list[Request], pdf_mode: str,
                     templates: str | None, force: bool, findings: list[Finding] | None = None) -> Outcome:
    """The kinds' own findings, then every request rendered, written, converted and listed."""
    plan = pipeline.pdf_plan(pdf_mode)
    renderer = Renderer(loaded, out, templates, counted=plan.make)
    found = (findings or []) + renderer.findings(requests)
    return Outcome(pipeline.publish_jobs(out, renderer.jobs(requests), plan, force), found)


def _pdf(relative: str) -> str:
    return str(Path(relative).with_suffix(".pdf").as_posix())


def run_trip(loaded: LoadedProject, which: str, key: str, out: Path, languages: list[str], pdf_mode: str,
             templates: str | None = None, force: bool = False) -> Outcome:
    """`trip plan|report`: the advance plan before, or the report after, one activity."""
    index, activity = find_activity(loaded.project, key)
    pipeline.check_out_folder(out)
    report = which == "report"
    kind = "trip_report" if report else "trip_plan"
    handle = activity.id or activity.first_day.isoformat()
    created = day_stamp(document_day(activity, loaded.rules, report))
    params = {"activity": activity, "index": index, "report": report}
    requests = [Request(kind, lang, f"{kind}_{handle}_{lang}.docx", created, _pdf(f"{kind}_{handle}_{lang}.docx"),
                        params=params, extra={"activity": handle}) for lang in languages]
    return publish_requests(loaded, out, requests, pdf_mode, templates, force)


def run_plan(loaded: LoadedProject, out: Path, languages: list[str], pdf_mode: str, templates: str | None = None,
             force: bool = False) -> Outcome:
    """`plan`: the fiscal year's implementation plan (実施計画書) from the activities, organisations and budget."""
    pipeline.check_out_folder(out)
    fiscal_year = loaded.rules.fiscal_year
    created = day_stamp(dt.date(fiscal_year, 4, 1))
    requests = [Request("implementation_plan", lang, f"implementation_plan_fy{fiscal_year}_{lang}.docx", created,
                        _pdf(f"implementation_plan_fy{fiscal_year}_{lang}.docx"), extra={"fiscal_year": fiscal_year})
                for lang in languages]
    return publish_requests(loaded, out, requests, pdf_mode, templates, force)


def run_session(loaded: LoadedProject, session_id: str, out: Path, languages: list[str], pdf_mode: str,
                templates: str | None = None, force: bool = False) -> Outcome:
    """`session`: slides for a report session with the ministry (kick-off, interim, final)."""
    dates = session_dates(loaded.project, loaded.rules, session_id)
    pipeline.check_out_folder(out)
    fiscal_year = loaded.rules.fiscal_year
    params = {"session": session_id, "dates": dates}
    extra = {"session": session_id, "fiscal_year": fiscal_year}
    requests = [Request("session_slides", lang, f"session_{session_id}_fy{fiscal_year}_{lang}.pptx",
                        day_stamp(dates.day), _pdf(f"session_{session_id}_fy{fiscal_year}_{lang}.pptx"),
                        params=params, extra=extra) for lang in languages]
    return publish_requests(loaded, out, requests, pdf_mode, templates, force)


def run_settle(loaded: LoadedProject, ledger_path: Path | None, out: Path, languages: list[str], pdf_mode: str,
               templates: str | None = None, force: bool = False) -> Outcome:
    """`settle`: actual costs from `actuals[]` and/or a CSV ledger against the plan, as Excel and a Word page.

    A malformed ledger raises LedgerError before anything is written."""
    if ledger_path is None and not loaded.project.actuals:
        raise UsageError(_("{file}: no actual costs to settle. Add `actuals:` to the project or give --ledger "
                           "FILE.csv (columns date, category, description, amount_jpy).").format(file=loaded.path))
    pipeline.check_out_folder(out)
    spends, sources, findings = _spends(loaded, ledger_path, templates)
    rules = loaded.rules
    params = {"settlement": settle(loaded.project, rules, spends), "sources": sources}
    created = day_stamp(fiscal_year_bounds(rules.fiscal_year)[1])
    stem = f"settlement_fy{rules.fiscal_year}"
    extra = {"fiscal_year": rules.fiscal_year}
    requests = []
    for lang in languages:
        requests.append(Request("settlement", lang, f"{stem}_{lang}.xlsx", created, params=params, extra=extra))
        requests.append(Request("settlement", lang, f"{stem}_{lang}.docx", created, f"{stem}_{lang}.pdf",
                                params=params, extra=extra))
    return publish_requests(loaded, out, requests, pdf_mode, templates, force, findings)


def _spends(loaded: LoadedProject, ledger_path: Path | None,
            templates: str | None) -> tuple[list[Spend], list[dict], list[Finding]]:
    """The actual costs of the project file and the ledger, where each came from, and notes on the ledger."""
    project, source = loaded.project, loaded.source
    spends: list[Spend] = []
    sources: list[dict] = []
    findings: list[Finding] = []
    for index, actual in enumerate(project.actuals):
        line, column = source.position(("actuals", index))
        spends.append(Spend(actual.date, actual.category, actual.category, actual.description or "", actual.amount_jpy,
                            str(loaded.path), line, column, f"actuals[{index}]", index + 1))
    if project.actuals:
        sources.append({"kind": "actuals", "name": loaded.path.name, "lines": len(project.actuals), "encoding": "utf-8"})
    if ledger_path is None:
        return spends, sources, findings
    names = category_names(loaded.rules, [strings(lang, templates)["category"] for lang in ("ja", "en")])
    ledger = read_ledger(ledger_path, names)
    findings += ledger.findings
    for entry in ledger.lines:
        spends.append(Spend(entry.date, classify(entry.category, names), entry.category, entry.description,
                            entry.amount_jpy, str(ledger_path), entry.line, entry.category_column))
    sources.append({"kind": "ledger", "name": file_name(str(ledger_path)), "lines": len(ledger.lines), "encoding": ledger.encoding})
    if ledger.encoding == "cp932":
        findings.append(Finding("ledger-shift-jis", "info", _("not UTF-8; read as Shift_JIS (cp932, as Excel on "
                                                              "Japanese Windows saves CSV)."), file=str(ledger_path)))
    if ledger.ignored_columns:
        findings.append(Finding("ledger-columns-ignored", "info", _("columns {columns} are not used.").format(
            columns=", ".join(ledger.ignored_columns)), file=str(ledger_path)))
    return spends, sources, findings
