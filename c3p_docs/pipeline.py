"""After rendering: write each file safely, convert to PDF when asked, and merge the files into OUT/manifest.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from c3p_docs.errors import ToolMissing, UsageError
from c3p_docs.findings import Finding
from c3p_docs.output import OutputState, kept_name, output_lock, write_atomic

CONTRACT_KINDS = ("trip_plan", "trip_report", "session_slides", "implementation_plan", "settlement")


@dataclass
class Document:
    """One rendered file and where it goes in OUT."""

    kind: str
    lang: str
    relative: str
    data: bytes
    pdf: bool = False
    """Also make a PDF beside it when PDFs are made."""
    extra: dict = field(default_factory=dict)
    """More keys for its manifest entry (activity, session, fiscal_year)."""


@dataclass
class Published:
    """What a run wrote: the manifest entries of its files, which changed on disk, and findings."""

    files: list[dict] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    findings: list[Finding] = field(default_factory=list)

    def summary(self, out: Path) -> str:
        kept = sum(f.code == "kept-edited-file" for f in self.findings)
        return (f"{out}: {len(self.written)} file(s) written, {self.unchanged} unchanged"
                + (f", {kept} edited file(s) kept" if kept else "") + ".")


def wants_pdf(pdf_mode: str) -> tuple[bool, list[Finding]]:
    """Whether to convert: `always` fails without LibreOffice, `auto` converts when it is there and says so when not."""
    from c3p_docs.pdf import find_soffice

    if pdf_mode not in ("auto", "always", "never"):
        raise UsageError("--pdf takes auto, always or never.")
    present = find_soffice() is not None
    if pdf_mode == "always" and not present:
        raise ToolMissing("--pdf always, but LibreOffice (soffice) is not installed. Install libreoffice-writer-nogui "
                          "and libreoffice-impress-nogui, or use --pdf auto.")
    if pdf_mode == "auto" and not present:
        return False, [Finding("no-libreoffice", "info", "LibreOffice is not installed, so no PDF was made.")]
    return pdf_mode != "never", []


def check_out_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file; -o needs a folder.")


def publish(out: Path, documents: list[Document], pdf_mode: str = "never", force: bool = False) -> Published:
    """Write `documents` into `out` (atomically, unchanged files untouched, edited files kept unless `force`),
    convert those that ask for it to PDF in one LibreOffice call, and merge their entries into the manifest."""
    check_out_folder(out)
    make_pdf, findings = wants_pdf(pdf_mode)
    result = Published(findings=findings)
    with output_lock(out):
        state = OutputState(out)
        to_convert: list[tuple[Document, str, str]] = []
        replaced: set[str] = set()
        for document in documents:
            written = _write(out, state, document.relative, document.data, force, result)
            entry = {"kind": document.kind, "lang": document.lang, "path": written, **document.extra}
            result.files.append(entry)
            replaced |= {document.relative, kept_name(document.relative)}
            if document.pdf and make_pdf:
                pdf_relative = Path(document.relative).with_suffix(".pdf").as_posix()
                replaced |= {pdf_relative, kept_name(pdf_relative)}
                if state.pdf_is_fresh(pdf_relative, written):
                    result.files.append({**entry, "path": pdf_relative})
                    result.unchanged += 1
                else:
                    to_convert.append((document, written, pdf_relative))
        if to_convert:
            from c3p_docs.pdf import convert_to_pdf

            converted = convert_to_pdf([out / written for _, written, _ in to_convert])
            for document, written, pdf_relative in to_convert:
                data = converted.get(out / written)
                if data is None:
                    result.findings.append(Finding("pdf-failed", "error", f"LibreOffice could not convert {out / written}.",
                                                   file=str(out / written)))
                    continue
                pdf_written = _write(out, state, pdf_relative, data, force, result)
                state.record_pdf_source(pdf_written, written)
                result.files.append({"kind": document.kind, "lang": document.lang, "path": pdf_written, **document.extra})
        state.save()
        merge_manifest(out, result.files, replaced)
    return result


def _write(out: Path, state: OutputState, relative: str, data: bytes, force: bool, result: Published) -> str:
    written = state.write(relative, data, force)
    if written.kept:
        result.findings.append(Finding(
            "kept-edited-file", "warning", f"{out / written.kept} was changed since c3p-docs wrote it; it is kept and "
            f"the new rendition is {out / written.relative} (--force replaces it).", file=str(out / written.kept)))
    if written.changed:
        result.written.append(written.relative)
    else:
        result.unchanged += 1
    return written.relative


def merge_manifest(out: Path, entries: list[dict], replaced: set[str]) -> None:
    """Put `entries` into OUT/manifest.json where the files they replace were listed (appended otherwise),
    keeping every other entry, so commands that write into the same folder share one manifest."""
    path = out / "manifest.json"
    existing: list = []
    if path.is_file():
        try:
            existing = json.loads(path.read_text(encoding="utf-8")).get("files", [])
        except (ValueError, OSError, AttributeError):
            existing = []
    merged: list[dict] = []
    placed = False
    for entry in existing if isinstance(existing, list) else []:
        if not isinstance(entry, dict):
            continue
        if entry.get("path") in replaced:
            if not placed:
                merged += entries
                placed = True
            continue
        merged.append(entry)
    if not placed:
        merged += entries
    data = json.dumps({"files": merged}, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    if not path.is_file() or path.read_bytes() != data:
        write_atomic(path, data)



def entries_of_contract_commands(out: Path) -> list[dict]:
    """Entries of OUT/manifest.json written by trip, session, plan and settle, for `build`, which rewrites its
    own entries, to keep."""
    path = out / "manifest.json"
    try:
        files = json.loads(path.read_text(encoding="utf-8")).get("files", []) if path.is_file() else []
    except (ValueError, OSError, AttributeError):
        return []
    return [f for f in files if isinstance(f, dict) and f.get("kind") in CONTRACT_KINDS] if isinstance(files, list) else []
