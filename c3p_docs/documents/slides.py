"""Slides from markup: A4 landscape, East Asian fonts on every run, text sized by measuring it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.oxml.ns import qn
from pptx.util import Emu, Mm, Pt

from c3p_docs.documents.markup import number, table_rows, text_of
from c3p_docs.documents.measure import (
    GLUED_HYPHEN,
    INSET_MM,
    LINE_HEIGHTS,
    NARROW_NO_BREAK_SPACE,
    NO_BREAK_HYPHEN,
    NO_BREAK_SPACE,
    PT_TO_MM,
    TableLayout,
    cell_lines,
    column_heights,
    fits,
    glue,
    glue_all,
    line_count,
    needed_height_mm,
    table_layout,
    text_width_pt,
    widowed,
)
from c3p_docs.documents.packaging import apply_metadata, save_pptx, set_theme_fonts
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
SLACKS = {"gothic": 1.12, "sans": 1.08}
"""Slide text is measured this much wider than our metrics say, per face: LibreOffice and PowerPoint set the
same words a little wider (a table cell measured to the point for 「令和8年6月24日」 wrapped), and where Yu Gothic
is missing the Japanese slides' Latin letters and digits fall back to DejaVu Sans, 5-15% wider (measured); in English
slides a middle dot or dash may be set in the East Asian face, a full em wide."""
STRETCH_LIMIT = 1.6
"""Spare height a table's rows or a chart's bars take, at most, over what they need: the rest is left
before the section headers."""


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


def _colour(value: str | None) -> RGBColor | None:
    return RGBColor.from_string(value) if value else None


def _prepare_base(presentation, lang: str) -> None:
    """Once per process and language, on the reference: A4 landscape, the theme's faces for text typed later."""
    presentation.slide_width, presentation.slide_height = A4_WIDTH, A4_HEIGHT
    set_theme_fonts(presentation, *FONTS[lang])


def _blank_layout(presentation):
    """The layout our slides are drawn on: "Blank" if the reference has it, else the one with fewest placeholders."""
    return min(presentation.slide_layouts, key=lambda layout: (layout.name != "Blank", len(layout.placeholders)))


def _sub(parent, tag: str, **attributes):
    element = etree.SubElement(parent, qn(tag))
    for name, value in attributes.items():
        element.set(name, str(value))
    return element


class SlideWriter:
    """Slides drawn on the reference deck (templates/common/reference.pptx, or the user's in --templates)."""

    def __init__(self, lang: str, metadata: Metadata, templates: str | None = None) -> None:
        from c3p_docs.documents.reference import base_document

        self.lang = lang
        self.face = FACES[lang]
        self.slack = SLACKS[self.face]
        self.space = NARROW_NO_BREAK_SPACE if lang == "ja" else NO_BREAK_SPACE
        self.metadata = metadata
        self.presentation = base_document(".pptx", lang, templates, _prepare_base)
        self.report = SlideReport()
        # Layouts try many sizes and a column re-measures every child at each: what a child needs at a size
        # (and a table's layout at a size) is measured once, then reused by the column and by drawing.
        self._needs: dict[tuple[ET.Element, str, float], float] = {}
        self._table_sizes: dict[tuple[ET.Element, float, float], tuple[TableLayout, float, list[float]]] = {}
        self._table_rows: dict[ET.Element, list] = {}

    def render(self, root: ET.Element) -> None:
        blank = _blank_layout(self.presentation)
        for slide_element in root.findall("slide"):
            slide = self.presentation.slides.add_slide(blank)
            for element in slide_element:
                if element.tag == "column":
                    for child in self._lay_out_column(element):
                        self._draw(slide, child)
                else:
                    self._draw(slide, element)

    def _draw(self, slide, element: ET.Element) -> None:
        if element.tag in ("box", "rect"):
            self._box(slide, element)
        elif element.tag == "arrow":
            self._arrow(slide, element)
        elif element.tag == "table":
            self._table(slide, element)
        elif element.tag == "bars":
            self._bars(slide, element)
        else:
            raise ValueError(f"unknown slide element <{element.tag}>")

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
                need = needed_height_mm(self._box_text(child), self._text_width(child, width), number(child, "size", 10),
                                        self.face)
            self._needs[key] = need
        return need

    def _lay_out_column(self, column: ET.Element) -> list[ET.Element]:
        """Stack the column's children top to bottom, each as tall as its content.

        When there is room to spare, the type of boxes, tables and bars grows (to their `max`, else 2 pt over
        the template's size); tables and charts then spread over part of what is left, and the rest goes into
        the breaks before section headers, so no box ends in a blank band.
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
            larger = [c for c in growable if number(c, "size", 10) + 0.5 <= self._grow_limit(c)]
            for child in larger:
                child.set("size", f"{number(child, 'size', 10) + 0.5:g}")
            if not larger or sum(needs()) > available:
                for child in larger:
                    child.set("size", f"{number(child, 'size', 10) - 0.5:g}")
                break
        while sum(needs()) > available:
            shrinkable = [c for c in growable if number(c, "size", 10) - 0.5 >= _floor(c)]
            if not shrinkable:
                break
            largest = max(number(c, "size", 10) for c in shrinkable)
            for child in shrinkable:
                if number(child, "size", 10) >= largest:
                    child.set("size", f"{largest - 0.5:g}")
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

    def _box_text(self, element: ET.Element) -> str:
        return "\n".join(self._paragraph_text(p) for p in (element.findall("p") or [element]))

    def _box(self, slide, element: ET.Element) -> None:
        x, y, w, h = (number(element, k) for k in ("x", "y", "w", "h"))
        if element.tag == "rect":
            shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE if element.get("round") else MSO_SHAPE.RECTANGLE,
                                           Mm(x), Mm(y), Mm(w), Mm(h))
            shape.shadow.inherit = False
        else:
            shape = slide.shapes.add_textbox(Mm(x), Mm(y), Mm(w), Mm(h))
        self._fill_and_line(shape, element)
        if element.get("name"):
            shape.name = element.get("name")
        inset = number(element, "inset", INSET_MM)
        paragraphs = element.findall("p") or [element]
        texts = [self._paragraph_text(p) for p in paragraphs]
        width = self._text_width(element, w)
        if element.get("more") and len(paragraphs) > 2 and not fits("\n".join(texts), width, h, _floor(element),
                                                                   face=self.face):
            paragraphs, texts = self._items_that_fit(element, paragraphs, texts, width, h)
        size = self._fit("\n".join(texts), element, width, h)
        # Shapes take the theme's light text colour unless told otherwise; default to dark text.
        colour = element.get("color") or (DARK if element.tag == "rect" else None)
        body = self._text_frame(shape, inset, element.get("valign", ""))
        for paragraph_element, text in zip(paragraphs, texts):
            placeholder = paragraph_element.find("ph") is not None and not (paragraph_element.text or "").strip()
            self._paragraph(body, text, size, (paragraph_element.get("bold") or element.get("bold")) == "1",
                            GREY if placeholder else colour,
                            paragraph_element.get("align") or element.get("align") or "left", element.get("nowrap") == "1")

    def _items_that_fit(self, element: ET.Element, paragraphs: list[ET.Element], texts: list[str], width: float,
                        height: float) -> tuple[list[ET.Element], list[str]]:
        """A list too long for its box at the floor: the first paragraphs that fit, then one saying how many
        were left off (the template's `more`, with {n}). The first paragraph (a heading) is always kept."""
        kept = len(paragraphs)
        while kept > 1:
            kept -= 1
            more = ET.Element("p", {"align": paragraphs[-1].get("align", "")} if paragraphs[-1].get("align") else {})
            more.text = (element.get("more") or "…").replace("{n}", str(len(paragraphs) - kept))
            shown = [*texts[:kept], more.text]
            if fits("\n".join(shown), width, height, _floor(element), face=self.face):
                break
        self.report.cut.append(element.get("field") or element.get("name") or texts[0][:30])
        return [*paragraphs[:kept], more], shown

    def _fill_and_line(self, shape, element: ET.Element) -> None:
        fill = element.get("fill")
        if fill:
            shape.fill.solid()
            shape.fill.fore_color.rgb = _colour(fill)
        elif element.tag == "rect":
            shape.fill.background()
        line = element.get("line")
        if line:
            shape.line.color.rgb = _colour(line)
            shape.line.width = Pt(number(element, "line_width", 0.75))
        elif element.tag == "rect":
            shape.line.fill.background()

    @staticmethod
    def _text_frame(shape, inset: float, valign: str):
        """The shape's text body, emptied, with our margins and anchoring; paragraphs are added as XML."""
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = None
        frame.margin_left = frame.margin_right = Mm(inset)
        frame.margin_top = frame.margin_bottom = Mm(INSET_MM)
        frame.vertical_anchor = {"middle": MSO_ANCHOR.MIDDLE, "bottom": MSO_ANCHOR.BOTTOM}.get(valign, MSO_ANCHOR.TOP)
        body = shape.element.find(qn("p:txBody"))
        for paragraph in body.findall(qn("a:p")):
            body.remove(paragraph)
        return body

    def _paragraph(self, body, text: str, size: float, bold: bool, colour: str | None, align: str,
                   nowrap: bool = False) -> None:
        """One a:p with one run: every script's face named, numbers kept with their units (`nowrap`: the whole
        line kept in one piece, for figures and chart labels)."""
        paragraph = _sub(body, "a:p")
        _sub(paragraph, "a:pPr", algn=ALIGN.get(align, "l"))
        if text:
            run = _sub(paragraph, "a:r")
            self._run_properties(run, "a:rPr", size, bold, colour)
            # Not every face has U+2011 (a missing glyph falls back to another font): a hyphen and a joiner instead.
            glued = glue_all(text) if nowrap else glue(text, self.space)
            _sub(run, "a:t").text = glued.replace(NO_BREAK_HYPHEN, GLUED_HYPHEN)
        self._run_properties(paragraph, "a:endParaRPr", size, bold, colour)

    def _run_properties(self, parent, tag: str, size: float, bold: bool, colour: str | None) -> None:
        latin, east_asian = FONTS[self.lang]
        properties = _sub(parent, tag, lang="ja-JP" if self.lang == "ja" else "en-GB",
                          altLang="en-US" if self.lang == "ja" else "ja-JP", sz=round(size * 100), b=int(bold), dirty=0)
        if colour:
            _sub(_sub(properties, "a:solidFill"), "a:srgbClr", val=colour)
        _sub(properties, "a:latin", typeface=latin)
        _sub(properties, "a:ea", typeface=east_asian)
        _sub(properties, "a:cs", typeface=latin)

    def _paragraph_text(self, element: ET.Element) -> str:
        bullet = "・" if self.lang == "ja" else "• "
        return (bullet if element.get("bullet") == "1" else "") + text_of(element)

    def _fit(self, text: str, element: ET.Element, width: float, height: float) -> float:
        """The largest size from the element's down to its floor at which the text fits; warn below. A last
        line of one character (a title's widow) is avoided by going smaller, within the same floor."""
        size = number(element, "size", 10)
        floor = _floor(element)
        label = element.get("field") or element.get("name") or text[:30]
        if element.get("nowrap") == "1":
            text = glue_all(text)
        while size > floor and not fits(text, width, height, size, face=self.face):
            size = max(round(size - 0.5, 1), floor)
        fitting = size
        while size > floor and widowed(text, width, size, self.face):
            size = max(round(size - 0.5, 1), floor)
        if widowed(text, width, size, self.face):
            size = fitting
        if not fits(text, width, height, size, face=self.face):
            self.report.overflow.append(label)
        elif size < number(element, "base", number(element, "size", 10)):
            self.report.shrunk.append(label)
        return size

    # Tables and bars --------------------------------------------------------------------------------------

    def _table_fit(self, element: ET.Element, width_mm: float, height_mm: float | None):
        """(layout, height in mm, row heights in mm, rows) at the largest size down to the floor that fits
        `height_mm`. Columns are laid out for text wider than measured (the slack), so a cell measured to fit does."""
        rows = self._table_rows.get(element)
        if rows is None:
            rows = self._table_rows[element] = table_rows(element)
        size = number(element, "size", 10)
        floor = _floor(element)
        while True:
            layout, total, heights = self._table_at(element, rows, width_mm, size, floor)
            if height_mm is None or total <= height_mm or size <= floor:
                return layout, total, list(heights), rows
            size = max(round(size - 0.5, 1), floor)

    def _table_at(self, element: ET.Element, rows: list, width_mm: float, size: float,
                  floor: float) -> tuple[TableLayout, float, list[float]]:
        """The table's layout, total height and row heights at one size (measured once per size)."""
        key = (element, width_mm, size)
        known = self._table_sizes.get(key)
        if known is None:
            measured = table_layout(rows, width_mm / PT_TO_MM / self.slack, size, None, (self.face, self.face))
            layout = TableLayout([width * self.slack for width in measured.widths_pt], max(measured.size, floor))
            heights = [self._row_height(row, layout) for row in rows]
            known = self._table_sizes[key] = (layout, sum(heights), heights)
        return known

    def _row_height(self, row: list[tuple], layout: TableLayout) -> float:
        tallest = 0.0
        for cell, first, span in row:
            inner = (sum(layout.widths_pt[first:first + span]) - 2 * CELL_MARGIN_MM / PT_TO_MM) / self.slack
            bold = cell.tag == "th" or cell.get("bold") == "1"
            lines = sum(line_count(line, inner, layout.size, self.face, bold) for line in cell_lines(cell))
            if cell.get("nowrap") == "1" and any(text_width_pt(glue_all(line), layout.size, self.face, bold) > inner
                                                 for line in cell_lines(cell)):
                lines += 100  # a figure that would break counts as not fitting: the table is set smaller
            tallest = max(tallest, lines * layout.size * LINE_HEIGHTS[self.face] * PT_TO_MM)
        return tallest + 2 * CELL_MARGIN_MM * 0.6

    def _table(self, slide, element: ET.Element) -> None:
        """A table whose columns are as wide as their content needs and whose rows are measured. Rows that
        do not fit even at the floor are left off, a last row says how many, and the build is told."""
        x, y, w, h = (number(element, k) for k in ("x", "y", "w", "h"))
        layout, total, heights, rows = self._table_fit(element, w, h)
        columns = len(layout.widths_pt)
        if total > h + 0.5:
            (self.report.cut if element.get("more") else self.report.overflow).append(element.get("field") or "table")
            rows, heights = self._rows_that_fit(element, rows, heights, layout, h)
            total = sum(heights)
        elif element.get("fill") == "1" and total < h:
            heights = [height * h / total for height in heights]
            total = h
        frame = slide.shapes.add_table(len(rows), columns, Mm(x), Mm(y), Mm(w), Mm(total))
        table = frame.table
        table.first_row = table.horz_banding = False
        for index, width in enumerate(layout.widths_pt):
            table.columns[index].width = Emu(round(width * 12700))
        for index, height in enumerate(heights):
            table.rows[index].height = Mm(height)
        cells = [row.findall(qn("a:tc")) for row in frame.element.iter(qn("a:tr"))]
        for row_index, row in enumerate(rows):
            for cell, first, span in row:
                tc = cells[row_index][first]
                if span > 1:
                    tc.set("gridSpan", str(span))
                    for merged in cells[row_index][first + 1:first + span]:
                        merged.set("hMerge", "1")
                self._table_cell(tc, cell, layout.size)

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
            last = self._row_height([(more, 0, columns)], layout)
            if sum(heights[:kept]) + last <= height:
                break
        return [*rows[:kept], [(more, 0, columns)]], [*heights[:kept], last]

    def _table_cell(self, tc, cell: ET.Element, size: float) -> None:
        body = tc.find(qn("a:txBody"))
        for paragraph in body.findall(qn("a:p")):
            body.remove(paragraph)
        header = cell.tag == "th"
        placeholder = cell.find("ph") is not None and not (cell.text or "").strip()
        for line in cell_lines(cell):
            self._paragraph(body, line, size, header or cell.get("bold") == "1", GREY if placeholder else DARK,
                            cell.get("align") or "left", cell.get("nowrap") == "1")
        margin = str(Mm(CELL_MARGIN_MM))
        properties = tc.find(qn("a:tcPr"))
        if properties is None:
            properties = _sub(tc, "a:tcPr")
        for side in ("marL", "marR"):
            properties.set(side, margin)
        for side in ("marT", "marB"):
            properties.set(side, str(Mm(CELL_MARGIN_MM * 0.3)))
        properties.set("anchor", "ctr")
        for side in ("a:lnL", "a:lnR", "a:lnT", "a:lnB"):
            line = _sub(properties, side, w=str(Pt(0.5)))
            _sub(_sub(line, "a:solidFill"), "a:srgbClr", val=BORDER)
        _sub(_sub(properties, "a:solidFill"), "a:srgbClr", val=cell.get("shade") or (HEADER_FILL if header else "FFFFFF"))

    def _bar_geometry(self, element: ET.Element, width: float) -> tuple[float, float, float]:
        """(label width, value width, row height) in mm: labels get up to 42% of the width and wrap there;
        values are one unbreakable piece each (a figure with its unit), measured wider by the slack."""
        bars = element.findall("bar")
        size = number(element, "size", 10)
        if not bars:
            return 0.0, 0.0, 0.0
        widest_label = max(text_width_pt(glue(bar.get("label", "")), size, self.face) for bar in bars) * PT_TO_MM
        label_w = min(widest_label * self.slack + 2 * INSET_MM + 1, width * 0.42)
        value_w = min(max(text_width_pt(glue_all(bar.get("text", "")), size, self.face) for bar in bars) * PT_TO_MM
                      * self.slack + 2 * INSET_MM + 1, width * 0.4)
        lines = max(line_count(bar.get("label", ""), (label_w - 2 * INSET_MM) / PT_TO_MM / self.slack, size, self.face)
                    for bar in bars)
        row = number(element, "row", lines * size * LINE_HEIGHTS[self.face] * PT_TO_MM + 2 * INSET_MM + 0.8)
        return label_w, value_w, row

    def _bars(self, slide, element: ET.Element) -> None:
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
                                       **common})
            label.text = bar.get("label", "")
            self._box(slide, label)
            length = max(track * value / widest, 0.8)
            shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Mm(x + label_w + 1), Mm(top + (row - thickness) / 2),
                                           Mm(length), Mm(thickness))
            shape.shadow.inherit = False
            shape.fill.solid()
            shape.fill.fore_color.rgb = _colour(bar.get("color", element.get("color", BAR)))
            shape.line.fill.background()
            figure = ET.Element("box", {"x": str(x + label_w + 1.5 + length), "y": str(top), "w": str(value_w),
                                        "h": str(row), "nowrap": "1", **common})
            figure.text = bar.get("text", "")
            self._box(slide, figure)

    def _arrow(self, slide, element: ET.Element) -> None:
        x1, y1, x2, y2 = (number(element, k) for k in ("x1", "y1", "x2", "y2"))
        connector = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Mm(x1), Mm(y1), Mm(x2), Mm(y2))
        connector.line.color.rgb = _colour(element.get("color", "4A6B8A"))
        connector.line.width = Pt(1.25)
        line = connector.element.find(qn("p:spPr")).find(qn("a:ln"))
        _sub(line, "a:tailEnd", type="triangle", w="med", len="med")

    def to_bytes(self) -> bytes:
        apply_metadata(self.presentation.core_properties, self.metadata)
        return save_pptx(self.presentation)


def render_slides(root: ET.Element, lang: str, metadata: Metadata,
                  templates: str | None = None) -> tuple[bytes, SlideReport]:
    writer = SlideWriter(lang, metadata, templates)
    writer.render(root)
    return writer.to_bytes(), writer.report
