"""Render a requested document with its kind's writer: Word (fitted to its pages), slides, sheets, tagged forms."""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

from c3p_docs.bilingual import pick
from c3p_docs.calls import cite
from c3p_docs.documents.context import build_context, placeholder_filter, strings
from c3p_docs.documents.kinds import Kind, Output, Request, get
from c3p_docs.documents.markup import laid_out, render_markup
from c3p_docs.findings import Finding, Severity
from c3p_docs.i18n import _, language, profile_text, sentences
from c3p_docs.jinja_env import environment
from c3p_docs.pipeline import Job, Rendition
from c3p_docs.project import LoadedProject

STEPS = ((10.5, False), (10.5, True), (10.0, True), (9.5, True), (9.0, True), (8.5, True), (8.0, True))
"""(body size in pt, compact spacing) a page-limited Word document is tried at, in order: first the spacing
tightens, then the type, down to its kind's floor."""
PAGE_HEIGHT_MM = 297 - 25 - 25
ESTIMATE_SHARE = {True: 1.1, False: 0.93}
"""Share of its pages a document's estimated height may fill. When LibreOffice counts the pages afterwards a
little over them (the estimate runs long in compact spacing; an overshoot costs one more step); when nothing
counts, within them (it runs short across page breaks)."""


def last_step(floor: float) -> int:
    """The smallest step at or above `floor` pt."""
    return max(index for index, (size, _compact) in enumerate(STEPS) if size >= floor)


class Renderer:
    """One project's documents: shared context per language, metadata from one place, every writer."""

    def __init__(self, loaded: LoadedProject, out: Path, templates: str | None = None,
                 forms: dict[str, Path] | None = None, counted: bool = False) -> None:
        self.loaded = loaded
        self.out = out
        self.templates = templates
        self.forms = forms or {}
        self.counted = counted
        """LibreOffice will count the pages of page-limited documents (else only the estimate decides)."""
        self._contexts: dict[str, dict] = {}

    @property
    def project(self):
        return self.loaded.project

    @property
    def rules(self):
        return self.loaded.rules

    def context(self, lang: str) -> dict:
        """The namespace every template and form of `lang` sees (worked out once per language)."""
        if lang not in self._contexts:
            self._contexts[lang] = build_context(self.project, self.rules, lang, self.templates)
        return self._contexts[lang]

    def words(self, lang: str) -> dict:
        return self.context(lang)["t"]

    def metadata(self, request: Request, kind: Kind):
        """Title, author, subject and date stamp of every file we write, whatever its writer."""
        from c3p_docs.documents.word import Metadata

        context = self.context(request.lang)
        title = kind.title(self, request) if kind.title else f"{context['project']['title'] or ''}"
        author = context["applicant"]["name"] or self.project.applicant.name.ja or "c3p-docs"
        return Metadata(title=title, author=author, subject=f"{self.rules.id} {request.kind}", created=request.created,
                        language=request.lang)

    def findings(self, requests: list[Request]) -> list[Finding]:
        """What each kind among `requests` finds in the project, once per kind."""
        found: list[Finding] = []
        for name in dict.fromkeys(request.kind for request in requests):
            kind = _kind(name)
            if kind.findings is not None:
                found += kind.findings(self, [r for r in requests if r.kind == name])
        return found

    def jobs(self, requests: list[Request]) -> list[Job]:
        """The pipeline's jobs: each renders its request at a size step and names what to shorten."""
        return [Job(request.kind, request.lang, request.relative, self._renderer_of(request),
                    pdf_relative=request.pdf_relative, extra=dict(request.extra),
                    attachment=request.attachment.label if request.attachment else None,
                    too_long=self._too_long_of(request)) for request in requests]

    def _renderer_of(self, request: Request):
        return lambda step: self.render(request, step)

    def _too_long_of(self, request: Request):
        return lambda pages, counted: self.too_long(request, pages, counted)

    def render(self, request: Request, step: int = 0) -> Rendition:
        """The file's bytes, from a tagged form when one is given for it, else from its template; a page-limited
        Word document at the first size step from `step` the estimate says fits."""
        kind = _kind(request.kind)
        findings = self._assumed(request)
        form_key = kind.form_key(request.lang)
        if form_key in self.forms:
            return Rendition(self._fill(request, kind, self.forms[form_key]), findings)
        output = kind.output_for(request.relative)
        if output.writer == "sheet":
            data, cut = self._sheet(request, kind)
            return Rendition(data, findings + cut)
        base = self.context(request.lang)
        context = kind.context(self, request, base) if kind.context else base
        template = output.template or f"{kind.name}.xml.j2"
        root = render_markup(self._env(request.lang), template, context)
        with laid_out(template, self.templates):
            if output.writer == "workbook":
                from c3p_docs.documents.workbook import render_workbook

                return Rendition(render_workbook(root, request.lang, self.metadata(request, kind)), findings)
            if output.writer == "slides":
                return self._slides(request, kind, root, findings)
            return self._word(request, kind, output, root, step, findings)

    def _env(self, lang: str):
        env = environment(lang, self.templates)
        env.filters["ph"] = placeholder_filter(lang, self.templates)
        return env

    def _word(self, request: Request, kind: Kind, output: Output, root, start: int,
              findings: list[Finding]) -> Rendition:
        from c3p_docs.documents.measure import estimate_height_mm  # with the Word writer, which needs it too
        from c3p_docs.documents.word import render_word

        metadata = self.metadata(request, kind)
        limit = request.page_limit or output.page_limit
        if not limit:
            return Rendition(render_word(root, request.lang, metadata, templates=self.templates), findings)
        floor = last_step(kind.floor)
        page = PAGE_HEIGHT_MM * ESTIMATE_SHARE[self.counted]
        step = min(start, floor)
        for step in range(min(start, floor), floor + 1):
            height = estimate_height_mm(root, STEPS[step][0], compact=STEPS[step][1])
            if height <= limit * page:
                break
        size, compact = STEPS[step]
        data = render_word(root, request.lang, metadata, base_size=size, compact=compact, templates=self.templates)
        return Rendition(data, findings, step=step, last_step=floor, page_limit=limit,
                         estimated_pages=max(1, math.ceil(height / page)))

    def _slides(self, request: Request, kind: Kind, root, findings: list[Finding]) -> Rendition:
        """Slides; text that does not fit is an error in a submitted attachment (it is published), else a warning."""
        from c3p_docs.documents.slides import READABLE_PT, render_slides

        data, report = render_slides(root, request.lang, self.metadata(request, kind), self.templates)
        where = str(self.out / request.relative)
        severity: Severity = "error" if request.attachment is not None else "warning"
        for label in report.overflow:
            findings.append(Finding(
                "text-overflow", severity, _("{document}: {label} is too long for its box even at the smallest font "
                                             "size ({size:g} pt); shorten it.").format(
                    document=f"{request.kind} ({request.lang})", label=label, size=READABLE_PT), file=where, path=label))
        for label in report.cut:
            findings.append(Finding(
                "text-cut", "warning", _("{document}: {label} is too long to show whole even at {size:g} pt; the slide "
                                         "shows the first items and how many more there are.").format(
                    document=f"{request.kind} ({request.lang})", label=label, size=READABLE_PT),
                file=where, path=label))
        for label in report.shrunk:
            findings.append(Finding(
                "text-shrunk", "info", _("{document}: {label} was set in a smaller font to fit.").format(
                    document=f"{request.kind} ({request.lang})", label=label), file=where, path=label))
        return Rendition(data, findings)

    def _sheet(self, request: Request, kind: Kind) -> tuple[bytes, list[Finding]]:
        from c3p_docs.documents.sheets import Properties, render_workbook

        assert kind.sheet is not None, f"{kind.name}: a sheet kind declares `sheet`"
        words = self.words(request.lang)
        metadata = self.metadata(request, kind)
        data, truncated = render_workbook(kind.sheet(self, request), request.lang,
                                          Properties(metadata.title, metadata.author, metadata.subject,
                                                     metadata.created),
                                          words["placeholder"], words["records"]["bullet"])
        return data, [Finding("text-truncated", "warning", _(
            "{document}: a text beginning {start} is longer than Excel's 32,767 characters per cell and was cut; shorten "
            "it.").format(document=f"{request.kind} ({request.lang})", start=repr(start)),
            file=str(self.out / request.relative)) for start in truncated]

    def _fill(self, request: Request, kind: Kind, form: Path) -> bytes:
        """The user's official form, filled; metadata and zip normalised as for our own renditions."""
        from c3p_docs.documents.packaging import apply_metadata, save_docx, save_pptx
        from c3p_docs.forms import fill_form

        # Forms see the namespace our templates see, in the form's language (`fields` lists it).
        data = fill_form(form, self.context(request.lang), strings(request.lang, self.templates)["placeholder"])
        if form.suffix.lower() == ".docx":
            from docx import Document

            document = Document(io.BytesIO(data))
            apply_metadata(document.core_properties, self.metadata(request, kind))
            return save_docx(document)
        from pptx import Presentation

        presentation = Presentation(io.BytesIO(data))
        apply_metadata(presentation.core_properties, self.metadata(request, kind))
        return save_pptx(presentation)

    def _assumed(self, request: Request) -> list[Finding]:
        """An attachment whose form the call does not give: say what we assumed."""
        rule = request.attachment
        if rule is None or not rule.assumed:
            return []
        return [Finding("assumed-form", "info", _("{name} ({source}), assumed: {note}").format(
            name=pick(rule.name, language()), source=cite(rule.source), note=profile_text(rule.assumed_note)),
            file=str(self.out / request.relative), attachment=rule.label)]

    def too_long(self, request: Request, pages: int, counted: bool) -> Finding:
        """Still over its pages at the smallest size: how long it is and what to shorten."""
        kind = _kind(request.kind)
        limit = request.page_limit or kind.output_for(request.relative).page_limit or 1
        floor = STEPS[last_step(kind.floor)][0]
        how = (_("{count} pages").format(count=pages) if counted
               else _("about {count} pages by our estimate (LibreOffice would count them)").format(count=pages))
        fields = kind.shorten(self, request) if kind.shorten else ""
        shorten = _("Shorten {fields}.").format(fields=fields) if fields else ""
        rule = request.attachment
        if rule is not None:
            return Finding(kind.too_long_code, "error" if counted else "warning",
                           sentences(_("{name}: {how} even at {size:g} pt; the call allows {limit} ({source}).").format(
                               name=pick(rule.name, language()), how=how, size=floor, limit=limit,
                               source=cite(rule.source)), shorten),
                           file=str(self.out / request.relative), attachment=rule.label)
        return Finding(kind.too_long_code, "warning", sentences(_("{document}: {how} even at {size:g} pt; it should fit "
                                                                  "{limit} page(s).").format(
            document=f"{request.kind} ({request.lang})", how=how, size=floor, limit=limit), shorten),
                       file=str(self.out / request.relative))


def _kind(name: str) -> Kind:
    kind = get(name)
    if kind is None:
        raise KeyError(f"no document kind {name!r} in c3p_docs/documents/kinds")
    return kind


def day_stamp(day: dt.date) -> dt.datetime:
    """A document dated `day` is stamped 09:00 that day (the time is fixed, so rebuilds are identical)."""
    return dt.datetime.combine(day, dt.time(9, 0))
