"""The text a reader sees in a .docx, .pptx, .xlsx or PDF, piece by piece with where it sits; bounded work."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from c3p_docs.i18n import _
from c3p_docs.placeholders import PlaceholderMatch

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

Matcher = Callable[[str], PlaceholderMatch | None]
LABEL_CHARACTERS = 40
INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")


@dataclass(frozen=True)
class Hit:
    """A placeholder and where a reader sees it; None where it does not apply or is not known."""

    placeholder: str
    page: int | None = None
    """The page: of a PDF; of a Word file only as Word last paginated it (or counted from its page breaks)."""
    slide: int | None = None
    sheet: str | None = None
    cell: str | None = None
    part: str | None = None
    """`header`, `footer`, `footnotes` or `endnotes` of a Word file."""
    row: str | None = None
    """The nearest text left of it in its table row (the row's label)."""
    column: str | None = None
    """Its column's text in the table's first row (the column's label)."""
    heading: str | None = None
    """The heading it sits under (Word), or the text before it on the slide (its box's label)."""
    before: str | None = None
    """The text before it on its line."""


class LimitReached(Exception):
    """The search stopped at one of its bounds; what was found so far stands."""


class NotXml(Exception):
    """A part that is not well-formed XML, or declares a DTD (entities) no Office file has."""


@dataclass
class Search:
    """One file's search: what matches, the bounds on the work, and what was found."""

    matcher: Matcher
    parts: int = 1_000
    xml_bytes: int = 64 * 1024 * 1024
    characters: int = 2_000_000
    pages: int = 60
    content_bytes: int = 512 * 1024
    """Of PDF page content (drawing operators, decompressed): pypdf's text extraction takes ~1 s for 100 KB
    of text operators, and ~0.8 s for a LibreOffice PDF's fonts (their ToUnicode maps) before the first."""
    max_hits: int = 50
    content_read: int = 0
    hits: list[Hit] = field(default_factory=list)
    complete: bool = True

    def bytes_used(self) -> int:
        return Search.xml_bytes - self.xml_bytes if self.xml_bytes >= 0 else Search.xml_bytes

    def take(self, what: str, amount: int) -> None:
        left = getattr(self, what) - amount
        setattr(self, what, left)
        if left < 0:
            raise LimitReached(what)

    def look(self, text: str, **where) -> bool:
        """Record the placeholder `text` shows, if any, with where it is; True when it shows one."""
        if not text:
            return False
        self.take("characters", len(text))
        found = self.matcher(text)
        if found is None:
            return False
        if len(self.hits) >= self.max_hits:
            raise LimitReached("hits")
        before = found.before if re.search(r"\w", found.before) else None  # a bullet alone labels nothing
        self.hits.append(Hit(found.text, before=before, **where))
        return True


def search_ooxml(kind: str, archive: zipfile.ZipFile, search: Search) -> None:
    """Fill `search.hits` from a docx, pptx or xlsx; stops (complete=False) at a bound."""
    names = {info.filename for info in archive.infolist()}
    reader = {"docx": _search_word, "pptx": _search_slides, "xlsx": _search_workbook}[kind]
    try:
        reader(archive, names, search)
    except LimitReached as reached:
        search.complete = str(reached) == "hits" and search.complete


PAGE_CONTENT_BYTES = 256 * 1024
"""A page drawing more than this (a map, a plan) is not searched: a LibreOffice page of text is ~30 KB."""


@dataclass
class Searching:
    """What one check searches for, and what is left of its PDF budget (shared by every file of the check)."""

    matcher: Matcher
    pdf_content_bytes: int = 2 * 1024 * 1024

    def search(self) -> Search:
        return Search(self.matcher)

    def pdf_search(self) -> Search:
        return Search(self.matcher, content_bytes=min(Search.content_bytes, max(self.pdf_content_bytes, 0)))

    def spend(self, search: Search) -> None:
        self.pdf_content_bytes -= search.content_read


def search_pdf(reader, search: Search) -> None:
    """Fill `search.hits` from a PDF's text (pypdf), page by page, line by line."""
    try:
        for index, page in enumerate(reader.pages):
            search.take("pages", 1)
            contents = page.get_contents()
            drawn = len(contents.get_data()) if contents is not None else 0
            if drawn > PAGE_CONTENT_BYTES:
                search.complete = False
                continue
            search.take("content_bytes", drawn)
            search.content_read += drawn
            text = page.extract_text() or ""
            previous = None
            for line in text.splitlines():
                search.look(line, page=index + 1, row=previous)
                if line.strip():
                    previous = _label(line)
    except LimitReached:
        search.complete = False


# -- XML, streamed -----------------------------------------------------------------------------------------

def _events(archive: zipfile.ZipFile, name: str, search: Search) -> Iterator[tuple[str, Element]]:
    """Start and end events of one part, read in chunks against the search's byte budget.

    An element is dropped once its end event is handled, so memory stays that of the open elements however
    long the part: handlers take what they need from each element's own end event (its text, attributes).
    """
    search.take("parts", 1)
    parser: XMLPullParser = XMLPullParser(events=("start", "end"))
    tail = b""
    open_elements: list[Element] = []
    with archive.open(name) as stream:
        while True:
            chunk = stream.read(64 * 1024)
            if chunk:
                search.take("xml_bytes", len(chunk))
                window = tail + chunk
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    raise NotXml(_("{part} declares a DTD").format(part=name))
                tail = window[-16:]
            for event, element in _parsed(parser, chunk, name):
                if event == "start":
                    open_elements.append(element)
                yield event, element
                if event == "end":
                    open_elements.pop()
                    element.clear()
                    if open_elements:
                        open_elements[-1].remove(element)
            if not chunk:
                return


def _parsed(parser: XMLPullParser, chunk: bytes, name: str) -> list[tuple[str, Element]]:
    """The events one more chunk (none: the end) completes; XMLPullParser raises a syntax error from either
    the feeding or the reading of events."""
    try:
        if chunk:
            parser.feed(chunk)
        else:
            parser.close()
        return [cast(tuple[str, Element], pair) for pair in parser.read_events()]  # start/end carry the element
    except ParseError as error:
        raise NotXml(_("{part} is not well-formed XML ({error})").format(part=name, error=error)) from None


def _visible(events: Iterator[tuple[str, Element]]) -> Iterator[tuple[str, Element]]:
    """Events outside `mc:Fallback` (the copy of a text box older readers draw instead: read once only)."""
    hidden = 0
    for event, element in events:
        if element.tag == FALLBACK:
            hidden += 1 if event == "start" else -1
        elif not hidden:
            yield event, element


def _relationships(archive: zipfile.ZipFile, names: set[str], part: str, search: Search) -> dict[str, str]:
    """Relationship id → the part it targets, for `part` (e.g. ppt/presentation.xml)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    targets = {}
    if rels in names:
        for event, element in _events(archive, rels, search):
            if event == "end" and element.tag == RELATIONSHIP:
                targets[element.get("Id", "")] = posixpath.normpath(posixpath.join(folder, element.get("Target", "")))
    return targets


def _label(text: str) -> str:
    """Text shown as a label: invisible characters dropped, spaces collapsed, long text cut."""
    text = re.sub(r"\s+", " ", INVISIBLE.sub("", text)).strip()
    return text if len(text) <= LABEL_CHARACTERS else text[:LABEL_CHARACTERS - 1] + "…"


@dataclass
class _Table:
    """An open table: the cells of its current row so far, and its first row."""

    row: list[str] = field(default_factory=list)
    first_row: list[str] | None = None

    def place(self) -> dict:
        """Row and column labels of the cell being read."""
        left = next((text for text in reversed(self.row) if text.strip()), None)
        column = None
        if self.first_row is not None and len(self.row) < len(self.first_row):
            column = self.first_row[len(self.row)].strip() or None
        return {"row": _label(left) if left else None, "column": _label(column) if column else None}

    def end_row(self) -> None:
        if self.first_row is None:
            self.first_row = self.row
        self.row = []


# -- Word --------------------------------------------------------------------------------------------------

WORD_PARTS = (("word/document.xml", None), ("word/header", "header"), ("word/footer", "footer"),
              ("word/footnotes.xml", "footnotes"), ("word/endnotes.xml", "endnotes"))


def _search_word(archive: zipfile.ZipFile, names: set[str], search: Search) -> None:
    headings = _heading_styles(archive, names, search)
    for prefix, part in WORD_PARTS:
        for name in sorted(n for n in names if n.startswith(prefix) and n.endswith(".xml")):
            _WordPart(search, headings, part).read(_visible(_events(archive, name, search)))


def _heading_styles(archive: zipfile.ZipFile, names: set[str], search: Search) -> set[str]:
    """Ids of the paragraph styles that are headings (their name is `heading N` or `Title` in every language
    of Word, or they set an outline level)."""
    if "word/styles.xml" not in names:
        return set()
    headings = set()
    heading = False
    for event, element in _events(archive, "word/styles.xml", search):
        if event == "start" and element.tag == f"{W}style":
            heading = False
        elif event == "end" and element.tag == f"{W}name":
            label = element.get(f"{W}val", "").casefold()
            heading |= label.startswith("heading") or label == "title"
        elif event == "end" and element.tag == f"{W}outlineLvl":
            heading = True
        elif event == "end" and element.tag == f"{W}style" and heading:
            headings.add(element.get(f"{W}styleId", ""))
    return headings


class _WordPart:
    """Paragraphs (text boxes nest them), tables and page breaks of one part of a Word file."""

    def __init__(self, search: Search, headings: set[str], part: str | None) -> None:
        self.search, self.headings, self.part = search, headings, part
        self.paragraphs: list[list[str]] = []
        self.heading_paragraph: list[bool] = []
        self.tables: list[_Table] = []
        self.cells: list[list[str]] = []
        self.heading: str | None = None
        self.rendered_breaks = self.explicit_breaks = self.pending_breaks = 0
        self.section_kind: str | None = None
        self.found: list[tuple[int, int, int]] = []
        """(index of a hit, Word's page breaks before it, explicit page breaks before it)"""

    def read(self, events: Iterator[tuple[str, Element]]) -> None:
        try:
            for event, element in events:
                (self.start if event == "start" else self.end)(element)
        finally:
            self.record()

    def start(self, element: Element) -> None:
        tag = element.tag
        if tag == f"{W}p":
            self.paragraphs.append([])
            self.heading_paragraph.append(False)
        elif tag == f"{W}tbl":
            self.tables.append(_Table())
        elif tag == f"{W}tc":
            self.cells.append([])

    def end(self, element: Element) -> None:
        tag = element.tag
        text = self.paragraphs[-1] if self.paragraphs else None
        if tag == f"{W}t" and text is not None:
            text.append(element.text or "")
        elif tag in (f"{W}tab", f"{W}cr") and text is not None:
            text.append("\t" if tag == f"{W}tab" else "\n")
        elif tag == f"{W}br":
            if element.get(f"{W}type") == "page":
                self.explicit_breaks += 1
            elif text is not None:
                text.append("\n")
        elif tag == f"{W}lastRenderedPageBreak":
            self.rendered_breaks += 1
        elif tag == f"{W}pageBreakBefore" and element.get(f"{W}val", "1") not in ("0", "false", "off"):
            self.explicit_breaks += 1
        elif tag == f"{W}pStyle" and self.heading_paragraph:
            self.heading_paragraph[-1] |= element.get(f"{W}val", "") in self.headings
        elif tag == f"{W}outlineLvl" and self.heading_paragraph:
            self.heading_paragraph[-1] = True
        elif tag == f"{W}type":
            self.section_kind = element.get(f"{W}val")
        elif tag == f"{W}sectPr":
            if self.paragraphs and self.section_kind != "continuous":
                self.pending_breaks += 1  # a section ends with this paragraph: the next one starts a page
            self.section_kind = None
        elif tag == f"{W}p":
            self.end_paragraph()
        elif tag == f"{W}tc" and self.cells:
            cell = "\n".join(self.cells.pop())
            if self.tables:
                self.tables[-1].row.append(cell)
        elif tag == f"{W}tr" and self.tables:
            self.tables[-1].end_row()
        elif tag == f"{W}tbl" and self.tables:
            self.tables.pop()

    def end_paragraph(self) -> None:
        text = "".join(self.paragraphs.pop())
        is_heading = self.heading_paragraph.pop()
        in_cell = bool(self.cells)
        if in_cell:
            self.cells[-1].append(text)
        elif is_heading and text.strip():
            self.heading = _label(text)
        where = self.tables[-1].place() if in_cell and self.tables else {}
        index = len(self.search.hits)
        self.search.look(text, part=self.part, heading=None if is_heading else self.heading, **where)
        if len(self.search.hits) > index:
            self.found.append((index, self.rendered_breaks, self.explicit_breaks))
        self.explicit_breaks += self.pending_breaks
        self.pending_breaks = 0

    def record(self) -> None:
        """Give the body's hits their page: as Word last paginated the file when it did (it marks where each
        page began), else counted from the file's page and section breaks; unknown without either."""
        if self.part is not None or not (self.rendered_breaks or self.explicit_breaks):
            return
        for index, rendered, explicit in self.found:
            page = 1 + (rendered if self.rendered_breaks else explicit)
            self.search.hits[index] = replace(self.search.hits[index], page=page)


# -- PowerPoint --------------------------------------------------------------------------------------------

def _search_slides(archive: zipfile.ZipFile, names: set[str], search: Search) -> None:
    for number, name in enumerate(_slide_order(archive, names, search), 1):
        _read_slide(_visible(_events(archive, name, search)), number, search)


def _slide_order(archive: zipfile.ZipFile, names: set[str], search: Search) -> list[str]:
    """Slide parts in the order the deck shows them (presentation.xml's list), else by their numbers."""
    targets = _relationships(archive, names, "ppt/presentation.xml", search)
    order = []
    if "ppt/presentation.xml" in names:
        for event, element in _events(archive, "ppt/presentation.xml", search):
            if event == "end" and element.tag == f"{P}sldId":
                target = targets.get(element.get(f"{R}id", ""))
                if target in names and target not in order:
                    order.append(target)
    if order:
        return order
    slides = [n for n in names if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
    return sorted(slides, key=lambda n: int(re.sub(r"\D", "", n)))


def _read_slide(events: Iterator[tuple[str, Element]], number: int, search: Search) -> None:
    """Slides put a label in a box of its own before the text it labels: a placeholder is shown with the
    last text before it on the slide that is no placeholder (or its table row and column)."""
    paragraphs: list[list[str]] = []
    tables: list[_Table] = []
    cells: list[list[str]] = []
    label: str | None = None
    for event, element in events:
        tag = element.tag
        if event == "start":
            if tag == f"{A}p":
                paragraphs.append([])
            elif tag == f"{A}tbl":
                tables.append(_Table())
            elif tag == f"{A}tc":
                cells.append([])
            continue
        if tag == f"{A}t" and paragraphs:
            paragraphs[-1].append(element.text or "")
        elif tag == f"{A}br" and paragraphs:
            paragraphs[-1].append("\n")
        elif tag == f"{A}p" and paragraphs:
            text = "".join(paragraphs.pop())
            if cells:
                cells[-1].append(text)
                where = tables[-1].place() if tables else {}
            else:
                where = {"heading": label}
            if not search.look(text, slide=number, **where) and text.strip():
                label = _label(text)
        elif tag == f"{A}tc" and cells:
            cell = "\n".join(cells.pop())
            if tables:
                tables[-1].row.append(cell)
        elif tag == f"{A}tr" and tables:
            tables[-1].end_row()
        elif tag == f"{A}tbl" and tables:
            tables.pop()


# -- Excel -------------------------------------------------------------------------------------------------

def _search_workbook(archive: zipfile.ZipFile, names: set[str], search: Search) -> None:
    shared = _shared_strings(archive, names, search)
    targets = _relationships(archive, names, "xl/workbook.xml", search)
    if "xl/workbook.xml" not in names:
        return
    sheets = []
    for event, element in _events(archive, "xl/workbook.xml", search):
        if event == "end" and element.tag == f"{S}sheet":
            target = targets.get(element.get(f"{R}id", ""))
            if target in names:
                sheets.append((element.get("name", ""), target))
    for sheet, name in sheets:
        _read_sheet(_events(archive, name, search), sheet, shared, search)


def _shared_strings(archive: zipfile.ZipFile, names: set[str], search: Search) -> list[str]:
    """The workbook's shared strings, each the text of its runs (not the phonetic guide, `rPh`)."""
    strings: list[str] = []
    if "xl/sharedStrings.xml" not in names:
        return strings
    parts: list[str] = []
    phonetic = 0
    for event, element in _events(archive, "xl/sharedStrings.xml", search):
        if element.tag == f"{S}rPh":
            phonetic += 1 if event == "start" else -1
        elif event == "end" and element.tag == f"{S}t" and not phonetic:
            parts.append(element.text or "")
        elif event == "end" and element.tag == f"{S}si":
            strings.append("".join(parts))
            search.take("characters", len(strings[-1]))
            parts = []
    return strings


def _read_sheet(events: Iterator[tuple[str, Element]], sheet: str, shared: list[str], search: Search) -> None:
    header: dict[str, str] | None = None
    row: dict[str, str] = {}
    value: list[str] = []
    for event, element in events:
        tag = element.tag
        if event == "start":
            if tag == f"{S}c":
                value = []
            continue
        if tag in (f"{S}v", f"{S}t"):
            value.append(element.text or "")
        elif tag == f"{S}c":
            text = _cell_text(element.get("t"), "".join(value), shared)
            if text:
                reference = element.get("r", "")
                column = re.sub(r"\d", "", reference)
                left = next((earlier for earlier in reversed(row.values()) if earlier.strip()), None)
                heading = header.get(column) if header else None
                search.look(text, sheet=sheet, cell=reference, row=_label(left) if left else None,
                            column=_label(heading) if heading else None)
                row[column] = text
        elif tag == f"{S}row":
            if header is None and row:
                header = row
            row = {}


def _cell_text(kind: str | None, value: str, shared: list[str]) -> str:
    """What a cell shows: its shared string (`t="s"`), inline string or formula text, or its number."""
    if kind == "s":
        index = int(value) if value.strip().isdigit() else -1
        return shared[index] if 0 <= index < len(shared) else ""
    return value
