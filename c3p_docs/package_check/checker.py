"""Walk a submission folder (never following links) and turn what is there into findings and a mail plan."""

from __future__ import annotations

import os
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from c3p_docs.attachments import EXTENSIONS, attachment_statuses
from c3p_docs.bilingual import pick
from c3p_docs.calls import CallRules, cite
from c3p_docs.errors import C3pError, UsageError
from c3p_docs.findings import Finding
from c3p_docs.i18n import N_, _, language
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
        raise UsageError(_("{folder}: no such folder.").format(folder=folder))
    if not folder.is_dir():
        raise UsageError(_("{folder}: not a folder; check-package takes the folder you will mail.").format(folder=folder))
    entries: list[Entry] = []
    findings: list[Finding] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            children = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as error:
            findings.append(Finding("corrupt-file", "error", _("cannot read the folder: {reason}.").format(
                reason=error.strerror), file=names.printable(str(current))))
            continue
        for child in children:
            raw = str(Path(child.path).relative_to(folder))
            relative = names.printable(raw)
            if names.undecodable(child.name):
                decoded = names.shift_jis_name(child.name)
                hint = (_("read as Shift_JIS (Windows) it is {name}; run check-package with --fix-names to rename "
                          "it").format(name=repr(decoded))
                        if decoded else _("it is no Shift_JIS text either (each machine would show other characters), "
                                          "so rename it by hand"))
                findings.append(Finding("filename-encoding", "error", _(
                    "the name is not UTF-8 text (a zip made on Windows?): {hint}. It is left out of the mail plan until "
                    "then.").format(hint=hint), file=names.printable(str(folder / relative))))
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
                raise UsageError(_("{folder}: more than {count:,} files; is this the submission folder?").format(
                    folder=folder, count=MAX_FILES))
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
        entry.unreadable = _("it is no regular file any more: a pipe, a device or a folder took its place")
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
            add(Finding("empty-file", "error", _("the file is empty (0 bytes)."), file=where))
            continue
        if not _inspect(entry, where, inspected, budget, searching, add):
            continue
        _extension_check(entry, where, add)
        number = names.attachment_number(entry.path.name)
        if number is None or rules.attachment(number) is None:
            hint = (_("number {number} is not in the call's list").format(number=number) if number is not None
                    else _("its name does not start with an attachment number such as {label}").format(
                        label=rules.attachments[1].label))
            add(Finding("unknown-file", "warning", _("matches no attachment of {call}: {hint}.").format(
                call=rules.id, hint=hint), file=where))
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
        add(Finding("too-large-for-mail", "error", _(
            "too large for any mail under the {limit:,}-byte limit once base64-encoded; ask the ministry (at the "
            "submission address) to set up its file-transfer service — the applicant's own transfer services are not "
            "accepted ({source}).").format(limit=rules.mail.limit_bytes.value, source=rules.mail.limit_bytes.cited()),
            file=_shown(folder / name)))
    if len(report.plan.mails) > 1:
        layout = _("; ").join(_("mail {number}: {files} ({size:,} bytes encoded)").format(
            number=i, files=", ".join(m.attachments), size=m.encoded_bytes) for i, m in enumerate(report.plan.mails, 1))
        add(Finding("mail-split", "info", _("the files need {count} mails within {limit:,} bytes each: {layout}.").format(
            count=len(report.plan.mails), limit=rules.mail.limit_bytes.value, layout=layout)))
    return report


def _shown(path: Path) -> str:
    """A path as it can be printed and put in JSON (undecodable bytes of a folder's name escaped)."""
    return names.printable(str(path))


DRAFT_REASONS = {
    "new": N_("a new rendition c3p-docs wrote beside a file someone edited (its place is OUT/drafts/): compare the "
              "two, keep the one to send under the attachment's name, and delete this one"),
    "office": N_("the lock file Word, Excel or PowerPoint keeps while the document is open (or left after a crash): "
                 "close the document and delete this file"),
    "libreoffice": N_("the lock file LibreOffice keeps while the document is open (or left after a crash): close "
                      "the document and delete this file"),
    "ours": N_("c3p-docs's lock file: a run is writing here, or was stopped; wait for it to end, then delete the "
               "file"),
    "temporary": N_("a temporary file of a program that is writing here (or was stopped while writing): wait for "
                    "it to end, then delete the file"),
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
        add(Finding("symlink", "error", _("a symbolic link; it was not followed. Put the real file here."), file=where))
    elif entry.draft:
        add(Finding("draft-in-package", "error", _("not a file to mail: {reason}. It is left out of the mail plan and "
                                                   "the drafts.").format(reason=_(_draft_reason(entry.path.name))),
                    file=where))
    elif entry.system:
        add(Finding("system-file", "warning", _("a system or temporary file (Finder, Explorer or an open Office "
                                                "document); delete it before mailing."), file=where))
    elif entry.unreadable:
        add(_unreadable(entry, where))
    else:
        return True
    return False


def _unreadable(entry: Entry, where: str) -> Finding:
    return Finding("unreadable-file", "error", _("could not be read ({reason}): it was removed, replaced or locked "
                                                 "while the folder was checked. It is left out of the mail plan; check "
                                                 "it and run check-package again.").format(reason=entry.unreadable),
                   file=where)


def _inspect(entry: Entry, where: str, inspected: dict, budget: Budget, searching: text.Searching, add) -> bool:
    """Read the file's content once per distinct file (hard links share it) and report what it shows; False
    when it could not be read at all."""
    inspection = inspected.get(entry.identity) if entry.identity else None
    if inspection is None:
        if budget.spent():
            entry.unreadable = _("not inspected")
            add(Finding("not-checked", "error", _("not inspected: the folder holds more than one check reads "
                                                  "({parts:,} container parts or {megabytes:,} MB parsed in all). Is "
                                                  "this the folder you will mail? Check a folder of the attachments "
                                                  "only.").format(parts=Budget.entries,
                                                                  megabytes=Budget.bytes // 2**20), file=where))
            return False
        try:
            inspection = content.inspect(entry.path, searching)
        except C3pError as error:
            entry.unreadable = error.message.removeprefix(f"{entry.path}: ").rstrip(".")
            add(_unreadable(entry, where))
            return False
        except Exception as error:  # noqa: BLE001 - a hostile file yields a finding, never a crash
            inspection = content.Inspection("unknown", [content.Problem(
                "corrupt-file", "error", _("could not be read as the document it claims to be ({error}); open and save "
                                           "it again.").format(error=type(error).__name__))])
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
        add(Finding("placeholder-left", "error", _("{count} more place(s) still show a placeholder.").format(
            count=f"{len(places) - MAX_PLACEHOLDER_FINDINGS}{'+' if not inspection.searched_whole else ''}"),
            file=where))
    if not inspection.searched_whole and len(places) <= MAX_PLACEHOLDER_FINDINGS:
        add(Finding("not-checked", "warning", _("only part of the text was searched for placeholders (the file is "
                                                "larger than one check reads); look through the rest yourself."),
                    file=where))


def _placeholder_message(hit: text.Hit, count: int) -> str:
    """Where the placeholder is, as a reviewer would find it, and what to do: one sentence."""
    place = (_("page {page}").format(page=hit.page) if hit.page else _("slide {slide}").format(slide=hit.slide)
             if hit.slide else _("sheet {sheet}, cell {cell}").format(sheet=repr(hit.sheet), cell=hit.cell)
             if hit.sheet is not None else _("the {part}").format(part=_(PARTS.get(hit.part, hit.part)))
             if hit.part else "")
    field = (_("table row {row}").format(row=repr(hit.row)) if hit.row
             else _("table column {column}").format(column=repr(hit.column)) if hit.column
             else _("after {text}").format(text=repr(hit.before)) if hit.before else "")
    # On a slide the text before it on the slide only stands in for a label the line lacks.
    under = _("under {heading}").format(heading=repr(hit.heading)) if hit.heading and not (hit.slide and field) else ""
    at = _(", ").join(part for part in (place, field, under) if part) or _("its text")
    return (_("{place} still shows the placeholder {placeholder} ({count} times); fill the value in the project YAML "
              "(or in the document) and build again before mailing.") if count > 1 else
            _("{place} still shows the placeholder {placeholder}; fill the value in the project YAML (or in the "
              "document) and build again before mailing.")).format(place=at, placeholder=repr(hit.placeholder),
                                                                    count=count)


PARTS = {"header": N_("header"), "footer": N_("footer"), "footnotes": N_("footnotes"), "endnotes": N_("endnotes")}
"""The parts of a Word document a placeholder may sit in besides its pages (text.WORD_PARTS)."""


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
            add(Finding("corrupt-file", "warning", _("the manifest could not be read ({reason}); PDFs were compared "
                                                     "with their sources by file time instead.").format(reason=reason),
                        file=_shown(path)))
    for stale in freshness.stale_pdfs(folder, pdfs, manifest):
        source = _shown(stale.source)
        add(Finding("stale-pdf", "error", (
            _("its source changed after it was converted (the manifest's hash no longer matches): {source}. Convert it "
              "again (build with LibreOffice, or export the PDF from the source) so the ministry gets what the source "
              "says now.") if stale.by_hash else
            _("it is older than its source: {source}. Convert it again (build with LibreOffice, or export the PDF from "
              "the source) so the ministry gets what the source says now.")).format(source=source),
            file=_shown(folder / stale.pdf)))


def _name_checks(entry: Entry, where: str, add) -> None:
    name = entry.path.name
    for problem in names.windows_problems(name, entry.relative):
        add(Finding("filename-windows", "error", problem + _("."), file=where))
    for found in names.invisible_characters(name):
        preceding = name[max(0, found.position - 6):found.position - 1]
        add(Finding("filename-invisible", "error", (
            _("the name holds {character} at character {position} (after {text}), which shows as nothing or as another "
              "character: a name typed or copied without it names another file. Run check-package with --fix-names to "
              "remove it.") if preceding else
            _("the name holds {character} at character {position} (at its start), which shows as nothing or as "
              "another character: a name typed or copied without it names another file. Run check-package with "
              "--fix-names to remove it.")).format(character=found.described(), position=found.position,
                                                   text=repr(preceding)), file=where))
    if not unicodedata.is_normalized("NFC", name):
        add(Finding("filename-nfd", "error", _("the name is in decomposed Unicode (NFD, as macOS writes it): on "
                                               "Windows が shows as か + ゛. Run check-package with --fix-names to "
                                               "rename it."), file=where))
    odd = names.machine_dependent_characters(unicodedata.normalize("NFC", name))
    if odd:
        add(Finding("filename-machine-dependent", "warning", _("{characters} may show differently on other machines "
                                                               "(machine-dependent or half-width characters); prefer "
                                                               "plain characters.").format(
            characters="".join(sorted(set(odd)))), file=where))


def _extension_check(entry: Entry, where: str, add) -> None:
    inspection = entry.inspection
    if inspection is None or inspection.kind in ("zip", "7z", "rar", "gzip", "cab", "lzh", "bzip2", "xz", "exe"):
        return
    suffix = entry.path.suffix.lower()
    if suffix in (".docm", ".pptm", ".xlsm", ".dotm", ".potm", ".xltm"):
        add(Finding("macro", "error", _("a macro-enabled format ({suffix}); save as {fixed}.").format(
            suffix=suffix, fixed=f"{suffix[:-1]}x"), file=where))
        return
    expected = EXTENSION_KINDS.get(suffix)
    if expected is None:
        if inspection.kind == "unknown":
            add(Finding("not-windows-viewable", "warning", _("{suffix}: not a format Windows 10 opens with Office or "
                                                             "a PDF reader; check reviewers can open it.").format(
                suffix=suffix or _("no extension")), file=where))
        return
    if inspection.kind not in expected and not inspection.problems:
        add(Finding("not-windows-viewable", "error", _("named {suffix} but the content is {kind}; Windows opens files "
                                                       "by their extension, so it will not open. Fix the "
                                                       "extension.").format(suffix=suffix, kind=inspection.kind),
                    file=where))


def _attachment_checks(folder: Path, rules: CallRules, project: Project | None,
                       by_number: dict[int, list[Entry]], add) -> None:
    for status in attachment_statuses(rules, project):
        rule = status.rule
        files = by_number.get(rule.number, [])
        if not files:
            if status.status == "required":
                expected = f"{rule.label}_{rule.file_stem}{EXTENSIONS.get(rule.formats[0], '.pdf')}"
                add(Finding("missing-attachment", "error", (
                    _("{name} ({other}) is required for this project ({source}); expected a file named like {file}.")
                    if status.reason_code == "condition_met" else
                    _("{name} ({other}) is required ({source}); expected a file named like {file}.")).format(
                    name=rule.name.ja, other=rule.name.en, source=cite(rule.source), file=expected),
                    attachment=rule.label))
            continue
        label = rule.label
        if len(rule.languages) > 1:
            present = {names.language_of(e.path.name) for e in files}
            if None not in present or len(files) < len(rule.languages):
                for lang in rule.languages:
                    if lang not in present:
                        add(Finding("missing-translation", "error", (
                            _("no Japanese version of {name}; the call asks for both ({source}). Mark the files with "
                              "_ja and _en.") if lang == "ja" else
                            _("no English version of {name}; the call asks for both ({source}). Mark the files with "
                              "_ja and _en.")).format(name=pick(rule.name, language()), source=cite(rule.source)),
                            attachment=label))
        if rule.translation_markers and not any(names.is_translation(e.path.name, rule.translation_markers)
                                                for e in files):
            marker = rule.translation_markers[0]
            add(Finding("missing-translation", "warning", _("no Japanese translation ({marker}) beside the letters of "
                                                            "interest; the partner city's letter needs one ({source}). "
                                                            "Name it …{marker}….").format(
                marker=marker, source=cite(rule.source)), attachment=label))
        if rule.per_organisation and len(files) < status.count:
            add(Finding("missing-attachment", "warning", _("{files} file(s) for {count} organisations; {name} is one "
                                                           "per organisation ({source}).").format(
                files=len(files), count=status.count, name=pick(rule.name, language()), source=cite(rule.source)),
                attachment=label))
        for entry in files:
            _format_checks(folder, rule, entry, add)


def _format_checks(folder: Path, rule, entry: Entry, add) -> None:
    inspection = entry.inspection
    where = _shown(folder / entry.relative)
    if inspection is None:
        return
    if rule.kind == "application_form" and "pdf" in rule.formats and inspection.kind != "pdf":
        add(Finding("application-form-not-pdf", "error", _("the application form is {kind}; the call asks for PDF "
                                                           "with light images ({source}). Export it to PDF.").format(
            kind=inspection.kind, source=rule.cited()), file=where, attachment=rule.label))
    if rule.kind == "overview":
        if inspection.kind == "pptx":
            if inspection.pages != 1:
                add(Finding("overview-not-one-page", "error", _("{count} slides; the overview is one A4 page per "
                                                                "language ({source}).").format(
                    count=inspection.pages, source=rule.cited()), file=where, attachment=rule.label))
            if inspection.slide_size is not None and not content.is_a4_slide(inspection.slide_size):
                width, height = inspection.slide_size
                add(Finding("overview-not-one-page", "error", _("slide size {size} mm is not A4 ({source}).").format(
                    size=f"{width / 36000:.0f}×{height / 36000:.0f}", source=cite(rule.source)), file=where,
                    attachment=rule.label))
        elif inspection.kind == "pdf" and inspection.pages and inspection.pages != 1:
            add(Finding("overview-not-one-page", "error", _("{count} pages; one A4 page per language.").format(
                count=inspection.pages), file=where, attachment=rule.label))
    if rule.max_pages and inspection.kind == "pdf" and inspection.pages and inspection.pages > rule.max_pages \
            and rule.kind != "overview":
        add(Finding("too-many-pages", "error", _("{count} pages; at most {limit} ({source}).").format(
            count=inspection.pages, limit=rule.max_pages, source=cite(rule.source)), file=where, attachment=rule.label))
    allowed = set(rule.formats)
    if allowed and inspection.kind in ("pdf", "docx", "pptx", "xlsx") and inspection.kind not in allowed \
            and rule.kind != "application_form":
        add(Finding("wrong-format", "warning", _("{kind}; the call lists {formats} for {name} ({source}).").format(
            kind=inspection.kind, formats=", ".join(sorted(allowed)), name=pick(rule.name, language()),
            source=cite(rule.source)), file=where, attachment=rule.label))
