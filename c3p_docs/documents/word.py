"""Word documents from block markup: A4, Japanese margins, East Asian fonts on every run, set metadata."""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from functools import lru_cache

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from c3p_docs.documents.markup import number, number_list, table_rows
from c3p_docs.documents.measure import (
    FALLBACK_LATIN,
    bind_units,
    is_wide,
    label_lines,
    literals,
    renderer_keeps_whole,
    table_layout,
    text_width_pt,
    title_lines,
    visible,
    word_lines,
    wrap_lines,
)
from c3p_docs.documents.packaging import BLOCKS_MARK, apply_metadata, place_mark, save_docx, xml_attribute, xml_text
from c3p_docs.i18n import _


@dataclass(frozen=True)
class Fonts:
    """Latin and East Asian faces for body text and headings."""

    body_latin: str
    body_east_asian: str
    heading_latin: str
    heading_east_asian: str


FONTS = {
    # Latin text in a Japanese document is set in the Japanese face's own Latin glyphs, so it matches.
    "ja": Fonts("游明朝", "游明朝", "游ゴシック", "游ゴシック"),
    "en": Fonts("Times New Roman", "游明朝", "Arial", "游ゴシック"),
}
FACES = {"ja": ("mincho", "gothic"), "en": ("serif", "sans")}
"""Which measured faces (measure.ASCII_WIDTHS) stand for the body and heading fonts above."""
ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "both"}
GREY = "8A8A8A"
HEADER_FILL = "E8EEF4"
BORDER_COLOUR = "7F7F7F"
CELL_MARGIN_TWIPS = 80  # 4 pt, as measure.CELL_PADDING_PT
TWIPS_PER_PT = 20
PAGE_WIDTH, SIDE_MARGIN = Mm(210), Mm(22)
TABLE_PROPERTIES = (
    '<w:jc w:val="center"/><w:tblBorders>'
    + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{BORDER_COLOUR}"/>'
              for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar>'
    + "".join(f'<w:{side} w:w="{width}" w:type="dxa"/>'
              for side, width in (("top", 20), ("left", CELL_MARGIN_TWIPS), ("bottom", 20), ("right", CELL_MARGIN_TWIPS)))
    + '</w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
    'w:noHBand="0" w:noVBand="1"/>')
"""Every table's properties after its width: centred, thin grey borders, fixed layout, cell margins."""
KEEP_TOGETHER_ROWS = 8


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    created: dt.datetime
    language: str


@dataclass(frozen=True)
class RunFormat:
    """How a piece of inline text is set."""

    size: float | None = None
    bold: bool = False
    italic: bool = False
    colour: str | None = None
    gothic: bool = False
    literal: bool = False
    """Text a person copies (`<code>`): written exactly as given, in the gothic face, not proofed."""


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


LATIN_LANGUAGE, EAST_ASIAN_LANGUAGE = "en-GB", "ja-JP"
"""The languages every run is tagged with: `w:val` for Latin-script text, `w:eastAsia` for Japanese. Latin text is
English in both documents: tagged ja-JP, LibreOffice breaks Latin words and numbers anywhere ("Davao Cit/y",
"18,43/1,600円", measured), tagged English it keeps them whole."""


def _set_language(r_pr) -> None:
    """The document's default run languages (LATIN_LANGUAGE, EAST_ASIAN_LANGUAGE)."""
    language = r_pr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        r_pr.append(language)
    language.set(qn("w:val"), LATIN_LANGUAGE)
    language.set(qn("w:eastAsia"), EAST_ASIAN_LANGUAGE)


# Blocks are written as XML text, which goes into the document part's bytes as it is (packaging.save_docx):
# so it is written as lxml would serialize it (escapes as libxml2 makes them, an empty element as `<w:x/>`).
W_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _tag(tag: str, **attributes: object) -> str:
    """`<w:tag w:name="value" …/>` as XML text."""
    return f"<w:{tag}" + "".join(f' w:{name}="{xml_attribute(value)}"' for name, value in attributes.items()) + "/>"


def _parsed(xml: str):
    """XML text of `w:` elements (no declarations) as the children of one lxml element."""
    return etree.fromstring(f'<w:body xmlns:w="{W_NAMESPACE}">{xml}</w:body>')


def _paragraph_xml(paragraph: list[str]) -> str:
    """A paragraph written as its properties' and runs' XML text, whole."""
    return "<w:p/>" if len(paragraph) == 1 and not paragraph[0] else "<w:p>" + "".join(paragraph) + "</w:p>"


def _new_cell(width_twips: int, span: int) -> str:
    """The start of a `w:tc` with its width and column span, inside an open `w:tcPr`."""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width_twips}" w:type="dxa"/>' + (
        f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")


@lru_cache(maxsize=1024)
def _paragraph_properties(style: str | None, keep_next: bool, align: str | None, before: float | None,
                          after: float | None, indent_mm: float | None, hanging_mm: float | None,
                          line_pt: float | None) -> str:
    """A `w:pPr` in schema order as XML text; empty when nothing is set."""
    parts = []
    if style:
        parts.append(_tag("pStyle", val=style))
    if keep_next:
        parts.append("<w:keepNext/>")
    if before is not None or after is not None or line_pt is not None:
        spacing: dict[str, object] = {}
        if before is not None:
            spacing["before"] = round(before * TWIPS_PER_PT)
        if after is not None:
            spacing["after"] = round(after * TWIPS_PER_PT)
        if line_pt is not None:
            spacing["line"], spacing["lineRule"] = round(line_pt * TWIPS_PER_PT), "exact"
        parts.append(_tag("spacing", **spacing))
    if indent_mm is not None or hanging_mm is not None:
        indentation = {}
        if indent_mm is not None:
            indentation["left"] = int(Mm(indent_mm).twips)
        if hanging_mm is not None:
            indentation["hanging"] = int(Mm(hanging_mm).twips)
        parts.append(_tag("ind", **indentation))
    if align:
        parts.append(_tag("jc", val=ALIGN[align]))
    return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""


_LANGUAGE = _tag("lang", val=LATIN_LANGUAGE, eastAsia=EAST_ASIAN_LANGUAGE)


@lru_cache(maxsize=1024)
def _run_properties(fonts: Fonts, gothic: bool, bold: bool, italic: bool, colour: str | None, size: float | None,
                    literal: bool = False) -> str:
    """A run's `w:rPr` as XML text: every script's face named, then weight, slant, proofing (off for literal text:
    file names and addresses are not words), colour, size, and the languages on every run (a user's reference
    cannot make Japanese text Chinese)."""
    latin = fonts.heading_latin if gothic else fonts.body_latin
    east_asian = fonts.heading_east_asian if gothic else fonts.body_east_asian
    parts = [_tag("rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asian, cs=latin)]
    if bold:
        parts.append("<w:b/>")
    if italic:
        parts.append("<w:i/>")
    if literal:
        parts.append("<w:noProof/>")
    if colour:
        parts.append(_tag("color", val=colour))
    if size:
        parts.append(_tag("sz", val=round(size * 2)) + _tag("szCs", val=round(size * 2)))
    parts.append(_LANGUAGE)
    return f"<w:rPr>{''.join(parts)}</w:rPr>"


def _run_text(piece: str) -> str:
    """A run's content: `w:t` text, with a tab as its own element."""
    if "\t" not in piece:
        return _text_element(piece)
    return "".join("<w:tab/>" if part == "\t" else _text_element(part) for part in _TAB.split(piece))


_TAB = re.compile("(\t)")


def _text_element(part: str) -> str:
    if not part:
        return ""
    if part[0] == " " or part[-1] == " ":
        return f'<w:t xml:space="preserve">{xml_text(part)}</w:t>'
    return f"<w:t>{xml_text(part)}</w:t>"


LITERAL_FLOOR_PT = 7.0


def _literal_line(element: ET.Element) -> bool:
    """Whether a paragraph holds nothing but literal text (`<code>`): a line to copy whole."""
    return (len(element) > 0 and all(child.tag == "code" for child in element) and not (element.text or "").strip()
            and not any((child.tail or "").strip() for child in element))


LABEL_CHARACTERS = 40  # 環境・エネルギー分野の調査研究、自治体の脱炭素計画策定支援、海外環境協力 (36) is a list, not prose


def _label(line: str) -> bool:
    """Whether a cell's line is a Japanese label (a name, a title, a technology: no sentence, at most
    LABEL_CHARACTERS), which is given its line breaks where the renderer's would fall inside a word. Prose is left
    to the renderer, so that text copied out of a cell has no line break the writer chose; Latin text it breaks at
    spaces, as we would."""
    return len(line) <= LABEL_CHARACTERS and "。" not in line and any(map(is_wide, line))


def _shown(text: str, fmt: RunFormat) -> str:
    """Text as the reader will copy it: no invisible characters; a number bound to a Latin unit by a no-break space,
    literal text exactly as given."""
    return visible(text) if fmt.literal else bind_units(visible(text))


def _number(element: ET.Element, name: str) -> float | None:
    """An optional numeric attribute; a garbled one is a clear template error (markup.number)."""
    return number(element, name) if element.get(name) else None


def _fold(text: str) -> str:
    """Template whitespace folded to single spaces (templates indent and wrap freely)."""
    return _WHITESPACE.sub(" ", text)


_WHITESPACE = re.compile(r"[ \t\r\n]+")  # ASCII only: a full-width space (U+3000) is meant


def _script_runs(text: str, italic: bool) -> list[tuple[str, bool]]:
    """Split italic text so Japanese characters stay upright: CJK has no italic, only a synthetic slant."""
    if not italic:
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    current, current_italic = "", None
    for char in text:
        slanted = not is_wide(char) if char != " " else (current_italic if current_italic is not None else True)
        if current and slanted != current_italic:
            pieces.append((current, bool(current_italic)))
            current = ""
        current += char
        current_italic = slanted
    if current:
        pieces.append((current, bool(current_italic)))
    return pieces


def _prepare_base(document, lang: str) -> None:
    """Once per process and language, on the reference: A4 paper, our faces on its defaults and styles."""
    fonts = FONTS[lang]
    for section in document.sections:
        section.page_width, section.page_height = PAGE_WIDTH, Mm(297)
    styles_element = document.styles.element
    _add_missing_styles(styles_element)
    r_pr = _default_run_properties(styles_element)
    _set_run_fonts(r_pr, fonts.body_latin, fonts.body_east_asian)
    _set_language(r_pr)
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
        _set_run_fonts(r_pr, fonts.heading_latin if heading else fonts.body_latin,
                       fonts.heading_east_asian if heading else fonts.body_east_asian)


HEADING_STYLE_NAMES = ("heading 1", "heading 2", "heading 3")


def _add_missing_styles(styles_element) -> None:
    """Headings a user's reference lacks (Word saves only the styles a file uses) come from ours."""
    def by_name(root) -> dict:
        return {style.find(qn("w:name")).get(qn("w:val")): style for style in root.iterchildren(qn("w:style"))
                if style.find(qn("w:name")) is not None}

    present = by_name(styles_element)
    missing = [name for name in HEADING_STYLE_NAMES if name not in present]
    if not missing:
        return
    from c3p_docs.documents.reference import reference_path

    ours = by_name(Document(str(reference_path(".docx", "common"))).styles.element)
    normal = next((style.get(qn("w:styleId")) for style in styles_element.iterchildren(qn("w:style"))
                   if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true")), None)
    for name in missing:
        style = copy.deepcopy(ours[name])
        for link in (style.find(qn("w:basedOn")), style.find(qn("w:next"))):
            if link is not None and normal:
                link.set(qn("w:val"), normal)  # Japanese Word calls Normal "a"
        styles_element.append(style)


def _default_run_properties(styles_element):
    """`w:docDefaults/w:rPrDefault/w:rPr`, made if a user's reference lacks it."""
    parent = styles_element
    for tag in ("w:docDefaults", "w:rPrDefault", "w:rPr"):
        child = parent.find(qn(tag))
        if child is None:
            child = OxmlElement(tag)
            parent.insert(0, child)
        parent = child
    return parent


class WordWriter:
    """Writes one document; `render(root)` walks the markup, `to_bytes()` gives a normalised .docx.

    Page margins and styles come from the reference document (templates/common/reference.docx, or the
    user's in --templates). `base_size` and `compact` override its body size and spacing (the monthly
    report steps them down to fit one page).
    """

    def __init__(self, lang: str, metadata: Metadata, base_size: float | None = None, compact: bool = False,
                 templates: str | None = None) -> None:
        from c3p_docs.documents.reference import base_document

        self.compact = compact
        self.lang = lang
        self.fonts = FONTS[lang]
        self.metadata = metadata
        self.document = base_document(".docx", lang, templates, _prepare_base)
        if base_size is not None or compact:
            self._fit_styles(base_size or 10.5)
        size = self.document.styles["Normal"].font.size
        self.base_size = size.pt if size else 10.5
        self.body = self.document.element.body
        self._blocks: list[str | list[str]] = []
        """The blocks being written, as XML text."""
        self._written: list[str] | None = None
        """The body's XML text, which `to_bytes` writes into the document part where a mark stands; None with
        a reference whose `w` prefix is not WordprocessingML's, where it is parsed into the tree instead."""
        self._end = self.body.find(qn("w:sectPr"))
        if self.body.nsmap.get("w") == W_NAMESPACE:
            place_mark(self.body, BLOCKS_MARK, before=self._end)
            self._written = []
        self._previous: tuple[list[str], dict] | None = None
        """The last block if it is a paragraph, with its properties' arguments, so a table can keep it on its page."""
        section = self.document.sections[0]
        margins = [SIDE_MARGIN if m is None else m for m in (section.left_margin, section.right_margin)]
        self.content_width_pt = (PAGE_WIDTH - sum(margins)) / 12700  # EMU → pt; margins from the reference
        self._bullet = "・" if lang == "ja" else "•\t"
        self._style_ids = {level: self.document.styles[f"Heading {level}"].style_id for level in (1, 2, 3)}

    def _fit_styles(self, base_size: float) -> None:
        normal = self.document.styles["Normal"]
        normal.font.size = Pt(base_size)
        normal.paragraph_format.space_after = Pt(0 if self.compact else 2)
        normal.paragraph_format.line_spacing = 1.0 if self.compact else 1.15
        for level in (1, 2, 3):
            style = self.document.styles[f"Heading {level}"]
            style.paragraph_format.space_before = Pt(4 if self.compact else (10 if level == 1 else 6))
            style.paragraph_format.space_after = Pt(1 if self.compact else 3)

    # Blocks -------------------------------------------------------------------------------------------------

    def _append(self, block: str | list[str], properties: dict | None = None) -> None:
        """A table's XML text, or a paragraph: its properties' and runs' XML text, `properties` their arguments."""
        self._blocks.append(block)
        self._previous = (block, properties) if isinstance(block, list) and properties is not None else None

    def _new_paragraph(self, parent: list[list[str]] | None = None, *, style: str | None = None,
                       keep_next: bool = False, align: str | None = None, before: float | None = None,
                       after: float | None = None, indent_mm: float | None = None, hanging_mm: float | None = None,
                       line_pt: float | None = None) -> list[str]:
        """A `w:p` (its properties in schema order) to append runs to: in the body unless `parent` (a cell's
        paragraphs) is given."""
        properties = dict(style=style, keep_next=keep_next, align=align, before=before, after=after,
                          indent_mm=indent_mm, hanging_mm=hanging_mm, line_pt=line_pt)
        paragraph = [_paragraph_properties(**properties)]
        if parent is None:
            self._append(paragraph, properties)
        else:
            parent.append(paragraph)
        return paragraph

    def _paragraph(self, element: ET.Element, **overrides):
        """A <p>: align, size, space_before/after, indent, font="gothic", bold, colour, keep="next"."""
        number = lambda name: _number(element, name)  # noqa: E731
        paragraph = self._new_paragraph(
            keep_next=element.get("keep") == "next" or overrides.pop("keep_next", False),
            align=element.get("align"), before=number("space_before"), after=number("space_after"),
            indent_mm=number("indent"), **overrides)
        fmt = RunFormat(size=number("size"), bold=element.get("bold") == "1", gothic=element.get("font") == "gothic",
                        colour=element.get("colour") or element.get("color"))
        if _literal_line(element):
            fmt = replace(fmt, size=self._literal_size(" ".join(literals(element)), fmt, number("indent") or 0.0))
        self._inline(paragraph, element, fmt)
        return paragraph

    def _literal_size(self, text: str, fmt: RunFormat, indent_mm: float) -> float:
        """The size a paragraph of literal text (a command, a path) is set in: its own, or smaller down to
        LITERAL_FLOOR_PT so it fits on one line (a wrapped command may break at a hyphen and be misread)."""
        size = fmt.size or self.base_size
        width = self.content_width_pt - Mm(indent_mm).pt
        needed = text_width_pt(text, size, FACES[self.lang][1], fmt.bold, FALLBACK_LATIN)
        if needed <= width:
            return size
        return max(LITERAL_FLOOR_PT, math.floor(size * width / needed * 2) / 2)

    def render(self, root: ET.Element) -> None:
        for element in root:
            tag = element.tag
            if tag in ("h1", "h2", "h3"):
                paragraph = self._new_paragraph(style=self._style_ids[int(tag[1])], keep_next=True)
                self._inline(paragraph, element, RunFormat(gothic=True))
            elif tag == "title":
                self._title(element)
            elif tag == "p":
                self._paragraph(element)
            elif tag == "li":
                paragraph = self._new_paragraph(indent_mm=5, hanging_mm=4, keep_next=element.get("keep") == "next")
                self._text(paragraph, self._bullet, RunFormat())
                self._inline(paragraph, element, RunFormat(size=_number(element, "size")))
            elif tag == "table":
                self._table(element)
            elif tag == "pagebreak":
                self._break(self._new_paragraph(), RunFormat(), page=True)
            elif tag == "spacer":
                self._new_paragraph(after=number(element, "pt", 6))
            elif tag == "footer":
                self._footer(element)
            else:
                raise ValueError(_("unknown markup element {element}").format(element=f"<{tag}>"))
        xml = "".join(block if isinstance(block, str) else _paragraph_xml(block) for block in self._blocks)
        self._blocks, self._previous = [], None
        if self._written is not None:
            self._written.append(xml)
            return
        for child in _parsed(xml):
            if self._end is not None:
                self._end.addprevious(child)
            else:
                self.body.append(child)

    def _title(self, element: ET.Element) -> None:
        """A centred title; a plain-text line too long for the page is broken between phrases, not in a word."""
        paragraph = self._new_paragraph(keep_next=True, align="center", after=10)
        fmt = RunFormat(size=number(element, "size", 16), bold=True, gothic=True)
        if any(child.tag != "br" for child in element):
            self._inline(paragraph, element, fmt)
            return
        parts = [element.text or ""] + [child.tail or "" for child in element]
        lines = [line for part in parts
                 for line in title_lines(_fold(part).strip(), self.content_width_pt, fmt.size or 16, FACES[self.lang][1])]
        self._lines(paragraph, lines, fmt)

    def _footer(self, element: ET.Element) -> None:
        footer = self.document.sections[0].footer
        footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        runs: list[str] = []
        self._inline(runs, element, RunFormat(size=8))
        footer.part.element.find(qn("w:p")).extend(list(_parsed("".join(runs))))

    # Inline text ------------------------------------------------------------------------------------------

    def _inline(self, paragraph, element: ET.Element, fmt: RunFormat, width_pt: float | None = None,
                lead: str = "") -> None:
        """Text with <b>, <i>, <ph> (placeholder, in grey), <code> (literal) and <br/> inside, nested as templates
        write them; whitespace folded, and trimmed at the paragraph's ends. Given `width_pt` (a table cell), each
        line that is a Japanese label (`_label`) is broken between phrases where it must wrap (`lead`, a bullet
        already written, takes room too): LibreOffice breaks Japanese text wherever a line is full (ボ|イラー), even
        pushing a closing bracket back into a Latin word ("（4 M|W）", measured), so a label's lines are ours."""
        pieces: list[tuple[str, RunFormat | None]] = []  # (text, format); a line break is ("", None)

        def walk(node: ET.Element, current: RunFormat) -> None:
            if node.text:
                pieces.append((_fold(node.text), current))
            for child in node:
                if child.tag == "br":
                    pieces.append(("", None))
                elif child.tag not in ("p", "li"):
                    walk(child, replace(current, bold=current.bold or child.tag == "b",
                                        italic=current.italic or child.tag == "i",
                                        literal=current.literal or child.tag == "code",
                                        colour=GREY if child.tag == "ph" else current.colour))
                if child.tail:
                    pieces.append((_fold(child.tail), current))

        walk(element, fmt)
        for step in (range(len(pieces)), range(len(pieces) - 1, -1, -1)):
            for index in step:
                text, piece_format = pieces[index]
                if piece_format is None:
                    break
                trimmed = text.lstrip(" ") if step.step == 1 else text.rstrip(" ")
                pieces[index] = (trimmed, piece_format)
                if trimmed:
                    break
        breaks = self._phrase_breaks(pieces, fmt, width_pt, lead) if width_pt else set()
        at = 0  # where the piece starts in its line, as the reader sees it
        for text, piece_format in pieces:
            if piece_format is None:
                self._break(paragraph, fmt)
                at = 0
                continue
            shown = _shown(text, piece_format)
            start = at
            for cut in sorted(b - at for b in breaks if at < b < at + len(shown)):
                self._text(paragraph, shown[start - at:cut], piece_format)
                self._break(paragraph, fmt)
                start = at + cut
            self._text(paragraph, shown[start - at:], piece_format)
            at += len(shown)
            if at in breaks and at:
                self._break(paragraph, fmt)

    def _phrase_breaks(self, pieces: list[tuple[str, RunFormat | None]], fmt: RunFormat, width_pt: float,
                       lead: str) -> set[int]:
        """Where the lines of a cell's text (offsets in each line as shown, between <br/>s) are broken: between
        phrases (measure.label_lines), measured as LibreOffice sets them (Latin wider where it substitutes)."""
        breaks: set[int] = set()
        line = lead
        face = FACES[self.lang][1 if fmt.gothic else 0]
        latin = FALLBACK_LATIN if self.lang == "ja" else 1.0
        texts = [_shown(text, piece_format) if piece_format else None for text, piece_format in pieces] + [None]
        for text in texts:
            if text is not None:
                line += text
                continue
            lines = self._label_lines(line, width_pt, fmt, face, latin) if _label(line) else [line]
            if len(lines) > 1 and "".join(lines) == line:
                offset = -len(lead)
                for part in lines[:-1]:
                    offset += len(part)
                    breaks.add(offset)
            line = ""
        return breaks

    def _label_lines(self, line: str, width_pt: float, fmt: RunFormat, face: str, latin: float) -> list[str]:
        """A label's lines: one, left to the renderer, when each line it fills ends where a reader may see a break
        (the lines we would lay out, each full up to the next character) and it breaks it well whatever its metrics
        (`measure.renderer_keeps_whole`), so the label copies whole; else broken between phrases, because the
        renderer could break it inside a word (ボ|イラー, 4 M|W with room left on the line), between a number and
        its unit (8番|1号) or leave one character alone (導|入)."""
        size = fmt.size or self.base_size
        natural = wrap_lines(line, width_pt, size, face, fmt.bold, "text", latin)
        items = label_lines(line, width_pt, size, face, fmt.bold, latin)  # at its items' ends where no more lines
        if all(text_width_pt(full + after[:1], size, face, fmt.bold, latin) > width_pt
               for full, after in zip(natural, natural[1:])) and renderer_keeps_whole(line, width_pt, size, face,
                                                                                     fmt.bold):
            # Whole, unless its items end elsewhere in as many lines (本邦自治体／ / パートナー都市, not …パートナー / 都市).
            return items if len(items) == len(natural) > 1 and items != natural else [line]
        return items

    def _text(self, paragraph: list[str], text: str, fmt: RunFormat) -> None:
        """Runs for `text` as the reader will copy it (`_shown`), Japanese never slanted, every script's face named."""
        text = _shown(text, fmt)
        if not text:
            return
        for piece, italic in _script_runs(text, fmt.italic):
            properties = _run_properties(self.fonts, fmt.gothic or fmt.literal, fmt.bold, italic, fmt.colour, fmt.size,
                                         fmt.literal)
            paragraph.append(f"<w:r>{properties}{_run_text(piece)}</w:r>")

    def _break(self, paragraph: list[str], fmt: RunFormat, page: bool = False) -> None:
        properties = _run_properties(self.fonts, fmt.gothic, fmt.bold, fmt.italic, fmt.colour, fmt.size)
        paragraph.append(f'<w:r>{properties}<w:br w:type="page"/></w:r>' if page else f"<w:r>{properties}<w:br/></w:r>")

    # Tables -----------------------------------------------------------------------------------------------

    def _table(self, element: ET.Element) -> None:
        """A whole table written as XML text in one pass (no per-cell python-docx or lxml calls).

        Header rows (the leading rows of <th> only, or `header="1"`) repeat on every page and stay with the
        first row below them; no row splits across pages; the last two rows stay together (a total is never
        alone under a repeated header); the paragraph before the table stays with it.
        """
        rows = table_rows(element)
        if not rows:
            return
        hints = number_list(element, "widths")
        layout = table_layout(rows, self.content_width_pt, number(element, "size", self.base_size - 1), hints,
                              faces=FACES[self.lang])
        if self._previous is not None:  # a paragraph: it stays with the table
            paragraph, properties = self._previous
            paragraph[0] = _paragraph_properties(**{**properties, "keep_next": True})
        twips = [round(w * TWIPS_PER_PT) for w in layout.widths_pt]
        table = ["<w:tbl><w:tblPr>", _tag("tblW", w=round(sum(layout.widths_pt) * TWIPS_PER_PT), type="dxa"),
                 TABLE_PROPERTIES, "</w:tblPr><w:tblGrid>", *(_tag("gridCol", w=width) for width in twips),
                 "</w:tblGrid>"]
        header_rows = self._header_row_count(element, rows)
        kept = element.get("keep") == "next"  # its last row stays with what follows (a note, a command)
        # A short table is kept on one page; a long one may break between rows, its header repeated.
        short = len(rows) <= KEEP_TOGETHER_ROWS
        merged: dict[int, tuple[int, int]] = {}  # first column → (rows a vertical merge still covers, its span)
        for index, row in enumerate(rows):
            table.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if index < header_rows
                         else "<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            cells = {first: (cell, span) for cell, first, span in row}
            column = 0
            while column < len(twips):
                if column in merged:
                    left, span = merged.pop(column)
                    table.append(self._merged_cell(sum(twips[column:column + span]), span))
                    if left > 1:
                        merged[column] = (left - 1, span)
                    column += span
                    continue
                if column not in cells:  # a short row: fill the grid so borders stay whole
                    table.append(self._merged_cell(twips[column], 1, merge=False))
                    column += 1
                    continue
                cell, span = cells[column]
                rowspan = min(int(cell.get("rowspan", "1")), len(rows) - index)
                if rowspan > 1:
                    merged[column] = (rowspan - 1, span)
                table.append(self._cell(cell, sum(twips[column:column + span]), span, layout.size,
                                        keep_next=index < header_rows or index == len(rows) - 2
                                        or (short and index < len(rows) - 1) or (kept and index == len(rows) - 1),
                                        restart=rowspan > 1))
                column += span
            table.append("</w:tr>")
        table.append("</w:tbl>")
        self._append("".join(table))
        # Word merges two tables with nothing between them; this thin paragraph also gives a little air.
        self._new_paragraph(line_pt=4, after=2, keep_next=kept)

    @staticmethod
    def _header_row_count(element: ET.Element, rows: list) -> int:
        count = 0
        for row in rows:
            if all(cell.tag == "th" for cell, _column, _span in row) or any(cell.get("header") == "1" for cell, _column, _span in row):
                count += 1
            else:
                break
        return count if count < len(rows) else 0

    @staticmethod
    def _merged_cell(width_twips: int, span: int, merge: bool = True) -> str:
        """A cell continuing a vertical merge from above (or, with `merge=False`, an empty one)."""
        return _new_cell(width_twips, span) + ("<w:vMerge/>" if merge else "") + "</w:tcPr><w:p/></w:tc>"

    def _cell(self, element: ET.Element, width_twips: int, span: int, size: float, keep_next: bool,
              restart: bool) -> str:
        header = element.tag == "th"
        properties = _new_cell(width_twips, span)
        if restart:
            properties += '<w:vMerge w:val="restart"/>'
        if header or element.get("shade"):
            properties += _tag("shd", val="clear", color="auto", fill=element.get("shade", HEADER_FILL))
        fmt = RunFormat(size=number(element, "size", size), bold=header or element.get("bold") == "1", gothic=header)
        blocks = [child for child in element if child.tag in ("p", "li")]
        align = element.get("align")
        paragraphs: list[list[str]] = []
        width = width_twips / TWIPS_PER_PT - 2 * CELL_MARGIN_TWIPS / TWIPS_PER_PT
        for block in blocks or [element]:
            paragraph = self._new_paragraph(paragraphs, keep_next=keep_next, after=0, align=block.get("align") or align)
            bullet = self._bullet.replace("\t", " ") if block.tag == "li" else ""
            if bullet:
                self._text(paragraph, bullet, fmt)
            if header and len(block) == 0 and block.text:
                self._lines(paragraph, word_lines(_fold(block.text), width, fmt.size or size, FACES[self.lang][1],
                                                  bold=True), fmt)
            else:
                self._inline(paragraph, block, fmt, None if element.get("nowrap") == "1" else width, bullet)
        return properties + "</w:tcPr>" + "".join(map(_paragraph_xml, paragraphs)) + "</w:tc>"

    def _lines(self, paragraph, lines: list[str], fmt: RunFormat) -> None:
        for index, line in enumerate(lines):
            if index:
                self._break(paragraph, fmt)
            self._text(paragraph, line, fmt)

    def to_bytes(self) -> bytes:
        apply_metadata(self.document.core_properties, self.metadata)
        self.document.core_properties.last_printed = self.metadata.created
        return save_docx(self.document, None if self._written is None else "".join(self._written))


def render_word(root: ET.Element, lang: str, metadata: Metadata, base_size: float | None = None,
                compact: bool = False, templates: str | None = None) -> bytes:
    writer = WordWriter(lang, metadata, base_size=base_size, compact=compact, templates=templates)
    writer.render(root)
    return writer.to_bytes()
