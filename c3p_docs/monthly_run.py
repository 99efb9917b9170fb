"""`monthly`: one A4 page per project and language, each project in its own folder, cron-safe and isolated."""

from __future__ import annotations

import datetime as dt
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from c3p_docs import pipeline
from c3p_docs.documents.kinds import Request
from c3p_docs.documents.renderer import Renderer, day_stamp
from c3p_docs.errors import C3pError, internal_error
from c3p_docs.findings import Finding
from c3p_docs.i18n import _
from c3p_docs.monthly import outside_period
from c3p_docs.output import output_lock
from c3p_docs.placeholders import starter_values_left
from c3p_docs.project import load_project


@dataclass
class ProjectOutcome:
    path: Path
    ok: bool = True
    message: str = ""
    internal: bool = False
    """The failure is a bug in c3p-docs, not the project's fault."""
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def fail(self, message: str, internal: bool = False) -> None:
        self.ok, self.message, self.internal = False, message, internal


GENERIC_STEM = "project"
"""The name `init` gives every project file: such a file is named by its folder (`projects/osaka-hcmc/project.yaml`
reports to OUT/osaka-hcmc/), so several projects laid out the README's way never share a report folder."""


def folder_name(path: Path) -> str:
    """The project's report folder under OUT: the name of the folder holding a `project.yaml`, else the file's name
    without `.yaml`; never `.`, `..` or empty (a file named `...yaml` gets `_..`), so every report stays inside OUT."""
    name = path.stem
    if name.casefold() == GENERIC_STEM:
        name = Path(os.path.abspath(path)).parent.name or name
    name = name.replace("\\", "_")
    return f"_{name}" if name.strip(". ") == "" else name


def run_monthly(paths: list[Path], year_month: str, out: Path, languages: list[str], pdf_mode: str,
                force: bool, templates: str | None = None) -> list[ProjectOutcome]:
    """Render every project's reports, write each into OUT/<name>/ (a folder that cannot be written fails its
    project only), convert them all in one LibreOffice run, and say per project what happened."""
    plan = pipeline.pdf_plan(pdf_mode)
    outcomes = [ProjectOutcome(path) for path in paths]
    if outcomes:
        outcomes[0].findings += plan.findings  # said once, not per project
    with output_lock(out):
        publications = _publications(outcomes, year_month, out, languages, force, templates, plan)
        for outcome, publication in publications:
            _isolated(outcome, pipeline.open_folder, publication)
            _isolated(outcome, pipeline.write, publication)
        pipeline.convert([p for o, p in publications if o.ok and p.live], plan)
        for outcome, publication in publications:
            _isolated(outcome, pipeline.close, publication)
            _finish(outcome, publication)
    return outcomes


def _publications(outcomes: list[ProjectOutcome], year_month: str, out: Path, languages: list[str], force: bool,
                  templates: str | None, plan: pipeline.PdfPlan) -> list[tuple[ProjectOutcome, pipeline.Publication]]:
    """One folder per project that loads and renders; two projects wanting one folder: the second fails."""
    publications = []
    folders: dict[str, Path] = {}
    for outcome in outcomes:
        name = folder_name(outcome.path)
        other = folders.setdefault(name.casefold(), outcome.path)  # one folder on Windows and macOS: A and a
        if other != outcome.path:
            outcome.fail(_("{other} in the same run also writes to {folder}; rename one of the files or folders "
                           "(reports go to OUT/<file name>/, and for a file named project.yaml to OUT/<its "
                           "folder>/).").format(other=other, folder=out / name))
            continue
        jobs = _isolated(outcome, _jobs, outcome, year_month, out / name, languages, templates, plan)
        if jobs is not None:
            publications.append((outcome, pipeline.Publication(out / name, jobs, force=force, isolated=True, within=out)))
    return publications


def _jobs(outcome: ProjectOutcome, year_month: str, folder: Path, languages: list[str], templates: str | None,
          plan: pipeline.PdfPlan) -> list[pipeline.Job] | None:
    """Load the project and describe its reports (rendering happens as they are written); a month outside the
    project period fails the project with nothing written."""
    loaded = load_project(outcome.path)
    outcome.findings += starter_values_left(loaded.source)
    if outside_period(loaded.project, year_month):
        period = loaded.project.project.period
        assert period is not None
        span = f"{period.start or '…'} – {period.end or '…'}"
        finding = loaded.source.finding(
            "month-outside-period", "error", ("project", "period"),
            _("{month} is outside the project period {period}, so no report was written for it; give a month within "
              "the period (--month), or correct the period if the project was extended.").format(
                month=year_month, period=span))
        outcome.findings.append(finding)
        outcome.fail(_("{month} is outside the project period {period} ({where}); nothing was written for this "
                       "project.").format(month=year_month, period=span, where=f"{finding.file}:{finding.line}"))
        return None
    year, month = map(int, year_month.split("-"))
    created = day_stamp(dt.date(year, month, 1))
    requests = [Request("monthly_report", lang, f"monthly_{year_month}_{lang}.docx", created,
                        pdf_relative=f"monthly_{year_month}_{lang}.pdf", params={"month": year_month},
                        extra={"month": year_month}) for lang in languages]
    renderer = Renderer(loaded, folder, templates, counted=plan.make)
    outcome.findings += renderer.findings(requests)
    return renderer.jobs(requests)


def _isolated(outcome: ProjectOutcome, step, *args):
    """Run one project's step; what stops it (bad input, a blocked folder, a bug) fails that project only."""
    if not outcome.ok:
        return None
    try:
        return step(*args)
    except C3pError as error:
        outcome.findings += error.findings
        outcome.fail(error.message)
    except OSError as error:
        outcome.fail(_("{file}: {reason}.").format(file=error.filename or outcome.path, reason=error.strerror or error))
    except Exception as error:  # noqa: BLE001 - one project's bug must not stop the others' reports
        if os.environ.get("C3P_DEBUG"):
            traceback.print_exc()
        outcome.fail(internal_error(error), internal=True)
    return None


def _finish(outcome: ProjectOutcome, publication: pipeline.Publication) -> None:
    """The project's files and findings; a folder that failed or a PDF LibreOffice did not make fails it."""
    result = publication.result
    outcome.findings += result.findings
    outcome.files = [str(publication.root / relative) for relative in result.written]
    if outcome.ok and result.failed:
        outcome.fail(result.failed, result.internal)
    failed_pdfs = [f.file for f in result.findings if f.code == "pdf-failed" and f.severity == "error"]
    if outcome.ok and failed_pdfs:
        outcome.fail(_("LibreOffice could not convert {files}; the report's PDF is missing. Run again, or convert it "
                       "yourself.").format(files=", ".join(str(f) for f in failed_pdfs)))
