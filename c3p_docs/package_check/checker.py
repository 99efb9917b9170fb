"""Walk a submission folder (never following links) and turn what is there into findings and a mail plan."""

from __future__ import annotations

import os
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from c3p_docs.attachments import EXTENSIONS, attachment_statuses
from c3p_docs.calls import CallRules
from c3p_docs.errors import C3pError, UsageError
from c3p_docs.findings import Finding
from c3p_docs.mail import MailPlan, plan_mails
from c3p_docs.model import Project
from c3p_docs.package_check import content, freshness, names, text
from c3p_docs.placeholders import find_placeholder

MAX_FILES = 10_000
MAX_PLACEHOLDER_FINDINGS = 20
"""Per file: past these, one more finding says how many more places still show a placeholder."""
EXTENSION_KINDS = {".pdf": {"pdf"}, ".docx": {"docx"}, ".pptx": {"pptx"}, ".xlsx": {"xlsx"},
                   ".doc": {"doc", "ole"}, ".xls": {"xls", "ole"}, ".ppt": {"ppt", "ole"},
                   ".docm": {"docx"}, ".pptm": {"pptx"}, ".xlsm": {"xlsx"}}


@dataclass
class Entry:
    relative: str
    """The path below the folder as it can be shown (undecodable bytes escaped)."""
    path: Path
    size: int = 0
    symlink: bool = False
    system: bool = False
    number: int | None = None
    inspection: content.Inspection | None = None
    undecodable: bool = False
    """Some part of the name is not UTF-8 (Shift_JIS from a Windows zip): not mailable until renamed."""
    draft: bool = False
    """A `.new` rendition, temporary or lock file: never mailed."""
    unreadable: str | None = None
    """Why the file could not be read (it vanished during the check, no permission): not mailable."""
    identity: tuple[int, int, int, int] | None = None
    """(device, inode, size, modification time): hard links and copies made in place are inspected once."""

    @property
    def mailable(self) -> bool:
        return not (self.symlink or self.system or self.draft or self.undecodable or self.unreadable) and self.size > 0


@dataclass
class Budget:
    """The work one check may do across all files (each distinct file is also bounded on its own): past it,
    the remaining files are reported unchecked rather than taking minutes."""

    entries: int = 100_000
    """Container entries (parts of .docx/.pptx/.xlsx) listed."""
    bytes: int = 1024 * 1024 * 1024
    """Bytes parsed: PDFs, and XML searched for placeholders."""

    def spent(self) -> bool:
        return self.entries <= 0 or self.bytes <= 0

    def charge(self, inspection: content.Inspection) -> None:
        self.entries -= inspection.entries_read
        self.bytes -= inspection.bytes_read


@dataclass
class PackageReport:
    findings: list[Finding] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    plan: MailPlan = field(default_factory=lambda: MailPlan([], [], 0))
    renamed: list[tuple[str, str]] = field(default_factory=list)

    def extra_json(self) -> dict:
        return {"mails": [m.as_json() for m in self.plan.mails],
                "transfer_service": self.plan.too_large,
                "files": [{"name": e.relative, "bytes": e.size, "kind": e.inspection.kind if e.inspection else None,
                           "attachment": e.number} for e in self.entries]}


def scan(folder: Path) -> tuple[list[Entry], list[Finding]]:
    if not folder.exists():
        raise UsageError(f"{folder}: no such folder.")
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder; check-package takes the folder you will mail.")
    entries: list[Entry] = []
    findings: list[Finding] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            children = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as error:
            findings.append(Finding("corrupt-file", "error", f"cannot read the folder: {error.strerror}.",
                                    file=names.printable(str(current))))
            continue
        for child in children:
            raw = str(Path(child.path).relative_to(folder))
            relative = names.printable(raw)
            if names.undecodable(child.name):
                decoded = names.shift_jis_name(child.name)
                hint = (f"read as Shift_JIS (Windows) it is {decoded!r}; run check-package with --fix-names to rename it"
                        if decoded else "it is no Shift_JIS text either (each machine would show other characters), "
                        "so rename it by hand")
                findings.append(Finding("filename-encoding", "error", f"the name is not UTF-8 text (a zip made on "
                                        f"Windows?): {hint}. It is left out of the mail plan until then.",
                                        file=names.printable(str(folder / relative))))
            if child.is_symlink():
                entries.append(Entry(relative, Path(child.path), symlink=True))
                continue
            if child.is_dir(follow_symlinks=False):
                if child.name == "__MACOSX":
                    entries.append(Entry(relative + "/", Path(child.path), system=True))
                else:
                    stack.append(Path(child.path))
                continue
            if not child.is_file(follow_symlinks=False):
                continue
            entries.append(_file_entry(relative, child, names.undecodable(raw)))
            if len(entries) > MAX_FILES:
                raise UsageError(f"{folder}: more than {MAX_FILES:,} files; is this the submission folder?")
    entries.sort(key=lambda e: e.relative)
    return entries, findings


def _file_entry(relative: str, child: os.DirEntry, undecodable: bool) -> Entry:
    """A regular file found by the walk; one that vanished or cannot be read since is an entry saying so."""
    entry = Entry(relative, Path(child.path), system=names.is_system_file(child.name), undecodable=undecodable,
                  draft=names.is_draft(child.name))
    try:
        info = child.stat(follow_symlinks=False)
    except OSError as error:
        entry.unreadable = error.strerror or type(error).__name__
        return entry
    if not stat.S_ISREG(info.st_mode):
        entry.unreadable = "it is no regular file any more: a pipe, a device or a folder took its place"
        return entry
    entry.size = info.st_size
    entry.identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    return entry


def _rename_without_replacing(source: Path, target: Path) -> bool:
    """Rename unless `target` names anything at all (a file, a folder, a dangling link): False then."""
    if os.path.lexists(target):
        if not os.path.samestat(os.lstat(source), os.lstat(target)):
            return False
        os.rename(source, target)  # one entry under two spellings (a normalising file system): respell it
        return True
    try:
        os.link(source, target, follow_symlinks=False)  # fails if the name was taken meanwhile
    except FileExistsError:
        return False
    except OSError:  # a folder, or a file system without hard links
        if os.path.lexists(target):
            return False
        os.rename(source, target)  # on Windows rename itself refuses an existing target
        return True
    os.unlink(source)
    return True


def rename_to_fixed_names(folder: Path) -> list[tuple[str, str]]:
    """Rename Mac-decomposed (NFD) names to NFC and Shift_JIS names to Unicode, deepest first, never over
    an existing entry and never through a link."""
    renamed = []
    for current, directories, files in os.walk(folder, topdown=False):
        for name in sorted(files + directories):
            path = Path(current, name)
            new_name = names.fixed_name(name)
            if new_name is None or path.is_symlink() or names.is_system_file(name):
                continue
            if _rename_without_replacing(path, path.with_name(new_name)):
                old = names.printable(str(path.relative_to(folder)))
                renamed.append((old, str(path.with_name(new_name).relative_to(folder))))
    return renamed


def check_package(folder: Path, rules: CallRules, project: Project | None, fix_names: bool = False) -> PackageReport:
    """Every finding about the files in `folder` (the package to mail), and the plan of mails that carry them."""
    report = PackageReport()
    if fix_names:
        scan(folder)  # the usage checks (a folder that exists) come first
        report.renamed = rename_to_fixed_names(folder)
    entries, report.findings = scan(folder)
    report.entries = entries
    add = report.findings.append
    by_number: dict[int, list[Entry]] = {}
    inspected: dict[tuple[int, int, int, int], content.Inspection] = {}
    budget = Budget()
    searching = text.Searching(find_placeholder)
    for entry in entries:
        where = _shown(folder / entry.relative)
        if not _usable(entry, where, add):
            continue
        if not entry.undecodable:
            _name_checks(entry, where, add)
        if entry.size == 0:
            add(Finding("empty-file", "error", "the file is empty (0 bytes).", file=where))
            continue
        if not _inspect(entry, where, inspected, budget, searching, add):
            continue
        _extension_check(entry, where, add)
        number = names.attachment_number(entry.path.name)
        if number is None or rules.attachment(number) is None:
            hint = (f"number {number} is not in the call's list" if number is not None
                    else "its name does not start with an attachment number such as " + rules.attachments[1].label)
            add(Finding("unknown-file", "warning", f"matches no attachment of {rules.id}: {hint}.", file=where))
            continue
        entry.number = number
        by_number.setdefault(number, []).append(entry)
    _attachment_checks(folder, rules, project, by_number, add)
    _freshness_checks(folder, entries, add)
    mailable = [e for e in entries if e.mailable]
    mailable.sort(key=lambda e: (e.number if e.number is not None else 99, e.relative))
    report.plan = plan_mails([(e.relative, e.size) for e in mailable], rules.mail.limit_bytes.value,
                             rules.mail.header_margin_bytes.value)
    for name in report.plan.too_large:
        add(Finding("too-large-for-mail", "error", f"too large for any mail under the {rules.mail.limit_bytes.value:,}-"
                    "byte limit once base64-encoded; ask the ministry (at the submission address) to set up its "
                    "file-transfer service — the applicant's own transfer services are not accepted "
                    f"({rules.mail.limit_bytes.cited()}).", file=_shown(folder / name)))
    if len(report.plan.mails) > 1:
        layout = "; ".join(f"mail {i}: {', '.join(m.attachments)} ({m.encoded_bytes:,} bytes encoded)"
                           for i, m in enumerate(report.plan.mails, 1))
        add(Finding("mail-split", "info", f"the files need {len(report.plan.mails)} mails within "
                    f"{rules.mail.limit_bytes.value:,} bytes each: {layout}."))
    return report


def _shown(path: Path) -> str:
    """A path as it can be printed and put in JSON (undecodable bytes of a folder's name escaped)."""
    return names.printable(str(path))


DRAFT_REASONS = {
    "new": "a new rendition c3p-docs wrote beside a file someone edited (its place is OUT/drafts/): compare the "
           "two, keep the one to send under the attachment's name, and delete this one",
    "office": "the lock file Word, Excel or PowerPoint keeps while the document is open (or left after a crash): "
              "close the document and delete this file",
    "libreoffice": "the lock file LibreOffice keeps while the document is open (or left after a crash): close "
                   "the document and delete this file",
    "ours": "c3p-docs's lock file: a run is writing here, or was stopped; wait for it to end, then delete the file",
    "temporary": "a temporary file of a program that is writing here (or was stopped while writing): wait for it "
                 "to end, then delete the file",
}


def _draft_reason(name: str) -> str:
    lowered = name.casefold()
    if lowered.startswith("~$"):
        return DRAFT_REASONS["office"]
    if lowered.startswith(".~lock."):
        return DRAFT_REASONS["libreoffice"]
    if lowered == ".c3p-docs.lock":
        return DRAFT_REASONS["ours"]
    if lowered.endswith(".tmp"):
        return DRAFT_REASONS["temporary"]
    return DRAFT_REASONS["new"]


def _usable(entry: Entry, where: str, add) -> bool:
    """Report what keeps a file out of the mail before its content is read: False for such a file."""
    if entry.symlink:
        add(Finding("symlink", "error", "a symbolic link; it was not followed. Put the real file here.", file=where))
    elif entry.draft:
        add(Finding("draft-in-package", "error", f"not a file to mail: {_draft_reason(entry.path.name)}. It is "
                    "left out of the mail plan and the drafts.", file=where))
    elif entry.system:
        add(Finding("system-file", "warning", "a system or temporary file (Finder, Explorer or an open Office "
                    "document); delete it before mailing.", file=where))
    elif entry.unreadable:
        add(_unreadable(entry, where))
    else:
        return True
    return False


def _unreadable(entry: Entry, where: str) -> Finding:
    return Finding("unreadable-file", "error", f"could not be read ({entry.unreadable}): it was removed, replaced "
                   "or locked while the folder was checked. It is left out of the mail plan; check it and run "
                   "check-package again.", file=where)


def _inspect(entry: Entry, where: str, inspected: dict, budget: Budget, searching: text.Searching, add) -> bool:
    """Read the file's content once per distinct file (hard links share it) and report what it shows; False
    when it could not be read at all."""
    inspection = inspected.get(entry.identity) if entry.identity else None
    if inspection is None:
        if budget.spent():
            entry.unreadable = "not inspected"
            add(Finding("not-checked", "error", f"not inspected: the folder holds more than one check reads "
                        f"({Budget.entries:,} container parts or {Budget.bytes // 2**20:,} MB parsed in all). Is "
                        "this the folder you will mail? Check a folder of the attachments only.", file=where))
            return False
        try:
            inspection = content.inspect(entry.path, searching)
        except C3pError as error:
            entry.unreadable = error.message.removeprefix(f"{entry.path}: ").rstrip(".")
            add(_unreadable(entry, where))
            return False
        except Exception as error:  # noqa: BLE001 - a hostile file yields a finding, never a crash
            inspection = content.Inspection("unknown", [content.Problem(
                "corrupt-file", "error", f"could not be read as the document it claims to be "
                f"({type(error).__name__}); open and save it again.")])
        budget.charge(inspection)
        if entry.identity:
            inspected[entry.identity] = inspection
    entry.inspection = inspection
    for problem in inspection.problems:
        add(Finding(problem.code, problem.severity, problem.message, file=where))
    _placeholder_findings(entry, where, add)
    return True


def _placeholder_findings(entry: Entry, where: str, add) -> None:
    inspection = entry.inspection
    if inspection is None:
        return
    places = Counter(inspection.placeholders)  # three empty bullets under one label: one finding
    for hit, count in list(places.items())[:MAX_PLACEHOLDER_FINDINGS]:
        add(Finding("placeholder-left", "error", _placeholder_message(hit, count), file=where))
    if len(places) > MAX_PLACEHOLDER_FINDINGS:
        add(Finding("placeholder-left", "error", f"{len(places) - MAX_PLACEHOLDER_FINDINGS}"
                    f"{'+' if not inspection.searched_whole else ''} more place(s) still show a placeholder.",
                    file=where))
    if not inspection.searched_whole and len(places) <= MAX_PLACEHOLDER_FINDINGS:
        add(Finding("not-checked", "warning", "only part of the text was searched for placeholders (the file is "
                    "larger than one check reads); look through the rest yourself.", file=where))


def _placeholder_message(hit: text.Hit, count: int) -> str:
    """Where the placeholder is, as a reviewer would find it, and what to do: one sentence."""
    place = (f"page {hit.page}" if hit.page else f"slide {hit.slide}" if hit.slide
             else f"sheet {hit.sheet!r}, cell {hit.cell}" if hit.sheet is not None
             else f"the {hit.part}" if hit.part else "")
    field = (f"table row {hit.row!r}" if hit.row else f"table column {hit.column!r}" if hit.column
             else f"after {hit.before!r}" if hit.before else "")
    # On a slide the text before it on the slide only stands in for a label the line lacks.
    under = f"under {hit.heading!r}" if hit.heading and not (hit.slide and field) else ""
    times = f" ({count} times)" if count > 1 else ""
    at = ", ".join(part for part in (place, field, under) if part) or "its text"
    return (f"{at} still shows the placeholder {hit.placeholder!r}{times}; fill the value in the project YAML (or "
            "in the document) and build again before mailing.")


def _freshness_checks(folder: Path, entries: list[Entry], add) -> None:
    pdfs = [e.relative for e in entries if e.inspection is not None and e.inspection.kind == "pdf" and e.mailable]
    if not pdfs:
        return
    manifest = None
    path = freshness.find_manifest(folder)
    if path is not None:
        try:
            manifest = freshness.read_manifest(path, folder)
        except (C3pError, ValueError, UnicodeDecodeError) as error:
            reason = error.message if isinstance(error, C3pError) else str(error)
            add(Finding("corrupt-file", "warning", f"the manifest could not be read ({reason}); PDFs were compared "
                        "with their sources by file time instead.", file=_shown(path)))
    for stale in freshness.stale_pdfs(folder, pdfs, manifest):
        source = _shown(stale.source)
        why = ("its source changed after it was converted (the manifest's hash no longer matches)" if stale.by_hash
               else "it is older than its source")
        add(Finding("stale-pdf", "error", f"{why}: {source}. Convert it again (build with LibreOffice, or export "
                    "the PDF from the source) so the ministry gets what the source says now.",
                    file=_shown(folder / stale.pdf)))


def _name_checks(entry: Entry, where: str, add) -> None:
    name = entry.path.name
    for problem in names.windows_problems(name, entry.relative):
        add(Finding("filename-windows", "error", problem + ".", file=where))
    for found in names.invisible_characters(name):
        preceding = name[max(0, found.position - 6):found.position - 1]
        after = f" (after {preceding!r})" if preceding else " (at its start)"
        add(Finding("filename-invisible", "error", f"the name holds {found.described()} at character "
                    f"{found.position}{after}, which shows as nothing or as another character: a name typed or "
                    "copied without it names another file. Run check-package with --fix-names to remove it.",
                    file=where))
    if not unicodedata.is_normalized("NFC", name):
        add(Finding("filename-nfd", "error", "the name is in decomposed Unicode (NFD, as macOS writes it): on "
                    "Windows が shows as か + ゛. Run check-package with --fix-names to rename it.", file=where))
    odd = names.machine_dependent_characters(unicodedata.normalize("NFC", name))
    if odd:
        add(Finding("filename-machine-dependent", "warning", f"{''.join(sorted(set(odd)))} may show differently "
                    "on other machines (machine-dependent or half-width characters); prefer plain characters.",
                    file=where))


def _extension_check(entry: Entry, where: str, add) -> None:
    inspection = entry.inspection
    if inspection is None or inspection.kind in ("zip", "7z", "rar", "gzip", "cab", "lzh", "bzip2", "xz", "exe"):
        return
    suffix = entry.path.suffix.lower()
    if suffix in (".docm", ".pptm", ".xlsm", ".dotm", ".potm", ".xltm"):
        add(Finding("macro", "error", f"a macro-enabled format ({suffix}); save as {suffix[:-1]}x.", file=where))
        return
    expected = EXTENSION_KINDS.get(suffix)
    if expected is None:
        if inspection.kind == "unknown":
            add(Finding("not-windows-viewable", "warning", f"{suffix or 'no extension'}: not a format Windows 10 "
                        "opens with Office or a PDF reader; check reviewers can open it.", file=where))
        return
    if inspection.kind not in expected and not inspection.problems:
        add(Finding("not-windows-viewable", "error", f"named {suffix} but the content is {inspection.kind}; "
                    "Windows opens files by their extension, so it will not open. Fix the extension.", file=where))


def _attachment_checks(folder: Path, rules: CallRules, project: Project | None,
                       by_number: dict[int, list[Entry]], add) -> None:
    for status in attachment_statuses(rules, project):
        rule = status.rule
        files = by_number.get(rule.number, [])
        if not files:
            if status.status == "required":
                why = {"condition_met": "required for this project", "always": "required"}.get(status.reason_code, "required")
                add(Finding("missing-attachment", "error", f"{rule.name.ja} ({rule.name.en}) is {why} "
                            f"({rule.source}); expected a file named like {rule.label}_{rule.file_stem}"
                            f"{EXTENSIONS.get(rule.formats[0], '.pdf')}.", attachment=rule.label))
            continue
        label = rule.label
        if len(rule.languages) > 1:
            present = {names.language_of(e.path.name) for e in files}
            if None not in present or len(files) < len(rule.languages):
                for lang in rule.languages:
                    if lang not in present:
                        add(Finding("missing-translation", "error", f"no {'Japanese' if lang == 'ja' else 'English'} "
                                    f"version of {rule.name.en}; the call asks for both ({rule.source}). Mark the files "
                                    "with _ja and _en.", attachment=label))
        if rule.translation_markers and not any(names.is_translation(e.path.name, rule.translation_markers)
                                                for e in files):
            marker = rule.translation_markers[0]
            add(Finding("missing-translation", "warning", f"no Japanese translation ({marker}) beside the letters "
                        f"of interest; the partner city's letter needs one ({rule.source}). Name it …{marker}….",
                        attachment=label))
        if rule.per_organisation and len(files) < status.count:
            add(Finding("missing-attachment", "warning", f"{len(files)} file(s) for {status.count} organisations; "
                        f"{rule.name.en} is one per organisation ({rule.source}).", attachment=label))
        for entry in files:
            _format_checks(folder, rule, entry, add)


def _format_checks(folder: Path, rule, entry: Entry, add) -> None:
    inspection = entry.inspection
    where = _shown(folder / entry.relative)
    if inspection is None:
        return
    if rule.kind == "application_form" and "pdf" in rule.formats and inspection.kind != "pdf":
        add(Finding("application-form-not-pdf", "error", f"the application form is {inspection.kind}; the call "
                    f"asks for PDF with light images ({rule.cited()}). Export it to PDF.", file=where,
                    attachment=rule.label))
    if rule.kind == "overview":
        if inspection.kind == "pptx":
            if inspection.pages != 1:
                add(Finding("overview-not-one-page", "error", f"{inspection.pages} slides; the overview is one A4 "
                            f"page per language ({rule.cited()}).", file=where, attachment=rule.label))
            if inspection.slide_size is not None and not content.is_a4_slide(inspection.slide_size):
                width, height = inspection.slide_size
                add(Finding("overview-not-one-page", "error", f"slide size {width / 36000:.0f}×{height / 36000:.0f} mm "
                            f"is not A4 ({rule.source}).", file=where, attachment=rule.label))
        elif inspection.kind == "pdf" and inspection.pages and inspection.pages != 1:
            add(Finding("overview-not-one-page", "error", f"{inspection.pages} pages; one A4 page per language.",
                        file=where, attachment=rule.label))
    if rule.max_pages and inspection.kind == "pdf" and inspection.pages and inspection.pages > rule.max_pages \
            and rule.kind != "overview":
        add(Finding("too-many-pages", "error", f"{inspection.pages} pages; at most {rule.max_pages} ({rule.source}).",
                    file=where, attachment=rule.label))
    allowed = set(rule.formats)
    if allowed and inspection.kind in ("pdf", "docx", "pptx", "xlsx") and inspection.kind not in allowed \
            and rule.kind != "application_form":
        add(Finding("wrong-format", "warning", f"{inspection.kind}; the call lists {', '.join(sorted(allowed))} for "
                    f"{rule.name.en} ({rule.source}).", file=where, attachment=rule.label))
