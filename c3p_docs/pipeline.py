"""The one publishing pipeline: write each file safely → convert to PDF and count pages (one LibreOffice run) →
fit page-limited documents → merge OUT/manifest.json → save what we wrote. Every command publishes through it."""

from __future__ import annotations

import os
import stat
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from c3p_docs import pdf
from c3p_docs.errors import REPORT_HINT, C3pError, ToolMissing, UsageError
from c3p_docs.findings import Finding
from c3p_docs.manifest import merge_manifest, read_entries
from c3p_docs.output import (
    OutputState,
    Written,
    check_folders,
    kept_name,
    legacy_kept_name,
    output_lock,
    safe_relative,
)

Progress = Callable[[str], None]


@dataclass
class Rendition:
    """A rendered file, what rendering found, and for a page-limited document the size step it was set at."""

    data: bytes
    findings: list[Finding] = field(default_factory=list)
    step: int = 0
    last_step: int = 0
    """The smallest step its kind allows."""
    page_limit: int | None = None
    estimated_pages: int | None = None
    """Pages by our estimate; None when it has no page limit."""

    @property
    def fits_estimate(self) -> bool:
        return self.page_limit is None or (self.estimated_pages or 0) <= self.page_limit


@dataclass
class Job:
    """One file to publish: how to render it (at a size step), where it goes, its PDF, its manifest keys."""

    kind: str
    lang: str
    relative: str
    render: Callable[[int], Rendition]
    pdf_relative: str | None = None
    extra: dict = field(default_factory=dict)
    """More keys for its manifest entries (activity, session, fiscal_year, month)."""
    attachment: str | None = None
    """The call's label, written into the entry of whichever of its files lies in the package."""
    too_long: Callable[[int, bool], Finding] | None = None
    """The finding when it is over its pages at the smallest step: (pages, counted by LibreOffice)."""


@dataclass
class Document:
    """One file already rendered, and where it goes in OUT (commands with nothing to fit publish these)."""

    kind: str
    lang: str
    relative: str
    data: bytes
    pdf: bool = False
    """Also make a PDF beside it when PDFs are made."""
    extra: dict = field(default_factory=dict)
    """More keys for its manifest entry (activity, session, fiscal_year)."""

    def job(self) -> Job:
        rendition = Rendition(self.data)
        pdf_relative = PurePosixPath(self.relative).with_suffix(".pdf").as_posix() if self.pdf else None
        return Job(self.kind, self.lang, self.relative, lambda step: rendition, pdf_relative, dict(self.extra))


@dataclass
class Published:
    """What a run wrote: the manifest entries of its files, which changed on disk, and findings."""

    files: list[dict] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    findings: list[Finding] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Files a person edited, kept in place (their new renditions are in drafts/)."""
    failed: str | None = None
    """Why this folder could not be written (monthly goes on with the other projects)."""
    internal: bool = False
    """The failure is a bug in c3p-docs."""

    def summary(self, out: Path) -> str:
        return (f"{out}: {len(self.written)} file(s) written, {self.unchanged} unchanged"
                + (f", {len(self.kept)} edited file(s) kept" if self.kept else "") + ".")


@dataclass(frozen=True)
class PdfPlan:
    """Whether this run converts to PDF (and so counts pages), and what to say when it cannot."""

    make: bool
    findings: tuple[Finding, ...] = ()


def pdf_plan(pdf_mode: str, why: str = "") -> PdfPlan:
    """`always` fails without LibreOffice; `auto` converts when it is there and says so when not; `never`."""
    if pdf_mode not in ("auto", "always", "never"):
        raise UsageError("--pdf takes auto, always or never.")
    present = pdf.find_soffice() is not None
    if pdf_mode == "always" and not present:
        raise ToolMissing("--pdf always, but LibreOffice (soffice) is not installed. Install libreoffice-writer-nogui "
                          "and libreoffice-impress-nogui, or use --pdf auto.")
    if pdf_mode == "auto" and not present:
        return PdfPlan(False, (Finding("no-libreoffice", "warning" if why else "info",
                                       f"LibreOffice is not installed, so no PDF was made{why}."),))
    return PdfPlan(pdf_mode != "never")


@dataclass
class Placed:
    """A job's file in its folder: the rendition and where `OutputState.write` put it."""

    job: Job
    rendition: Rendition
    written: Written

    @property
    def in_place(self) -> str:
        """The file that stands for the document: the person's edited one when it was kept."""
        return self.written.kept or self.written.relative


@dataclass
class Publication:
    """One output folder of a run: its jobs, its record of what we wrote, and what happened to it."""

    root: Path
    jobs: list[Job]
    force: bool = False
    owned_kinds: frozenset[str] = frozenset()
    """Kinds whose earlier manifest entries this run replaces whole (build's), not only where it writes."""
    package: str | None = None
    """The subfolder mailed to the ministry: an entry there carries its attachment label."""
    isolated: bool = False
    """A failure here is this folder's alone (monthly): noted in `result.failed`, the run goes on."""
    state: OutputState | None = None
    placed: list[Placed] = field(default_factory=list)
    pdf_entries: dict[str, dict] = field(default_factory=dict)
    """Per job relative path: the manifest entry of its PDF."""
    result: Published = field(default_factory=Published)

    @property
    def live(self) -> bool:
        return self.result.failed is None


@contextmanager
def stage(publication: Publication) -> Iterator[None]:
    """Run a stage for one folder: an isolated folder's failure (bad input, a blocked folder, even a bug) is
    recorded and its later stages skipped; elsewhere it propagates."""
    try:
        yield
    except BaseException as error:
        _keep_record(publication)
        if not isinstance(error, Exception) or not publication.isolated:
            raise
        result = publication.result
        if isinstance(error, C3pError):
            result.failed = error.message
            result.findings += error.findings
        elif isinstance(error, OSError):
            result.failed = f"{error.filename or publication.root}: {error.strerror or error}."
        else:
            if os.environ.get("C3P_DEBUG"):
                traceback.print_exc()
            result.failed = f"internal error ({type(error).__name__}: {error}). {REPORT_HINT}"
            result.internal = True


def _keep_record(publication: Publication) -> None:
    """After a failure or a stop: fold the journal into the record of what was written so far, so the folder is left
    without it (when even that cannot be written, a full disk, the journal stays and the next run folds it)."""
    if publication.state is None:
        return
    try:
        publication.state.save()
    except (OSError, C3pError):
        pass


def check_out_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file; -o needs a folder.")


def publish(out: Path, documents: list[Document], pdf_mode: str = "never", force: bool = False) -> Published:
    """Write `documents` into `out` (atomically, unchanged files untouched, edited files kept unless `force`),
    convert those that ask for it to PDF in one LibreOffice run, and merge their entries into the manifest."""
    return publish_jobs(out, [document.job() for document in documents], pdf_plan(pdf_mode), force)


def publish_jobs(out: Path, jobs: list[Job], plan: PdfPlan, force: bool = False) -> Published:
    """`publish` for jobs that render themselves (and may be fitted to their pages)."""
    check_out_folder(out)
    publication = Publication(out, jobs, force=force)
    publication.result.findings += plan.findings
    with output_lock(out):
        open_folder(publication)
        write(publication)
        convert([publication], plan)
        close(publication)
    return publication.result


def open_folder(publication: Publication, also: tuple[str, ...] = ()) -> None:
    """Refuse, before anything is written, a name that would leave the folder or a link on the way to a file;
    then read what we wrote there before (and remove what a killed run left)."""
    with stage(publication):
        root = publication.root
        for relative in [*also, *(name for job in publication.jobs for name in (job.relative, job.pdf_relative) if name)]:
            check_folders(root, safe_relative(relative))
            check_folders(root, kept_name(relative))
        read_entries(root)  # a manifest we cannot merge into (a pipe, gigabytes) stops the run before anything is written
        publication.state = OutputState(root)


def write(publication: Publication, progress: Progress | None = None) -> None:
    """Render and write every job; a file a person edited is kept and the new rendition goes to drafts/."""
    with stage(publication):
        if not publication.live:
            return
        for index, job in enumerate(publication.jobs, 1):
            if progress:
                progress(f"[{index}/{len(publication.jobs)}] {job.kind} ({job.lang})")
            rendition = job.render(0)
            publication.result.findings += rendition.findings
            publication.placed.append(Placed(job, rendition, write_file(publication, job.relative, rendition.data)))


def write_file(publication: Publication, relative: str, data: bytes) -> Written:
    """Write one file of this folder, keeping a person's edit; the findings and counts go to its result."""
    assert publication.state is not None
    root, result = publication.root, publication.result
    written = publication.state.write(relative, data, publication.force)
    if written.kept and str(root / written.kept) not in result.kept:  # once, though fitting writes it again
        result.kept.append(str(root / written.kept))
        result.findings.append(Finding(
            "kept-edited-file", "warning", f"{root / written.kept} was changed since c3p-docs wrote it; it is kept "
            f"and the new rendition is {root / written.relative} (--force replaces your file).",
            file=str(root / written.kept)))
    if written.changed:
        if written.relative not in result.written:  # a page-limited document may be written again, smaller
            result.written.append(written.relative)
    else:
        result.unchanged += 1
    return written


@dataclass
class _Task:
    """One document LibreOffice must look at this round: to count its pages, to deliver its PDF, or both."""

    publication: Publication
    placed: Placed
    count: bool
    deliver: bool

    @property
    def source(self) -> str:
        return self.placed.in_place

    def paths(self) -> list[Path]:
        root = self.publication.root
        return ([root / self.placed.written.relative] if self.count else []) + ([root / self.source] if self.deliver else [])


def convert(publications: list[Publication], plan: PdfPlan, progress: Progress | None = None) -> None:
    """PDFs and page counts: one LibreOffice run for every folder, then one more per size step a page-limited
    document has to go down; without conversion, stale PDFs of ours are removed and estimates decide."""
    live = [p for p in publications if p.live]
    if not plan.make:
        for publication in live:
            with stage(publication):
                _without_pdf(publication)
        return
    tasks = [task for publication in live for task in _tasks(publication)]
    while tasks:
        if progress:
            progress(f"PDF ({len(tasks)} file(s), LibreOffice)")
        converted = pdf.convert_to_pdf(list(dict.fromkeys(path for task in tasks for path in task.paths())))
        next_round = []
        for task in tasks:
            if task.publication.live:
                with stage(task.publication):
                    next_round += _after_conversion(task, converted)
        tasks = next_round


def _tasks(publication: Publication) -> list[_Task]:
    assert publication.state is not None
    tasks = []
    for placed in publication.placed:
        count = placed.rendition.page_limit is not None and not _pages_verified(publication, placed.written.relative)
        pdf_relative = placed.job.pdf_relative
        deliver = pdf_relative is not None
        if pdf_relative is not None:
            problem = _source_problem(publication, placed)
            if problem is not None:
                publication.result.findings.append(problem)
                deliver = False
            elif publication.state.pdf_is_fresh(pdf_relative, placed.in_place):
                _list_pdf(publication, placed)
                publication.result.unchanged += 1
                deliver = False
        if count or deliver:
            tasks.append(_Task(publication, placed, count, deliver))
    return tasks


def _source_problem(publication: Publication, placed: Placed) -> Finding | None:
    """A kept file that is not a regular file (a link, a pipe) is never handed to LibreOffice."""
    path = publication.root / placed.in_place
    try:
        regular = stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        regular = False
    if regular:
        return None
    return Finding("pdf-failed", "error", f"{path} is not a regular file, so its PDF was not made; replace it with "
                   "the document itself.", file=str(path))


def _after_conversion(task: _Task, converted: dict[Path, bytes]) -> list[_Task]:
    """Count pages (going a size step down when over), then deliver the PDF; the tasks for the next round."""
    publication, placed = task.publication, task.placed
    ours = task.deliver and task.source == placed.written.relative
    if task.count:
        counted = publication.root / placed.written.relative
        data = converted.get(counted)
        if data is None and not ours:  # when the PDF itself is ours, its failure is said once, below
            publication.result.findings.append(Finding(
                "pdf-failed", "warning", f"LibreOffice could not convert {counted}, so its pages were not counted.",
                file=str(counted)))
        smaller = _fit(publication, placed, pdf.pdf_page_count(data)) if data is not None else None
        if smaller is not None:
            if task.deliver and not ours:  # the person's file, converted this round, is not re-fitted
                _deliver(task, converted)
            return [_Task(publication, smaller, True, ours)]
    if task.deliver:
        _deliver(task, converted)
    return []


def _fit(publication: Publication, placed: Placed, pages: int) -> Placed | None:
    """Within its pages: noted. Over them: rendered a step smaller (returned, to count again), or at the
    smallest step, its too-long finding."""
    rendition, job = placed.rendition, placed.job
    assert rendition.page_limit is not None and publication.state is not None
    if pages <= rendition.page_limit:
        publication.state.written[placed.written.relative + "#pages"] = publication.state.written.get(
            placed.written.relative, "")
        return None
    if rendition.step < rendition.last_step:
        smaller = job.render(rendition.step + 1)
        findings = publication.result.findings
        findings[:] = [f for f in findings if not any(f is old for old in rendition.findings)] + smaller.findings
        replacement = Placed(job, smaller, write_file(publication, job.relative, smaller.data))
        publication.placed[publication.placed.index(placed)] = replacement
        return replacement
    if job.too_long is not None:
        publication.result.findings.append(job.too_long(pages, True))
    return None


def _deliver(task: _Task, converted: dict[Path, bytes]) -> None:
    """Write the PDF of the document as it stands (the person's edited file when kept) and note its source."""
    publication, placed = task.publication, task.placed
    assert publication.state is not None and placed.job.pdf_relative is not None
    root, source = publication.root, task.source
    data = converted.get(root / source)
    if data is None:
        publication.result.findings.append(Finding("pdf-failed", "error", f"LibreOffice could not convert "
                                                   f"{root / source}.", file=str(root / source)))
        return
    if placed.written.kept:
        publication.result.findings.append(Finding(
            "pdf-from-edited-file", "warning", f"{root / placed.job.pdf_relative} is converted from your edited "
            f"{root / source}; what changed in the YAML since is only in {root / placed.written.relative}. Bring "
            "those changes into your file, or delete it to use the new rendition.", file=str(root / source)))
    written = write_file(publication, placed.job.pdf_relative, data)
    publication.state.record_pdf_source(written.relative, source)
    _list_pdf(publication, placed)


def _without_pdf(publication: Publication) -> None:
    """No conversion this run: a PDF of ours that no longer matches its source is removed (it would be mailed
    with old content); a fresh one stays listed; the estimate alone decides whether pages fit."""
    state, result = publication.state, publication.result
    assert state is not None
    for placed in publication.placed:
        pdf_relative = placed.job.pdf_relative
        if not placed.rendition.fits_estimate and placed.job.too_long is not None:
            result.findings.append(placed.job.too_long(placed.rendition.estimated_pages or 0, False))
        if pdf_relative is None or not os.path.lexists(publication.root / pdf_relative):
            continue
        if state.pdf_is_fresh(pdf_relative, placed.in_place):
            _list_pdf(publication, placed)
        elif not state.edited_since_written(pdf_relative):
            state.remove(pdf_relative)
            result.findings.append(Finding(
                "stale-pdf-removed", "warning", f"{publication.root / pdf_relative} was removed: it no longer matched "
                f"{publication.root / placed.in_place}, and this run makes no PDFs. Build with --pdf auto (LibreOffice "
                "installed) or export the PDF yourself.", file=str(publication.root / pdf_relative)))


def _pages_verified(publication: Publication, relative: str) -> bool:
    """LibreOffice counted this very file's pages before and they were within the limit."""
    assert publication.state is not None
    written = publication.state.written
    return (publication.root / relative).is_file() and written.get(relative + "#pages") == written.get(relative)


def _list_pdf(publication: Publication, placed: Placed) -> None:
    assert publication.state is not None and placed.job.pdf_relative is not None
    pdf_relative = placed.job.pdf_relative
    publication.pdf_entries[placed.job.relative] = {
        **_entry(publication, placed.job, pdf_relative), "source": placed.in_place,
        "source_sha256": publication.state.pdf_source_digest(pdf_relative)}


def _entry(publication: Publication, job: Job, path: str) -> dict:
    entry = {"kind": job.kind, "lang": job.lang, "path": path}
    if job.attachment and publication.package and path.startswith(publication.package + "/"):
        entry["attachment"] = job.attachment
    return {**entry, **job.extra}


def entries(publication: Publication) -> list[dict]:
    """The manifest entries of what this run placed: each document (the person's file when kept, with its new
    rendition as `draft`), then its PDF."""
    listed = []
    for placed in publication.placed:
        entry = _entry(publication, placed.job, placed.in_place)
        if placed.written.kept:
            entry["draft"] = placed.written.relative
        listed.append(entry)
        if placed.job.relative in publication.pdf_entries:
            listed.append(publication.pdf_entries[placed.job.relative])
    return listed


def close(publication: Publication, more: list[dict] | None = None) -> None:
    """Merge this run's entries (and `more`) into the folder's manifest, then save the record of what we wrote
    (in that order: the journal goes last, so a crash in between is still recognised)."""
    with stage(publication):
        if not publication.live:
            return
        assert publication.state is not None
        publication.result.files = entries(publication) + (more or [])
        replaced = {name for job in publication.jobs for relative in (job.relative, job.pdf_relative) if relative
                    for name in (relative, kept_name(relative), legacy_kept_name(relative))}
        merge_manifest(publication.root, publication.result.files, replaced, publication.owned_kinds)
        publication.state.save()

