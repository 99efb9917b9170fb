"""Word documents from block markup: A4, Japanese margins, East Asian fonts on every run, set metadata."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from c3p_docs.documents.markup import number, text_of
from c3p_docs.documents.packaging import apply_metadata, save_docx


@dataclass(frozen=True)
class Fonts:
    """Latin and East Asian faces for body text and headings."""

    body_latin: str
    body_east_asian: str
    heading_latin: str
    heading_east_asian: str


FONTS = {
    "ja": Fonts("游明朝", "游明朝", "游ゴシック", "游ゴシック"),
    "en": Fonts("Times New Roman", "游明朝", "Arial", "游ゴシック"),
}
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    created: dt.datetime
    language: str


def _set_run_fonts(r_pr, latin: str, east_asian: str) -> None:
    """Name every script's face and drop theme attributes, which win over names (python-docx #1089)."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)


def _set_language(r_pr, lang: str) -> None:
    language = r_pr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        r_pr.append(language)
    language.set(qn("w:val"), "ja-JP" if lang == "ja" else "en-GB")
    language.set(qn("w:eastAsia"), "ja-JP")


class WordWriter:
    """Writes one document; `render(root)` walks the markup, `to_bytes()` gives a normalised .docx."""

    def __init__(self, lang: str, metadata: Metadata, base_size: float = 10.5, compact: bool = False) -> None:
        self.compact = compact
        self.lang = lang
        self.fonts = FONTS[lang]
        self.metadata = metadata
        self.base_size = base_size
        self.document = Document()
        self._page_setup()
        self._styles()

    def _page_setup(self) -> None:
        for section in self.document.sections:
            section.page_width, section.page_height = Mm(210), Mm(297)
            section.top_margin = section.bottom_margin = Mm(25)
            section.left_margin = section.right_margin = Mm(22)
            section.header_distance = section.footer_distance = Mm(12)

    def _styles(self) -> None:
        styles_element = self.document.styles.element
        defaults = styles_element.find(qn("w:docDefaults"))
        r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_run_fonts(r_pr, self.fonts.body_latin, self.fonts.body_east_asian)
        _set_language(r_pr, self.lang)
        # Walk the XML, not python-docx's style objects (~20× faster): every style that names fonts
        # gets ours, theme attributes removed (they win over names, python-docx #1089).
        for style in styles_element.iterchildren(qn("w:style")):
            style_id = style.get(qn("w:styleId"), "")
            heading = style_id.startswith(("Heading", "Title"))
            r_pr = style.find(qn("w:rPr"))
            if r_pr is None:
                if not heading:
                    continue
                r_pr = OxmlElement("w:rPr")
                style.append(r_pr)
            if r_pr.find(qn("w:rFonts")) is None and not heading:
                continue
            _set_run_fonts(r_pr, self.fonts.heading_latin if heading else self.fonts.body_latin,
                           self.fonts.heading_east_asian if heading else self.fonts.body_east_asian)
        normal = self.document.styles["Normal"]
        normal.font.size = Pt(self.base_size)
        normal.paragraph_format.space_after = Pt(0 if self.compact else 2)
        normal.paragraph_format.line_spacing = 1.0 if self.compact else 1.15
        for level, size in ((1, 14), (2, 12), (3, 11)):
            style = self.document.styles[f"Heading {level}"]
            style.font.size = Pt(size)
            style.font.bold = True
            style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
            style.paragraph_format.space_before = Pt(4 if self.compact else (10 if level == 1 else 6))
            style.paragraph_format.space_after = Pt(1 if self.compact else 3)
            style.paragraph_format.keep_with_next = True

    def _run(self, paragraph, text: str, bold: bool = False, size: float | None = None, heading: bool = False,
             italic: bool = False, colour: str | None = None):
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        if size:
            run.font.size = Pt(size)
        if colour:
            run.font.color.rgb = RGBColor.from_string(colour)
        _set_run_fonts(run._element.get_or_add_rPr(), self.fonts.heading_latin if heading else self.fonts.body_latin,
                       self.fonts.heading_east_asian if heading else self.fonts.body_east_asian)
        return run

    def _inline(self, paragraph, element: ET.Element, size: float | None, heading: bool = False,
                bold: bool = False) -> None:
        """Text with <b>, <i>, <ph> (placeholder, shown in grey) and <br/> inside."""
        if element.text:
            self._run(paragraph, " ".join(element.text.split()) if element.tag != "pre" else element.text,
                      bold=bold, size=size, heading=heading)
        for child in element:
            if child.tag == "br":
                paragraph.add_run().add_break(WD_BREAK.LINE)
            else:
                self._run(paragraph, text_of(child), bold=bold or child.tag == "b", size=size, heading=heading,
                          italic=child.tag == "i", colour="8A8A8A" if child.tag == "ph" else None)
            if child.tail and child.tail.strip():
                self._run(paragraph, " ".join(child.tail.split()), bold=bold, size=size, heading=heading)

    def _paragraph(self, element: ET.Element, container=None, style: str | None = None):
        target = container if container is not None else self.document
        paragraph = target.add_paragraph(style=style)
        align = element.get("align")
        if align:
            paragraph.alignment = ALIGN[align]
        size = number(element, "size") if element.get("size") else None
        if element.get("space_before"):
            paragraph.paragraph_format.space_before = Pt(number(element, "space_before"))
        if element.get("space_after"):
            paragraph.paragraph_format.space_after = Pt(number(element, "space_after"))
        if element.get("indent"):
            paragraph.paragraph_format.left_indent = Mm(number(element, "indent"))
        self._inline(paragraph, element, size, heading=element.get("font") == "gothic",
                     bold=element.get("bold") == "1")
        return paragraph

    def _table(self, element: ET.Element) -> None:
        rows = element.findall("tr")
        columns = max(sum(int(cell.get("span", "1")) for cell in row) for row in rows)
        table = self.document.add_table(rows=len(rows), cols=columns)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = [float(w) for w in element.get("widths", "").split(",") if w] or [166 / columns] * columns
        size = float(element.get("size", self.base_size - 1))
        for row_index, row in enumerate(rows):
            row_cells = table.rows[row_index].cells  # table.cell() re-reads the whole grid on every call
            column = 0
            for cell_element in row:
                span = int(cell_element.get("span", "1"))
                cell = row_cells[column]
                if span > 1:
                    cell = cell.merge(row_cells[column + span - 1])
                cell.width = Mm(sum(widths[column:column + span]))
                self._cell(cell, cell_element, size)
                column += span
        table.autofit = False
        # LibreOffice lays columns out from tblGrid, Word from each cell's tcW: set both.
        for grid_column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
            grid_column.set(qn("w:w"), str(int(Mm(width).twips)))
        spacer = self.document.add_paragraph()
        spacer.paragraph_format.space_after = Pt(2)

    def _cell(self, cell, element: ET.Element, size: float) -> None:
        header = element.tag == "th"
        if header or element.get("shade"):
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:color"), "auto")
            shading.set(qn("w:fill"), element.get("shade", "E8EEF4"))
            cell._tc.get_or_add_tcPr().append(shading)
        paragraph = cell.paragraphs[0]
        blocks = [child for child in element if child.tag in ("p", "li")]
        if blocks:
            first = True
            for block in blocks:
                target = paragraph if first else cell.add_paragraph()
                first = False
                prefix = "・" if block.tag == "li" else ""
                if prefix:
                    self._run(target, prefix, size=size)
                self._inline(target, block, size, bold=header)
            return
        align = element.get("align")
        if align:
            paragraph.alignment = ALIGN[align]
        self._inline(paragraph, element, size, heading=header, bold=header or element.get("bold") == "1")

    def render(self, root: ET.Element) -> None:
        for element in root:
            tag = element.tag
            if tag in ("h1", "h2", "h3"):
                paragraph = self.document.add_paragraph(style=f"Heading {tag[1]}")
                self._inline(paragraph, element, None, heading=True)
            elif tag == "title":
                paragraph = self._paragraph(element)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in paragraph.runs:
                    run.font.size = Pt(float(element.get("size", 16)))
                    run.bold = True
                    _set_run_fonts(run._element.get_or_add_rPr(), self.fonts.heading_latin,
                                   self.fonts.heading_east_asian)
                paragraph.paragraph_format.space_after = Pt(10)
            elif tag == "p":
                self._paragraph(element)
            elif tag == "li":
                paragraph = self.document.add_paragraph()
                paragraph.paragraph_format.left_indent = Mm(5)
                paragraph.paragraph_format.first_line_indent = Mm(-4)
                self._run(paragraph, "・" if self.lang == "ja" else "• ")
                self._inline(paragraph, element, None)
            elif tag == "table":
                self._table(element)
            elif tag == "pagebreak":
                self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            elif tag == "spacer":
                paragraph = self.document.add_paragraph()
                paragraph.paragraph_format.space_after = Pt(float(element.get("pt", 6)))
            elif tag == "footer":
                self._footer(element)
            else:
                raise ValueError(f"unknown markup element <{tag}>")

    def _footer(self, element: ET.Element) -> None:
        footer = self.document.sections[0].footer
        paragraph = footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._inline(paragraph, element, 8)

    def to_bytes(self) -> bytes:
        apply_metadata(self.document.core_properties, self.metadata)
        self.document.core_properties.last_printed = self.metadata.created
        return save_docx(self.document)


def render_word(root: ET.Element, lang: str, metadata: Metadata, base_size: float = 10.5,
                compact: bool = False) -> bytes:
    writer = WordWriter(lang, metadata, base_size=base_size, compact=compact)
    writer.render(root)
    return writer.to_bytes()
