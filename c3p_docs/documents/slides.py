"""Slides from markup: A4 landscape, East Asian fonts on every run, text sized by measuring it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.oxml.simpletypes import ST_Coordinate, ST_Coordinate32, ST_LineWidth
from pptx.util import Emu, Mm, Pt

from c3p_docs import i18n  # i18n._: `_` is the throwaway name here
from c3p_docs.documents.markup import number, table_rows, text_of
from c3p_docs.documents.measure import (
    FALLBACK_LATIN,
    INSET_MM,
    LINE_HEIGHTS,
    PT_TO_MM,
    TableLayout,
    TableText,
    bind_units,
    breaks_badly,
    cell_lines,
    column_heights,
    is_wide,
    label_lines,
    line_count,
    literals,
    longest_chunk_pt,
    text_width_pt,
    visible,
)
from c3p_docs.documents.packaging import (
    SHAPES_MARK,
    apply_metadata,
    place_mark,
    save_pptx,
    set_theme_fonts,
    xml_attribute,
    xml_text,
)
from c3p_docs.documents.word import Metadata

# A4 landscape, exact (TECH-NOTES): 297 × 210 mm.
A4_WIDTH, A4_HEIGHT = Emu(10_692_000), Emu(7_560_000)
# Latin and East Asian faces of every run: a:latin and a:ea (and a:cs) together, so Latin text in a
# Japanese slide is set in the Japanese face's Latin glyphs instead of falling back to a system font.
FONTS = {"ja": ("游ゴシック", "游ゴシック"), "en": ("Arial", "游ゴシック")}
FACES = {"ja": "gothic", "en": "sans"}
"""Which measured faces (measure.ASCII_WIDTHS) stand for the fonts above."""
ALIGN = {"left": "l", "center": "ctr", "right": "r"}
GREY, DARK = "8A8A8A", "222222"
HEADER_FILL, BORDER, BAR = "DCE6F0", "9FB3C8", "4A6B8A"
CELL_MARGIN_MM = 1.2
GROW_LIMIT_PT = 2.0
"""How much larger than the template's size a box's type may grow to fill its column."""
READABLE_PT = 8.0
"""No slide text is set smaller than this, whatever a template's `min` says: below it a printed A4 slide
is not read. Text that does not fit at this size is reported (`text-overflow`)."""
SLACKS = {"gothic": 1.04, "sans": 1.08}
"""Slide text is measured this much wider than our metrics say, per face: LibreOffice and PowerPoint set the
same words a little wider (a table cell measured to the point for 「令和8年6月24日」 wrapped); in English slides a
middle dot or dash may be set in the East Asian face, a full em wide."""
LATIN_SCALES = {"gothic": FALLBACK_LATIN, "sans": 1.0}
"""Latin text is measured this much wider, per face: where Yu Gothic is missing, the Japanese slides' Latin letters
and digits fall back to DejaVu Sans (18,431,600円 was set 11% wider than Noto's widths say, measured); Arial's
stand-in Liberation Sans has its widths."""
RUNNING_SLACKS = {"gothic": 1.02, "sans": 1.01}
"""Running text, which the application wraps, is counted in lines this much narrower than its box, measured as
LibreOffice sets it (measure.breaks_badly: no wider Latin, autospace and hanging punctuation counted): of 150
paragraphs of the projects per language at 45-130 mm and 8-16 pt, none took more lines than counted so. The wider
SLACKS are for labels, whose explicit lines must not wrap again."""
BETTER_SHRINK_PT = 2.0
"""How much smaller than its room allows a box or table is set, at most, so that its labels stay on one line and its
running text is not broken inside a number or word (`_best_size`; never under its floor): type much smaller than the
slide's other boxes reads worse than a label broken between phrases."""
STRETCH_LIMIT = 1.6
"""Spare height a table's rows or a chart's bars take, at most, over what they need: the rest is left
before the section headers."""


@dataclass
class _CellText:
    """A table cell as its row's height is measured: its columns, weight, lines, and each line's width in em as one
    unbreakable figure (`nowrap` cells only)."""

    first: int
    span: int
    bold: bool
    lines: list[str]
    figures: list[float]
    modes: list[str]
    """How each line breaks (`_line_mode`): a label between phrases, a sentence where the application wraps it, a
    `nowrap` cell's not at all."""


@dataclass(frozen=True)
class _Paragraph:
    """A paragraph as it is measured and written: its text, bold or not, and how its lines are made (`_line_mode`)."""

    text: str
    bold: bool
    mode: str


@dataclass
class _TableContent:
    rows: list
    text: TableText
    cells: list[list[_CellText]]


@dataclass
class SlideReport:
    """What had to be shrunk, and what still does not fit (the build warns about these)."""

    shrunk: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    cut: list[str] = field(default_factory=list)
    """Lists (a box's items with `more`, a table's rows) shown in part, the slide saying how many are left off."""


def _floor(element: ET.Element) -> float:
    """The smallest size an element's type may take: its `min` (else 3 pt under its size), never under
    READABLE_PT unless the template's own size is smaller."""
    base = number(element, "base", number(element, "size", 10))
    return min(max(number(element, "min", base - 3), READABLE_PT), base)


LABELS = ("rect", "th", "td")
"""Elements whose text is a label unless the template says `label="0"`; a box's text is running text unless it says
`label="1"` (on the box or one of its paragraphs)."""
_SENTENCE_END = re.compile("[。．]")


def _line_mode(element: ET.Element, paragraph: ET.Element, text: str) -> str:
    """How a paragraph's lines are made (measure.chunks), per templates/README.md "Line breaks in slides":

    - "whole": a `nowrap` element, one line that is never broken (a key figure; its box or column is made wide enough);
    - "label": a title, header, name or table entry: set on one line where a size within the floor allows it, else
      broken between phrases;
    - "renderer": running text (and any text holding a sentence): one paragraph the application wraps itself, as it
      does (measure.breaks_badly tells where that would split a number, unit or word).
    """
    if element.get("nowrap") == "1":
        return "whole"
    marked = paragraph.get("label", element.get("label"))
    label = element.tag in LABELS if marked is None else marked == "1"
    return "label" if label and not _SENTENCE_END.search(text) else "renderer"


def _rgb(value: str) -> str:
    """A fill or line colour as python-pptx writes it (upper-case hex; a malformed one raises ValueError)."""
    return str(RGBColor.from_string(value))


def _prepare_base(presentation, _lang: str) -> None:
    """Once per process, on the reference: A4 landscape."""
    presentation.slide_width, presentation.slide_height = A4_WIDTH, A4_HEIGHT


def _set_faces(presentation, lang: str) -> None:
    """On every deck's copy of the reference: the theme's faces for text typed later."""
    set_theme_fonts(presentation, *FONTS[lang])


def _blank_layout(presentation):
    """The layout our slides are drawn on: "Blank" if the reference has it, else the one with fewest placeholders
    (the first of those that tie; placeholders are counted only among the candidates)."""
    layouts = list(presentation.slide_layouts)
    return min([layout for layout in layouts if layout.name == "Blank"] or layouts, key=lambda layout: len(layout.placeholders))


# Shapes are written as XML, exactly as python-pptx's add_shape / add_textbox / add_table / add_connector and the
# property setters we used leave them (its templates, attributes in the order it sets them, attributes equal to
# the schema default left out) and as lxml serializes them (no empty element written open, its escapes), into
# the saved slide part's text: a tenth of the time of building them through its API, a third of parsing them.
_SHAPE_STYLE = ('<p:style><a:lnRef idx="1"><a:schemeClr val="accent1"/></a:lnRef><a:fillRef idx="3"><a:schemeClr '
                'val="accent1"/></a:fillRef><a:effectRef idx="2"><a:schemeClr val="accent1"/></a:effectRef>'
                '<a:fontRef idx="minor"><a:schemeClr val="lt1"/></a:fontRef></p:style>')
_CONNECTOR_STYLE = ('<p:style><a:lnRef idx="2"><a:schemeClr val="accent1"/></a:lnRef><a:fillRef idx="0"><a:schemeClr '
                    'val="accent1"/></a:fillRef><a:effectRef idx="1"><a:schemeClr val="accent1"/></a:effectRef>'
                    '<a:fontRef idx="minor"><a:schemeClr val="tx1"/></a:fontRef></p:style>')
_TABLE_STYLE = "{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"
"""python-pptx's default table style (Medium Style 2 - Accent 1)."""
_ANCHORS = {"middle": "ctr", "bottom": "b"}
_DEFAULT_SIDE_INSET, _DEFAULT_TOP_INSET = 91440, 45720
"""a:bodyPr's default lIns/rIns and tIns/bIns: python-pptx leaves an inset out when it equals these."""
_CELL_MARGINS = (f' marL="{Mm(CELL_MARGIN_MM)}" marR="{Mm(CELL_MARGIN_MM)}" marT="{Mm(CELL_MARGIN_MM * 0.3)}"'
                 f' marB="{Mm(CELL_MARGIN_MM * 0.3)}" anchor="ctr"')
_CELL_BORDERS = "".join(f'<a:{side} w="{Pt(0.5)}"><a:solidFill><a:srgbClr val="{BORDER}"/></a:solidFill></a:{side}>'
                        for side in ("lnL", "lnR", "lnT", "lnB"))


def _xfrm(x: int, y: int, cx: int, cy: int, tag: str = "a:xfrm", flips: str = "") -> str:
    return f'<{tag}{flips}><a:off x="{x}" y="{y}"/><a:ext cx="{cx}" cy="{cy}"/></{tag}>'


def _inset(name: str, emu: int, default: int) -> str:
    return "" if emu == default else f' {name}="{ST_Coordinate32.to_xml(emu)}"'


@lru_cache(maxsize=64)  # a handful of insets, asked for by every box
def _insets(inset: float) -> str:
    """A text body's a:bodyPr inset attributes: `inset` mm at the sides, INSET_MM above and below."""
    return (f'{_inset("lIns", Mm(inset), _DEFAULT_SIDE_INSET)}{_inset("rIns", Mm(inset), _DEFAULT_SIDE_INSET)}'
            f'{_inset("tIns", Mm(INSET_MM), _DEFAULT_TOP_INSET)}{_inset("bIns", Mm(INSET_MM), _DEFAULT_TOP_INSET)}')


class SlideWriter:
    """Slides drawn on the reference deck (templates/common/reference.pptx, or the user's in --templates)."""

    def __init__(self, lang: str, metadata: Metadata, templates: str | None = None) -> None:
        from c3p_docs.documents.reference import base_document

        self.lang = lang
        self.face = FACES[lang]
        self.slack = SLACKS[self.face]
        self.latin = LATIN_SCALES[self.face]
        self.metadata = metadata
        self.presentation = base_document(".pptx", lang, templates, _prepare_base, _set_faces)
        self.report = SlideReport()
        # Layouts try many sizes and a column re-measures every child at each: what a child needs at a size
        # (and a table's layout at a size) is measured once, then reused by the column and by drawing.
        self._needs: dict[tuple[ET.Element, str, float], float] = {}
        self._table_sizes: dict[tuple[ET.Element, float, float, float], tuple[TableLayout, float, list[float]]] = {}
        self._tables: dict[ET.Element, _TableContent] = {}
        self._box_paragraphs: dict[ET.Element, list[_Paragraph]] = {}
        self._wrongs_known: dict[tuple[_Paragraph, float, float, float], tuple[str, ...]] = {}
        """What `_wrongs` found, for the sizes a column and a box try again and again."""
        self._shapes: list[str] = []
        """XML of the shapes drawn on the current slide, in order."""
        self._slide_shapes: dict[str, str] = {}
        """Per slide part (its member name), XML of its shapes: `save_pptx` writes them in."""
        self._last_id = 0
        self._properties: dict[tuple[str, float, bool, str | None], str] = {}

    def render(self, root: ET.Element) -> None:
        blank = _blank_layout(self.presentation)
        for slide_element in root.findall("slide"):
            slide = self.presentation.slides.add_slide(blank)
            tree = slide.shapes.element
            # python-pptx numbers a new shape one above the largest id in the slide (placeholders a
            # reference's layout brings included); ours follow on from there.
            self._last_id = tree.max_shape_id
            self._shapes = []
            for element in slide_element:
                if element.tag == "column":
                    for child in self._lay_out_column(element):
                        self._draw(child)
                else:
                    self._draw(element)
            if self._shapes:
                self._add_shapes(tree, slide.part.partname.membername)

    def _add_shapes(self, tree, member: str) -> None:
        """The slide's shapes, marked where python-pptx adds them in its shape tree (before any p:extLst)."""
        place_mark(tree, SHAPES_MARK, before=tree.find(qn("p:extLst")))
        self._slide_shapes[member] = "".join(self._shapes)

    def _new_id(self) -> int:
        self._last_id += 1
        return self._last_id

    def _draw(self, element: ET.Element) -> None:
        if element.tag in ("box", "rect"):
            self._box(element)
        elif element.tag == "arrow":
            self._arrow(element)
        elif element.tag == "table":
            self._table(element)
        elif element.tag == "bars":
            self._bars(element)
        else:
            raise ValueError(i18n._("unknown markup element {element}").format(element=f"<{element.tag}>"))

    # Columns ----------------------------------------------------------------------------------------------

    def _need(self, child: ET.Element, width: float) -> float:
        """Height (mm) a child needs at its current size."""
        key = (child, child.get("size", ""), width)
        need = self._needs.get(key)
        if need is None:
            if child.tag == "table":
                need = self._table_fit(child, width, None)[1]
            elif child.tag == "bars":
                need = len(child.findall("bar")) * self._bar_geometry(child, width)[2]
            else:
                paragraphs, measured, _ = self._box_measures(child, width)
                need = self._height(paragraphs, measured, number(child, "size", 10))
            self._needs[key] = need
        return need

    def _lay_out_column(self, column: ET.Element) -> list[ET.Element]:
        """Stack the column's children top to bottom, each as tall as its content.

        When there is room to spare, the type of boxes, tables and bars grows (to their `max`, else 2 pt over
        the template's size, and no box into a size that reads worse: `_faults`); tables and charts then spread
        over part of what is left, and the rest goes into the breaks before section headers, so no box ends in a
        blank band. The boxes are then set at the size within that reads best (`_settle_boxes`).
        When there is not, the largest type is set smaller first, so the column's boxes come to one common
        size before any reaches its floor; what still does not fit is squeezed out of the largest boxes
        (max-min), so the overflow lands on the field that is too long.
        """
        x, y, w, h = (number(column, k) for k in ("x", "y", "w", "h"))
        gap = number(column, "gap", 1.5)
        children = list(column)
        for child in children:
            if child.get("base") is None:
                child.set("base", child.get("size", "10"))
        fixed = [number(c, "h") if c.get("h") else None for c in children]
        growable = [c for c, f in zip(children, fixed) if f is None and c.tag in ("box", "table", "bars")]
        available = h - gap * (len(children) - 1) - sum(f for f in fixed if f is not None)

        def needs() -> list[float]:
            return [self._need(c, w) if f is None else 0.0 for c, f in zip(children, fixed)]

        while growable:
            steps = {c: (number(c, "size", 10), self._larger_size(c, w)) for c in growable}
            larger = [c for c, (_, size) in steps.items() if size is not None]
            for child in larger:
                child.set("size", f"{steps[child][1]:g}")
            if not larger or sum(needs()) > available:
                for child in larger:
                    child.set("size", f"{steps[child][0]:g}")
                break
        while sum(needs()) > available:
            shrinkable = [c for c in growable if number(c, "size", 10) - 0.5 >= _floor(c)]
            if not shrinkable:
                break
            largest = max(number(c, "size", 10) for c in shrinkable)
            for child in shrinkable:
                if number(child, "size", 10) >= largest:
                    child.set("size", f"{largest - 0.5:g}")
        self._settle_boxes([c for c in growable if c.tag == "box"], w)
        heights_needed = needs()
        if sum(heights_needed) <= available:
            heights = [f if f is not None else need for f, need in zip(fixed, heights_needed)]
            spare = available - sum(heights_needed)
            stretchy = [i for i, c in enumerate(children) if fixed[i] is None and c.tag in ("table", "bars")]
            room = sum(heights_needed[i] * (STRETCH_LIMIT - 1) for i in stretchy)
            if room > 0:
                taken = min(spare, room)
                for i in stretchy:
                    heights[i] += taken * heights_needed[i] * (STRETCH_LIMIT - 1) / room
                    children[i].set("fill", "1")
                spare -= taken
            breaks = [i for i, f in enumerate(fixed) if f is not None and i > 0] or [len(children)]
            before = {i: spare / len(breaks) for i in breaks}
        else:
            heights = column_heights(fixed, heights_needed, h, gap)
            before = {}
        top = y
        for index, (child, height) in enumerate(zip(children, heights)):
            top += before.get(index, 0.0)
            child.set("x", str(x))
            child.set("w", str(w))
            child.set("y", f"{top:.2f}")
            child.set("h", f"{height:.2f}")
            top += height + gap
        return children

    def _box_measures(self, box: ET.Element, width: float) -> tuple[list[_Paragraph], float, float]:
        """A box's paragraphs, the width (mm) they are measured in and the width (pt) the application sets them in,
        were the box `width` mm wide."""
        paragraphs = self._box_paragraphs.get(box)
        if paragraphs is None:
            paragraphs = self._box_paragraphs[box] = self._paragraphs(box, box.findall("p") or [box])
        set_width = (width - 2 * number(box, "inset", INSET_MM)) / PT_TO_MM
        return paragraphs, self._text_width(box, width), set_width

    def _settle_boxes(self, boxes: list[ET.Element], width: float) -> None:
        """Each box of a column set at the size that reads best (`_best_size`), boxes of one size together at one
        size (the column brought them to it), so their type stays alike."""
        by_size: dict[float, list[ET.Element]] = {}
        for box in boxes:
            by_size.setdefault(number(box, "size", 10), []).append(box)
        for size, group in by_size.items():
            checks = [self._faults_at(box, width) for box in group]

            def faults_at(at: float, checks: list[Callable[[float], set]] = checks) -> set:
                return {(index, fault) for index, check in enumerate(checks) for fault in check(at)}

            best = self._best_size(faults_at, size, max(max(map(_floor, group)), size - BETTER_SHRINK_PT))
            for box in group:
                box.set("size", f"{best:g}")
                box.set("settled", "1")

    def _faults_at(self, child: ET.Element, width: float) -> Callable[[float], set]:
        """What reads wrong in a column's child `width` mm wide at a size: a box's `_faults`; a table or chart's
        nothing here (a table chooses its own size when drawn: `_table_fit`)."""
        if child.tag == "box":
            paragraphs, measured, set_width = self._box_measures(child, width)
            return lambda size: self._faults(paragraphs, measured, set_width, size)
        return lambda size: set()

    def _larger_size(self, child: ET.Element, width: float) -> float | None:
        """The next size up, to the child's growth limit, at which it reads no worse (`_faults_at`: labels kept on
        one line, running text not broken inside a word where it was not), if any."""
        size, limit = number(child, "size", 10), self._grow_limit(child)
        faults_at = self._faults_at(child, width)
        faults = faults_at(size)
        larger = size + 0.5
        while larger <= limit:
            if faults_at(larger) <= faults:
                return larger
            larger += 0.5
        return None

    @staticmethod
    def _grow_limit(child: ET.Element) -> float:
        if child.get("max"):
            return number(child, "max")
        if child.get("base") is None:
            child.set("base", child.get("size", "10"))
        return number(child, "base") + GROW_LIMIT_PT

    def _text_width(self, element: ET.Element, width: float) -> float:
        """The width (mm) text is measured in: the box's, less any inset over the standard, made narrower by the slack."""
        return (width - 2 * (number(element, "inset", INSET_MM) - INSET_MM) - 2 * INSET_MM) / self.slack + 2 * INSET_MM

    # Text boxes -------------------------------------------------------------------------------------------

    def _paragraphs(self, element: ET.Element, paragraph_elements: list[ET.Element]) -> list[_Paragraph]:
        """The paragraphs of a box (or its text as one), as they are measured and written."""
        paragraphs = []
        for paragraph in paragraph_elements:
            text = self._paragraph_text(paragraph)
            paragraphs.append(_Paragraph(text, (paragraph.get("bold") or element.get("bold")) == "1",
                                         _line_mode(element, paragraph, text)))
        return paragraphs

    def _line_count(self, paragraphs: list[_Paragraph], width: float, size: float) -> int:
        """Lines the paragraphs take at `size` in a box whose text is measured `width` mm wide (`_text_width`)."""
        return sum(self._lines(p, (width - 2 * INSET_MM) / PT_TO_MM, size) for p in paragraphs)

    def _lines(self, paragraph: _Paragraph, width_pt: float, size: float) -> int:
        """Lines a paragraph takes at `size` where labels are measured `width_pt` wide (the slack taken off): running
        text as the application sets it (RUNNING_SLACKS), a label as its explicit lines are laid out."""
        if paragraph.mode == "renderer":
            set_width = width_pt * self.slack / RUNNING_SLACKS[self.face]
            return line_count(paragraph.text, set_width, size, self.face, paragraph.bold, "renderer")
        return line_count(paragraph.text, width_pt, size, self.face, paragraph.bold, paragraph.mode, self.latin)

    def _height(self, paragraphs: list[_Paragraph], width: float, size: float) -> float:
        """Height (mm) a box needs for the paragraphs at `size`."""
        return self._line_count(paragraphs, width, size) * size * LINE_HEIGHTS[self.face] * PT_TO_MM + 2 * INSET_MM + 0.5

    def _fits(self, paragraphs: list[_Paragraph], width: float, height: float, size: float) -> bool:
        lines = self._line_count(paragraphs, width, size)
        return lines * size * LINE_HEIGHTS[self.face] <= (height - 2 * INSET_MM) / PT_TO_MM

    def _box(self, element: ET.Element) -> None:
        x, y, w, h = (number(element, k) for k in ("x", "y", "w", "h"))
        shape_id = self._new_id()
        rect = element.tag == "rect"
        fill, line = self._fill_and_line(element)
        inset = number(element, "inset", INSET_MM)
        elements = element.findall("p") or [element]
        paragraphs = self._paragraphs(element, elements)
        width = self._text_width(element, w)
        if element.get("more") and len(elements) > 2 and not self._fits(paragraphs, width, h, _floor(element)):
            elements, paragraphs = self._items_that_fit(element, elements, paragraphs, width, h)
        size = self._fit(paragraphs, element, width, (w - 2 * inset) / PT_TO_MM, h)
        # Shapes take the theme's light text colour unless told otherwise; default to dark text.
        colour = element.get("color") or (DARK if rect else None)
        label_width = (width - 2 * INSET_MM) / PT_TO_MM
        body = []
        for paragraph_element, paragraph in zip(elements, paragraphs):
            placeholder = paragraph_element.find("ph") is not None and not (paragraph_element.text or "").strip()
            body.append(self._paragraph(paragraph, size, GREY if placeholder else colour,
                                        paragraph_element.get("align") or element.get("align") or "left",
                                        label_width, literals(paragraph_element)))
        # The text body as python-pptx's text frame setters leave it: no autofit, our insets and anchor; a `nowrap`
        # box does not wrap at all (its figure was measured to fit).
        wrap = "none" if element.get("nowrap") == "1" else "square"
        insets = _insets(inset)
        anchor = _ANCHORS.get(element.get("valign", ""), "t")
        geometry = _xfrm(Mm(x), Mm(y), Mm(w), Mm(h))
        if rect:
            kind, prst = ("Rounded Rectangle", "roundRect") if element.get("round") else ("Rectangle", "rect")
            name = xml_attribute(element.get("name") or f"{kind} {shape_id - 1}")
            self._shapes.append(
                f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr>'
                f'{geometry}<a:prstGeom prst="{prst}"><a:avLst/></a:prstGeom>{fill}{line}<a:effectLst/></p:spPr>'
                f'{_SHAPE_STYLE}<p:txBody><a:bodyPr rtlCol="0" anchor="{anchor}" wrap="{wrap}"{insets}/><a:lstStyle/>'
                f'{"".join(body)}</p:txBody></p:sp>')
        else:
            name = xml_attribute(element.get("name") or f"TextBox {shape_id - 1}")
            self._shapes.append(
                f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>'
                f'<p:spPr>{geometry}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>{fill}{line}</p:spPr><p:txBody>'
                f'<a:bodyPr wrap="{wrap}"{insets} anchor="{anchor}"/><a:lstStyle/>{"".join(body)}</p:txBody></p:sp>')

    def _items_that_fit(self, element: ET.Element, elements: list[ET.Element], paragraphs: list[_Paragraph],
                        width: float, height: float) -> tuple[list[ET.Element], list[_Paragraph]]:
        """A list too long for its box at the floor: the first paragraphs that fit, then one saying how many
        were left off (the template's `more`, with {n}). The first paragraph (a heading) is always kept."""
        kept = len(paragraphs)
        while kept > 1:
            kept -= 1
            more = ET.Element("p", {"align": elements[-1].get("align", "")} if elements[-1].get("align") else {})
            more.text = (element.get("more") or "…").replace("{n}", str(len(paragraphs) - kept))
            shown = [*paragraphs[:kept], *self._paragraphs(element, [more])]
            if self._fits(shown, width, height, _floor(element)):
                break
        self.report.cut.append(element.get("field") or element.get("name") or paragraphs[0].text[:30])
        return [*elements[:kept], more], shown

    @staticmethod
    def _fill_and_line(element: ET.Element) -> tuple[str, str]:
        """The shape's fill and outline (a:solidFill or a:noFill, a:ln): a rectangle has neither unless told,
        a text box no fill (python-pptx's text box) and no outline."""
        fill = element.get("fill")
        fill_xml = f'<a:solidFill><a:srgbClr val="{_rgb(fill)}"/></a:solidFill>' if fill else "<a:noFill/>"
        line = element.get("line")
        if line:
            colour = _rgb(line)
            width = Pt(number(element, "line_width", 0.75))
            weight = f' w="{ST_LineWidth.to_xml(width)}"' if width else ""
            return fill_xml, f'<a:ln{weight}><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></a:ln>'
        return fill_xml, "<a:ln><a:noFill/></a:ln>" if element.tag == "rect" else ""

    def _paragraph(self, paragraph: _Paragraph, size: float, colour: str | None, align: str, label_width: float,
                   literal: list[str] | tuple[str, ...] = ()) -> str:
        """One a:p: every script's face named, text as the reader will copy it (no invisible characters, a number
        bound to a Latin unit, `literal` parts as given). Running text is one run the application wraps. A Japanese
        label too long for one line (`label_width`, pt) is written as the lines it breaks into between phrases, with
        explicit breaks: LibreOffice and PowerPoint break Japanese wherever a line is full ("都市間連携セミ|ナー");
        a Latin label wraps at its spaces by itself."""
        properties = self._run_properties(size, paragraph.bold, colour)
        text = bind_units(visible(paragraph.text))
        for part in literal:  # literal text keeps its own spaces
            text = text.replace(bind_units(part), part)
        lines = [text] if text else []
        if paragraph.mode == "label" and any(map(is_wide, text)):
            lines = label_lines(text, label_width, size, self.face, paragraph.bold, self.latin) or lines
        runs = f"<a:br><a:rPr{properties}</a:rPr></a:br>".join(
            f"<a:r><a:rPr{properties}</a:rPr><a:t>{xml_text(line)}</a:t></a:r>" for line in lines)
        return f'<a:p><a:pPr algn="{ALIGN.get(align, "l")}"/>{runs}<a:endParaRPr{properties}</a:endParaRPr></a:p>'

    def _run_properties(self, size: float, bold: bool, colour: str | None) -> str:
        """The attributes and children of a run's a:rPr (and a paragraph's a:endParaRPr), after the tag name."""
        key = (self.lang, size, bold, colour)
        properties = self._properties.get(key)
        if properties is None:
            latin, east_asian = FONTS[self.lang]
            ja = self.lang == "ja"
            fill = f'<a:solidFill><a:srgbClr val="{xml_attribute(colour)}"/></a:solidFill>' if colour else ""
            properties = self._properties[key] = (
                f' lang="{"ja-JP" if ja else "en-GB"}" altLang="{"en-GB" if ja else "ja-JP"}" sz="{round(size * 100)}"'
                f' b="{int(bold)}" dirty="0">{fill}<a:latin typeface="{latin}"/><a:ea typeface="{east_asian}"/>'
                f'<a:cs typeface="{latin}"/>')
        return properties

    def _paragraph_text(self, element: ET.Element) -> str:
        bullet = "・" if self.lang == "ja" else "• "
        return (bullet if element.get("bullet") == "1" else "") + text_of(element)

    def _fit(self, paragraphs: list[_Paragraph], element: ET.Element, width: float, set_width: float,
             height: float) -> float:
        """The largest size from the element's down to its floor at which the text fits (warn below), then the
        size that reads best a little under it (`_best_size`, unless a column chose it). `width` is the measured
        width (`_text_width`), `set_width` the width (pt) the application sets lines in."""
        size = number(element, "size", 10)
        floor = _floor(element)
        label = element.get("field") or element.get("name") or (paragraphs[0].text[:30] if paragraphs else "")
        while size > floor and not self._fits(paragraphs, width, height, size):
            size = max(round(size - 0.5, 1), floor)
        if element.get("settled") != "1":  # a column has chosen it already
            size = self._best_size(lambda at: self._faults(paragraphs, width, set_width, at), size,
                                   max(floor, size - BETTER_SHRINK_PT))
        if not self._fits(paragraphs, width, height, size):
            self.report.overflow.append(label)
        elif size < number(element, "base", number(element, "size", 10)):
            self.report.shrunk.append(label)
        return size

    @staticmethod
    def _best_size(faults_at: Callable[[float], set], largest: float, floor: float) -> float:
        """The largest size from `largest` down to `floor` with the fewest faults (`faults_at`: `_faults`,
        `_table_faults`); a fault no size in between mends is left out of the count (its paragraph is set as large as
        the rest allows)."""
        sizes = [largest]
        while sizes[-1] > floor:
            sizes.append(max(round(sizes[-1] - 0.5, 1), floor))
        faults = [faults_at(size) for size in sizes]
        hopeless = set.intersection(*faults)
        counts = [len(found - hopeless) for found in faults]
        return sizes[counts.index(min(counts))]

    def _faults(self, paragraphs: list[_Paragraph], width: float, set_width: float, size: float) -> set[tuple]:
        """What does not read right at `size`, per paragraph (its index and `_wrongs`)."""
        label_width = (width - 2 * INSET_MM) / PT_TO_MM
        return {(index, wrong) for index, paragraph in enumerate(paragraphs)
                for wrong in self._wrongs(paragraph, label_width, set_width, size)}

    def _wrongs(self, paragraph: _Paragraph, label_width: float, set_width: float, size: float) -> tuple[str, ...]:
        """What is wrong with a paragraph at `size`: a Japanese label measured `label_width` pt wide that needs more
        than one line ("lines": explicit breaks) or has a phrase wider than a line ("word": broken inside it), text
        the application wraps in `set_width` pt that it would break badly ("word": measure.breaks_badly)."""
        key = (paragraph, label_width, set_width, size)
        known = self._wrongs_known.get(key)
        if known is None:
            known = self._wrongs_known[key] = self._find_wrongs(paragraph, label_width, set_width, size)
        return known

    def _find_wrongs(self, paragraph: _Paragraph, label_width: float, set_width: float, size: float) -> tuple[str, ...]:
        if paragraph.mode == "label" and any(map(is_wide, paragraph.text)):
            text = bind_units(visible(paragraph.text)).rstrip()
            if text_width_pt(text, size, self.face, paragraph.bold, self.latin) <= label_width:
                return ()
            if longest_chunk_pt(text, size, self.face, paragraph.bold, self.latin, "label") > label_width:
                return "lines", "word"
            return ("lines",)
        if paragraph.mode != "whole" and breaks_badly(paragraph.text, set_width, size, self.face, paragraph.bold):
            return ("word",)
        return ()

    # Tables and bars --------------------------------------------------------------------------------------

    def _table_fit(self, element: ET.Element, width_mm: float, height_mm: float | None):
        """(layout, height in mm, row heights in mm, rows) at the largest size down to the floor that fits
        `height_mm`. Columns are laid out for text wider than measured (the slack), so a cell measured to fit does."""
        table = self._table_content(element)
        size = number(element, "size", 10)
        floor = _floor(element)
        while True:
            layout, total, heights = self._table_at(element, table, width_mm, size, floor)
            if height_mm is None or total <= height_mm or size <= floor:
                break
            size = max(round(size - 0.5, 1), floor)
        if height_mm is not None:
            lowest = max(floor, size - BETTER_SHRINK_PT)
            best = self._best_size(lambda at: self._table_faults(element, width_mm, at), size, lowest)
            layout, total, heights = self._table_at(element, table, width_mm, best, floor)
        return layout, total, list(heights), table.rows

    def _table_content(self, element: ET.Element) -> _TableContent:
        table = self._tables.get(element)
        if table is None:
            rows = table_rows(element)
            table = self._tables[element] = _TableContent(rows, TableText(rows, (self.face, self.face), "label"),
                                                          [self._cells(row) for row in rows])
        return table

    def _table_faults(self, element: ET.Element, width_mm: float, size: float) -> set[tuple]:
        """What does not read right at `size`, per cell line (row, cell, line and `_wrongs`)."""
        table = self._table_content(element)
        layout = self._table_at(element, table, width_mm, size, _floor(element))[0]
        faults = set()
        for row_index, row in enumerate(table.cells):
            for cell_index, cell in enumerate(row):
                set_width = sum(layout.widths_pt[cell.first:cell.first + cell.span]) - 2 * CELL_MARGIN_MM / PT_TO_MM
                for line_index, (line, mode) in enumerate(zip(cell.lines, cell.modes)):
                    faults |= {(row_index, cell_index, line_index, wrong) for wrong in
                               self._wrongs(_Paragraph(line, cell.bold, mode), set_width / self.slack, set_width,
                                            layout.size)}
        return faults

    def _table_at(self, element: ET.Element, table: _TableContent, width_mm: float, size: float,
                  floor: float) -> tuple[TableLayout, float, list[float]]:
        """The table's layout, total height and row heights at one size (measured once per size)."""
        key = (element, width_mm, size, floor)
        known = self._table_sizes.get(key)
        if known is None:
            measured = table.text.layout(width_mm / PT_TO_MM / self.slack, size)
            layout = TableLayout([width * self.slack for width in measured.widths_pt], max(measured.size, floor))
            heights = [self._row_height(cells, layout) for cells in table.cells]
            known = self._table_sizes[key] = (layout, sum(heights), heights)
        return known

    def _cells(self, row: list[tuple]) -> list[_CellText]:
        """What a row's height is worked out from, per cell, read once for every size a table tries."""
        cells = []
        for cell, first, span in row:
            bold = cell.tag == "th" or cell.get("bold") == "1"
            lines = cell_lines(cell)
            figures = [text_width_pt(line, 1.0, self.face, bold, self.latin) for line in lines] \
                if cell.get("nowrap") == "1" else []
            cells.append(_CellText(first, span, bold, lines, figures, [_line_mode(cell, cell, line) for line in lines]))
        return cells

    def _row_height(self, row: list[_CellText], layout: TableLayout) -> float:
        tallest = 0.0
        for cell in row:
            inner = self._cell_inner(sum(layout.widths_pt[cell.first:cell.first + cell.span]))
            lines = sum(self._lines(_Paragraph(line, cell.bold, mode), inner, layout.size)
                        for line, mode in zip(cell.lines, cell.modes))
            if any(width * layout.size > inner for width in cell.figures):
                lines += 100  # a figure that would break counts as not fitting: the table is set smaller
            tallest = max(tallest, lines * layout.size * LINE_HEIGHTS[self.face] * PT_TO_MM)
        return tallest + 2 * CELL_MARGIN_MM * 0.6

    def _cell_inner(self, width_pt: float) -> float:
        """The width (pt) a cell's text is measured and broken in: the cell's, less margins, narrower by the slack."""
        return (width_pt - 2 * CELL_MARGIN_MM / PT_TO_MM) / self.slack

    def _table(self, element: ET.Element) -> None:
        """A table whose columns are as wide as their content needs and whose rows are measured. Rows that
        do not fit even at the floor are left off, a last row says how many, and the build is told."""
        x, y, w, h = (number(element, k) for k in ("x", "y", "w", "h"))
        layout, total, heights, rows = self._table_fit(element, w, h)
        columns = len(layout.widths_pt)
        if total > h + 0.5:
            (self.report.cut if element.get("more") else self.report.overflow).append(element.get("field") or "table")
            rows, heights = self._rows_that_fit(element, rows, heights, layout, h)
        elif element.get("fill") == "1" and total < h:
            heights = [height * h / total for height in heights]
        if not rows:  # no row holds text: nothing to draw (python-pptx cannot make a table of no rows)
            return
        shape_id = self._new_id()
        # Per grid cell: its a:tc attributes and, once written, [its paragraphs, what its a:tcPr holds]; a cell
        # written twice (a span of 0) gets its borders and shade twice, as through python-pptx. Cells a span
        # covers stay python-pptx's empty cell, marked hMerge.
        cells: list[list[tuple[dict[str, str], list[str]]]] = [[({}, []) for _ in range(columns)] for _ in rows]
        for row_index, row in enumerate(rows):
            for cell, first, span in row:
                attributes, content = cells[row_index][first]
                if span > 1:
                    attributes["gridSpan"] = str(span)
                    for merged, _ in cells[row_index][first + 1:first + span]:
                        merged["hMerge"] = "1"
                paragraphs, properties = self._table_cell(cell, layout.size,
                                                          sum(layout.widths_pt[first:first + span]))
                content[:] = [paragraphs, (content[1] if content else "") + properties]
        widths = [round(width * 12700) for width in layout.widths_pt]
        grid = "".join(f'<a:gridCol w="{ST_Coordinate.to_xml(width)}"/>' for width in widths)
        row_heights = [Mm(height) for height in heights]
        body = []
        for height, row_cells in zip(row_heights, cells):
            body.append(f'<a:tr h="{ST_Coordinate.to_xml(height)}">')
            for attributes, content in row_cells:
                marks = "".join(f' {name}="{value}"' for name, value in attributes.items())
                if content:
                    paragraphs, properties = content[0], f"<a:tcPr{_CELL_MARGINS}>{content[1]}</a:tcPr>"
                else:
                    paragraphs, properties = "<a:p/>", "<a:tcPr/>"
                body.append(f"<a:tc{marks}><a:txBody><a:bodyPr/><a:lstStyle/>{paragraphs}</a:txBody>{properties}</a:tc>")
            body.append("</a:tr>")
        # The frame is as wide and tall as its columns and rows (python-pptx resizes it as they are set).
        self._shapes.append(
            f'<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="{shape_id}" name="Table {shape_id - 1}"/>'
            '<p:cNvGraphicFramePr><a:graphicFrameLocks noGrp="1"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr>'
            f'{_xfrm(Mm(x), Mm(y), sum(widths), sum(row_heights), "p:xfrm")}<a:graphic><a:graphicData '
            f'uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl><a:tblPr><a:tableStyleId>{_TABLE_STYLE}'
            f'</a:tableStyleId></a:tblPr><a:tblGrid>{grid}</a:tblGrid>{"".join(body)}</a:tbl></a:graphicData></a:graphic>'
            '</p:graphicFrame>')

    def _rows_that_fit(self, element: ET.Element, rows: list, heights: list[float], layout: TableLayout,
                       height: float) -> tuple[list, list[float]]:
        """The header rows and as many rows after them as fit with a last row saying how many were left off
        (the template's `more`, with {n})."""
        columns = len(layout.widths_pt)
        headers = next((i for i, row in enumerate(rows) if any(cell.tag != "th" for cell, _, _ in row)), len(rows))
        if headers == len(rows):
            return rows, heights
        more = ET.Element("td", {"align": "center"})
        kept, last = len(rows), 0.0
        while kept > headers:
            kept -= 1
            more.text = (element.get("more") or "…").replace("{n}", str(len(rows) - kept))
            last = self._row_height(self._cells([(more, 0, columns)]), layout)
            if sum(heights[:kept]) + last <= height:
                break
        return [*rows[:kept], [(more, 0, columns)]], [*heights[:kept], last]

    def _table_cell(self, cell: ET.Element, size: float, width_pt: float) -> tuple[str, str]:
        """A cell's paragraphs, written as `_paragraph` writes a box's (a `nowrap` cell's never broken: its column was
        made wide enough), and what its a:tcPr holds (thin borders, its shade; the margins are _CELL_MARGINS)."""
        header = cell.tag == "th"
        placeholder = cell.find("ph") is not None and not (cell.text or "").strip()
        bold = header or cell.get("bold") == "1"
        paragraphs = "".join(self._paragraph(_Paragraph(line, bold, _line_mode(cell, cell, line)), size,
                                             GREY if placeholder else DARK, cell.get("align") or "left",
                                             self._cell_inner(width_pt), literals(cell))
                             for line in cell_lines(cell))
        shade = xml_attribute(cell.get("shade") or (HEADER_FILL if header else "FFFFFF"))
        return paragraphs, f'{_CELL_BORDERS}<a:solidFill><a:srgbClr val="{shade}"/></a:solidFill>'

    def _bar_geometry(self, element: ET.Element, width: float) -> tuple[float, float, float]:
        """(label width, value width, row height) in mm: labels get up to 42% of the width and wrap there;
        values are one unbreakable piece each (a figure with its unit), measured wider by the slack."""
        bars = element.findall("bar")
        size = number(element, "size", 10)
        if not bars:
            return 0.0, 0.0, 0.0
        widest_label = max(text_width_pt(visible(bar.get("label", "")), size, self.face, False, self.latin)
                           for bar in bars) * PT_TO_MM
        label_w = min(widest_label * self.slack + 2 * INSET_MM + 1, width * 0.42)
        value_w = min(max(text_width_pt(bind_units(visible(bar.get("text", ""))), size, self.face, False, self.latin)
                          for bar in bars)
                      * PT_TO_MM * self.slack + 2 * INSET_MM + 1, width * 0.4)
        lines = max(line_count(bar.get("label", ""), (label_w - 2 * INSET_MM) / PT_TO_MM / self.slack, size, self.face,
                               False, "label", self.latin) for bar in bars)
        row = number(element, "row", lines * size * LINE_HEIGHTS[self.face] * PT_TO_MM + 2 * INSET_MM + 0.8)
        return label_w, value_w, row

    def _bars(self, element: ET.Element) -> None:
        """A horizontal bar chart drawn with shapes: label, a bar as long as its value, the value in words.
        Given spare height (`fill`), the rows spread over it; the bars keep their thickness."""
        x, y, w = (number(element, k) for k in ("x", "y", "w"))
        bars = element.findall("bar")
        if not bars:
            return
        size = number(element, "size", 10)
        label_w, value_w, row = self._bar_geometry(element, w)
        thickness = row * 0.5
        if element.get("fill") == "1":
            row = max(row, number(element, "h") / len(bars))
        values = [max(number(bar, "value", 0), 0.0) for bar in bars]
        widest = max(values) or 1.0
        track = max(w - label_w - value_w - 2, 10.0)
        common = {"size": str(size), "min": str(max(size - 2, READABLE_PT)), "valign": "middle",
                  "field": element.get("field", "bars")}
        for index, (bar, value) in enumerate(zip(bars, values)):
            top = y + index * row
            label = ET.Element("box", {"x": str(x), "y": str(top), "w": str(label_w), "h": str(row), "align": "right",
                                       "label": "1", **common})
            label.text = bar.get("label", "")
            self._box(label)
            length = max(track * value / widest, 0.8)
            shape_id = self._new_id()
            geometry = _xfrm(Mm(x + label_w + 1), Mm(top + (row - thickness) / 2), Mm(length), Mm(thickness))
            colour = _rgb(bar.get("color", element.get("color", BAR)))
            self._shapes.append(
                f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="Rectangle {shape_id - 1}"/><p:cNvSpPr/><p:nvPr/>'
                f'</p:nvSpPr><p:spPr>{geometry}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr '
                f'val="{colour}"/></a:solidFill><a:ln><a:noFill/></a:ln><a:effectLst/></p:spPr>{_SHAPE_STYLE}<p:txBody>'
                '<a:bodyPr rtlCol="0" anchor="ctr"/><a:lstStyle/><a:p><a:pPr algn="ctr"/></a:p></p:txBody></p:sp>')
            figure = ET.Element("box", {"x": str(x + label_w + 1.5 + length), "y": str(top), "w": str(value_w),
                                        "h": str(row), "nowrap": "1", **common})
            figure.text = bar.get("text", "")
            self._box(figure)

    def _arrow(self, element: ET.Element) -> None:
        """A straight connector from (x1, y1) to (x2, y2) with an arrowhead at its end (python-pptx's connector:
        drawn from its top-left corner, flipped to run the other way)."""
        x1, y1, x2, y2 = (Mm(number(element, k)) for k in ("x1", "y1", "x2", "y2"))
        shape_id = self._new_id()
        flips = (' flipH="1"' if x1 > x2 else "") + (' flipV="1"' if y1 > y2 else "")
        geometry = _xfrm(min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1), flips=flips)
        colour = _rgb(element.get("color", "4A6B8A"))
        self._shapes.append(
            f'<p:cxnSp><p:nvCxnSpPr><p:cNvPr id="{shape_id}" name="Connector {shape_id - 1}"/><p:cNvCxnSpPr/><p:nvPr/>'
            f'</p:nvCxnSpPr><p:spPr>{geometry}<a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln w="{Pt(1.25)}">'
            f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill><a:tailEnd type="triangle" w="med" len="med"/>'
            f'</a:ln></p:spPr>{_CONNECTOR_STYLE}</p:cxnSp>')

    def to_bytes(self) -> bytes:
        apply_metadata(self.presentation.core_properties, self.metadata)
        return save_pptx(self.presentation, self._slide_shapes)


def render_slides(root: ET.Element, lang: str, metadata: Metadata,
                  templates: str | None = None) -> tuple[bytes, SlideReport]:
    writer = SlideWriter(lang, metadata, templates)
    writer.render(root)
    return writer.to_bytes(), writer.report
