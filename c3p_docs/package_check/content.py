"""What a file really is, read from its bytes: never extracting, with caps on everything read."""

from __future__ import annotations

import gc
import logging
import os
import re
import struct
import warnings
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from c3p_docs.findings import Severity
from c3p_docs.loading import open_regular
from c3p_docs.package_check import text

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_DIRECTORY = 8 * 1024 * 1024  # bytes of central directory: 5,000 entries with long names and extras
MAX_MEMBER_READ = 4 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 1024 * 1024 * 1024
MAX_RATIO = 200
SCAN_LIMIT = 16 * 1024 * 1024  # bytes scanned for embedded archives or VBA names in binary files
LARGE_IMAGE_BYTES = 1024 * 1024
MACRO_CONTENT_TYPES = ("vbaproject", "macroenabled", "macrosheet", "vbadata", "activex")
A4_SLIDES = {(10_692_000, 7_560_000), (9_906_000, 6_858_000), (7_560_000, 10_692_000), (6_858_000, 9_906_000)}


@dataclass
class Problem:
    code: str
    severity: Severity
    message: str


@dataclass
class Inspection:
    """The kind of file (pdf, docx, pptx, xlsx, doc, xls, ppt, zip, …) and what is wrong with it."""

    kind: str
    problems: list[Problem] = field(default_factory=list)
    pages: int | None = None
    slide_size: tuple[int, int] | None = None
    placeholders: list[text.Hit] = field(default_factory=list)
    """Placeholders the document still shows (when a matcher was given)."""
    searched_whole: bool = True
    """False when the placeholder search stopped at one of its bounds."""
    entries_read: int = 0
    bytes_read: int = 0
    """The work the inspection took (container entries, bytes parsed), for check-package's budget."""


def _scan(stream: BinaryIO, patterns: list[bytes]) -> set[bytes]:
    """Which patterns occur in the first SCAN_LIMIT bytes, read in chunks (bounded memory)."""
    found: set[bytes] = set()
    overlap = max(len(p) for p in patterns)
    tail = b""
    read = 0
    stream.seek(0)
    while read < SCAN_LIMIT:
        chunk = stream.read(1024 * 1024)
        if not chunk:
            break
        read += len(chunk)
        window = tail + chunk
        found.update(p for p in patterns if p in window)
        tail = window[-overlap:]
    return found


def sniff(head: bytes) -> str:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if head.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"MSCF"):
        return "cab"
    if len(head) > 6 and head[2:4] == b"-l" and head[6:7] == b"-" and head[4:5] in (b"h", b"z"):
        return "lzh"
    if head.startswith(b"BZh"):
        return "bzip2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"MZ"):
        return "exe"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "image"
    return "unknown"


def inspect(path: Path, searching: text.Searching | None = None) -> Inspection:
    """What the file at `path` is and what is wrong with it; with `searching`, also the placeholders it shows.

    The file is opened once, as a regular file (a FIFO put in its place is refused, never waited on); a file
    that cannot be opened raises C3pError.
    """
    with open_regular(path, "file") as stream:
        return _inspect_stream(path, stream, searching)


def _inspect_stream(path: Path, stream: BinaryIO, searching: text.Searching | None) -> Inspection:
    kind = sniff(stream.read(64))
    if kind == "pdf":
        return _inspect_pdf(stream, searching)
    if kind == "zip":
        return _inspect_zip(path, stream, searching)
    if kind == "ole":
        return _inspect_ole(stream)
    if kind in ("7z", "rar", "gzip", "cab", "lzh", "bzip2", "xz"):
        return Inspection(kind, [Problem("archive", "error", f"a {kind} archive; the call accepts no compressed "
                                         "files. Attach the documents themselves.")])
    if kind == "exe":
        embedded = _scan(stream, [b"PK\x03\x04", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"MSCF"])
        if embedded:
            return Inspection(kind, [Problem("archive", "error", "a self-extracting archive (an executable with an "
                                             "archive inside); the call accepts no compressed or self-extracting files.")])
        return Inspection(kind, [Problem("not-windows-viewable", "error", "an executable program, not a document.")])
    return Inspection(kind)


MAX_PDF_PARSE = 32 * 1024 * 1024
MAX_PDF_REPAIR = 2 * 1024 * 1024
"""Past this size a PDF whose cross-reference table is not where its trailer says is not handed to pypdf,
which would rebuild the table by scanning the whole file (15 s for 31 MB): it is reported unreadable."""
MAX_PDF_TEXT = 16 * 1024 * 1024
"""Larger PDFs (scans, photos) are not searched for placeholders."""


@contextmanager
def library_messages(name: str = "pypdf", keep: int = 100):
    """Collect what a library logs or warns (pypdf's thousands of "EOF marker not found") instead of
    letting it flood stderr; the caller turns them into one finding."""
    collected: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if len(collected) < keep:
                collected.append(record.getMessage())

    logger = logging.getLogger(name)
    handler = Collect(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield collected
        collected.extend(str(w.message) for w in caught[:keep])
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _inspect_pdf(stream: BinaryIO, searching: text.Searching | None) -> Inspection:
    result = Inspection("pdf")
    size = os.fstat(stream.fileno()).st_size
    if size > MAX_PDF_PARSE:
        # No mail carries it anyway (too-large-for-mail); read only the trailer for a password.
        stream.seek(-65536, 2)
        if b"/Encrypt" in stream.read():
            result.problems.append(Problem("pdf-encrypted", "error", "the PDF is encrypted; save it without "
                                           "a password."))
        return result
    if size > MAX_PDF_REPAIR and not _cross_reference_found(stream, size):
        result.problems.append(Problem("corrupt-file", "error", "the PDF has no cross-reference table where its "
                                       "trailer says (a damaged or truncated file that a reader must rebuild by "
                                       "reading it whole); export it again."))
        return result
    result.bytes_read = size
    with library_messages() as messages:
        _read_pdf(stream, result, searching if size <= MAX_PDF_TEXT else None)
    _collect_after(size)
    if messages and not any(p.code == "corrupt-file" for p in result.problems):
        result.problems.append(Problem("pdf-repaired", "warning", f"the PDF has structural errors a reader must "
                                       f"repair ({len(messages)}{'+' if len(messages) >= 100 else ''} problem(s), "
                                       f"e.g. {messages[0][:80]!r}); some viewers may fail. Export it again."))
    return result


def _cross_reference_found(stream: BinaryIO, size: int) -> bool:
    """Whether the file's last `startxref` points at a cross-reference table or stream, as a reader expects;
    pypdf rebuilds a missing one by parsing every object of the file. Read backwards in chunks: bytes after
    `%%EOF` (a mail gateway's, an editor's) are no damage."""
    end, chunk_size = size, 1024 * 1024
    pointer = None
    while end > 0 and pointer is None:
        start = max(0, end - chunk_size)
        stream.seek(start)
        window = stream.read(end - start + 32)  # the overlap keeps a keyword cut at the chunk's end
        found = list(re.finditer(rb"startxref\s+(\d+)", window))
        pointer = int(found[-1].group(1)) if found else None
        end = start
    if pointer is None or pointer >= size:
        return False
    stream.seek(pointer)
    return re.match(rb"\s*(xref|\d+\s+\d+\s+obj)", stream.read(64)) is not None


_PDF_BYTES_SINCE_COLLECT = [0]
COLLECT_EVERY_BYTES = 32 * 1024 * 1024
"""pypdf's objects hold each other (and the page content read): a full collection frees them, but costs ~17 ms, so
it runs once this many PDF bytes were read since the last (10,000 small PDFs took minutes collecting after each)."""


def _collect_after(size: int) -> None:
    _PDF_BYTES_SINCE_COLLECT[0] += size
    if _PDF_BYTES_SINCE_COLLECT[0] >= COLLECT_EVERY_BYTES:
        _PDF_BYTES_SINCE_COLLECT[0] = 0
        gc.collect()


def _read_pdf(stream: BinaryIO, result: Inspection, searching: text.Searching | None) -> None:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import PdfReadError
    from pypdf.generic import DictionaryObject

    try:
        stream.seek(0)
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - pypdf raises several kinds for unknown ciphers
                opened = PasswordType.NOT_DECRYPTED
            if not opened:
                result.problems.append(Problem("pdf-encrypted", "error", "the PDF needs a password to open; "
                                               "reviewers cannot read it. Save it without a password."))
                return
            result.problems.append(Problem("pdf-encrypted", "warning", "the PDF carries owner restrictions "
                                           "(printing or copying may be blocked); save it without security."))
        result.pages = len(reader.pages)
        catalog = reader.trailer["/Root"]
        if not isinstance(catalog, DictionaryObject):
            raise TypeError("the document catalog is not a dictionary")
        names = _resolved(catalog.get("/Names"))
        names = names if isinstance(names, dict) else {}
        active = ["/AA"] if "/AA" in catalog else []
        open_action = _resolved(catalog.get("/OpenAction"))
        # A destination array (LibreOffice writes one) only sets the view; an action dict may run code.
        if isinstance(open_action, dict) and open_action.get("/S") in ("/JavaScript", "/Launch", "/ImportData"):
            active.append(f"/OpenAction {open_action.get('/S')}")
        if "/JavaScript" in names:
            active.append("/JavaScript")
        if "/EmbeddedFiles" in names:
            active.append("/EmbeddedFiles")
        if active:
            result.problems.append(Problem("macro", "error", f"the PDF has active content ({', '.join(active)}); "
                                           "the call discards files with macros or similar functions."))
        if result.pages:
            box = reader.pages[0].mediabox
            width, height = float(box.width), float(box.height)
            if reader.pages[0].get("/Rotate", 0) in (90, 270):
                width, height = height, width
            result.slide_size = (round(width), round(height))
        if searching is not None:
            _search_pdf_placeholders(reader, searching, result)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError,
            NotImplementedError, AssertionError, ZeroDivisionError) as error:
        result.problems.append(Problem("corrupt-file", "error", f"not a readable PDF ({type(error).__name__}); "
                                       "export it again."))


def _search_pdf_placeholders(reader, searching: text.Searching, result: Inspection) -> None:
    """The placeholders a PDF's text shows; a page pypdf cannot read ends the search (the PDF is not damaged
    for all that: readers draw what pypdf cannot extract)."""
    search = searching.pdf_search()
    try:
        text.search_pdf(reader, search)
    except Exception:  # noqa: BLE001 - pypdf's text extraction fails in many ways on unusual fonts
        search.complete = False
    searching.spend(search)
    result.placeholders, result.searched_whole = search.hits, search.complete
    result.bytes_read += search.bytes_used()


def _resolved(value):
    """The object an indirect reference points to; other values as they are."""
    from pypdf.generic import PdfObject

    return value.get_object() if isinstance(value, PdfObject) else value


APPLE_FORMATS = {".pages": "Pages", ".key": "Keynote", ".numbers": "Numbers"}


def _inspect_zip(path: Path, stream: BinaryIO, searching: text.Searching | None) -> Inspection:
    if path.suffix.lower() in APPLE_FORMATS:
        return Inspection("zip", [Problem("not-windows-viewable", "error", f"an Apple {APPLE_FORMATS[path.suffix.lower()]} "
                                          "file; Windows 10 cannot open it. Export it to PDF or Office format.")])
    refused = _directory_refused(stream)
    if refused is not None:
        return Inspection("zip", [refused])
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        return Inspection("zip", [Problem("corrupt-file", "error", f"a damaged zip container ({error}); Word, Excel "
                                          "and PowerPoint cannot open it. Save it again.")])
    with archive:
        infos = archive.infolist()
        result = Inspection("zip", entries_read=len(infos))
        if len(infos) > MAX_ZIP_ENTRIES:
            return _refused(result, Problem("archive", "error", f"a container with {len(infos):,} entries "
                                              "(a zip bomb?); not read further."))
        names = {info.filename for info in infos}
        declared = sum(info.file_size for info in infos)
        compressed = sum(info.compress_size for info in infos) or 1
        if declared > MAX_TOTAL_UNCOMPRESSED or declared / compressed > MAX_RATIO and declared > 50 * 1024 * 1024:
            return _refused(result, Problem("archive", "error", f"declares {declared:,} bytes uncompressed from "
                                              f"{compressed:,} (a zip bomb?); not read further."))
        if "[Content_Types].xml" not in names:
            return _refused(result, Problem("archive", "error", "a zip archive; the call accepts no compressed "
                                              "files. Attach the documents themselves."))
        if any(info.flag_bits & 0x1 for info in infos):
            return _refused(result, Problem("corrupt-file", "error", "an encrypted container; save the "
                                              "document without a password."))
        if any(n.startswith("word/") for n in names):
            kind = "docx"
        elif any(n.startswith("ppt/") for n in names):
            kind = "pptx"
        elif any(n.startswith("xl/") for n in names):
            kind = "xlsx"
        else:
            return _refused(result, Problem("archive", "error", "a zip container that is no Word, Excel or "
                                              "PowerPoint document."))
        result.kind = kind
        try:
            _ooxml_checks(archive, infos, result)
            if searching is not None and not any(problem.severity == "error" for problem in result.problems):
                _search_placeholders(kind, archive, searching, result)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, zlib.error) as error:
            result.problems.append(Problem("corrupt-file", "error", f"a damaged {kind} ({error}); save it again."))
        return result


def _refused(result: Inspection, problem: Problem) -> Inspection:
    result.problems.append(problem)
    return result


def _directory_refused(stream: BinaryIO) -> Problem | None:
    """Read the End Of Central Directory record (ZIP64's too) before zipfile does: zipfile parses the whole
    directory, however many entries it lists (6 million entries: 47 s and 3 GB), before anyone can count them."""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(max(0, size - 22 - 65535))
    tail = stream.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None  # zipfile finds no directory either and says so
    entries, directory_bytes = struct.unpack("<10xHL6x", tail[at:at + 22])
    locator = tail[at - 20:at] if at >= 20 else b""
    if locator[:4] == b"PK\x06\x07":
        (record,) = struct.unpack("<8xQ4x", locator)
        if 0 <= record < size:
            stream.seek(record)
            zip64 = stream.read(56)
            if zip64[:4] == b"PK\x06\x06" and len(zip64) == 56:
                entries, directory_bytes = struct.unpack("<32xQQ8x", zip64)
    if entries > MAX_ZIP_ENTRIES:
        return Problem("archive", "error", f"a container listing {entries:,} entries (a zip bomb?); not read further.")
    if directory_bytes > MAX_ZIP_DIRECTORY:
        return Problem("archive", "error", f"a container whose directory takes {directory_bytes:,} bytes (a zip "
                       "bomb?); not read further.")
    return None


def _search_placeholders(kind: str, archive: zipfile.ZipFile, searching: text.Searching, result: Inspection) -> None:
    search = searching.search()
    try:
        text.search_ooxml(kind, archive, search)
    except text.NotXml as error:
        result.problems.append(Problem("corrupt-file", "error", f"a damaged {kind}: {error}; Office reports "
                                       "unreadable content. Save it again."))
    result.placeholders, result.searched_whole = search.hits, search.complete
    result.bytes_read += search.bytes_used()


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int = MAX_MEMBER_READ) -> bytes:
    """Read at most `limit` bytes of a member: declared sizes lie, so count what comes out."""
    with archive.open(info) as stream:
        return stream.read(limit)


def _ooxml_checks(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], result: Inspection) -> None:
    content_types = _read_capped(archive, archive.getinfo("[Content_Types].xml")).decode("utf-8", "replace").lower()
    macro_types = [t for t in MACRO_CONTENT_TYPES if t in content_types]
    vba_parts = [i.filename for i in infos if i.filename.lower().endswith(("vbaproject.bin", "vbadata.xml"))]
    ole_parts = []
    for info in infos:
        lowered = info.filename.lower()
        # A vbaProject.bin may be renamed; OLE parts outside embeddings/ (legitimate OLE objects) are suspect.
        if info.file_size < 8 or "/embeddings/" in lowered:
            continue
        with archive.open(info) as stream:
            if stream.read(8) == OLE_MAGIC:
                ole_parts.append(info.filename)
    if macro_types or vba_parts or ole_parts:
        evidence = ", ".join(macro_types + vba_parts + [p for p in ole_parts if p not in vba_parts])
        result.problems.append(Problem("macro", "error", f"contains macros ({evidence}); the call discards such "
                                       "files. Save as a macro-free .docx/.xlsx/.pptx."))
    for info in infos:
        lowered = info.filename.lower()
        if "/media/" in lowered and info.file_size > LARGE_IMAGE_BYTES:
            saving = int(info.file_size * 0.8)
            result.problems.append(Problem(
                "large-image", "warning", f"the image {info.filename} is {info.file_size / 1e6:.1f} MB; compressed to "
                f"150 dpi JPEG it would be about {saving / 1e6:.1f} MB smaller (the call asks for light files)."))
    if result.kind == "pptx":
        result.pages = sum(1 for i in infos if re.fullmatch(r"ppt/slides/slide\d+\.xml", i.filename))
        if "ppt/presentation.xml" in {i.filename for i in infos}:
            xml = _read_capped(archive, archive.getinfo("ppt/presentation.xml")).decode("utf-8", "replace")
            match = re.search(r'<p:sldSz[^>]*\bcx="(\d+)"[^>]*\bcy="(\d+)"', xml)
            if match:
                result.slide_size = (int(match.group(1)), int(match.group(2)))


def _inspect_ole(stream: BinaryIO) -> Inspection:
    """Legacy .doc/.xls/.ppt: a VBA storage leaves `_VBA_PROJECT` (UTF-16) in the directory."""
    found = _scan(stream, [name.encode("utf-16-le") for name in
                         ("_VBA_PROJECT", "WordDocument", "PowerPoint Document", "Workbook", "EncryptedPackage")])
    if "EncryptedPackage".encode("utf-16-le") in found:
        return Inspection("ole", [Problem("encrypted-file", "error", "a password-protected Office file; reviewers "
                                          "cannot open it. Save it without a password.")])
    if "WordDocument".encode("utf-16-le") in found:
        kind = "doc"
    elif "PowerPoint Document".encode("utf-16-le") in found:
        kind = "ppt"
    elif "Workbook".encode("utf-16-le") in found:
        kind = "xls"
    else:
        kind = "ole"
    result = Inspection(kind)
    if "_VBA_PROJECT".encode("utf-16-le") in found:
        result.problems.append(Problem("macro", "error", f"a legacy {kind} file with a VBA macro project; the call "
                                       "discards files with macros. Save as a macro-free .docx/.xlsx/.pptx."))
    return result


def is_a4_slide(size: tuple[int, int] | None) -> bool:
    return size is None or size in A4_SLIDES


def is_a4_pdf_page(size: tuple[int, int] | None) -> bool:
    if size is None:
        return True
    width, height = sorted(size)
    return abs(width - 595) <= 3 and abs(height - 842) <= 3
