"""Slides from markup: A4 landscape, East Asian fonts on every run, text sized by measuring it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Mm, Pt

from c3p_docs.documents.markup import number, text_of
from c3p_docs.documents.measure import INSET_MM, column_heights, fits, needed_height_mm
from c3p_docs.documents.packaging import apply_metadata, save_pptx, set_theme_fonts
from c3p_docs.documents.word import Metadata

# A4 landscape, exact (TECH-NOTES): 297 × 210 mm.
A4_WIDTH, A4_HEIGHT = Emu(10_692_000), Emu(7_560_000)
FONTS = {"ja": ("游ゴシック", "游ゴシック"), "en": ("Arial", "游ゴシック")}
ALIGN = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}
@dataclass
class SlideReport:
    """What had to be shrunk, and what still does not fit (the build warns about these)."""

    shrunk: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)


def _set_fonts(run, lang: str) -> None:
    latin, east_asian = FONTS[lang]
    run.font.name = latin
    r_pr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        existing = r_pr.find(qn(tag))
        if existing is not None:
            r_pr.remove(existing)
    latin_element = r_pr.find(qn("a:latin"))
    ea = latin_element.makeelement(qn("a:ea"), {"typeface": east_asian})
    cs = latin_element.makeelement(qn("a:cs"), {"typeface": latin})
    latin_element.addnext(ea)
    ea.addnext(cs)
    r_pr.set("lang", "ja-JP" if lang == "ja" else "en-GB")
    r_pr.set("altLang", "en-US" if lang == "ja" else "ja-JP")


def _colour(value: str | None) -> RGBColor | None:
    return RGBColor.from_string(value) if value else None


def _prepare_base(presentation, lang: str) -> None:
    """Once per process and language, on the reference: A4 landscape, the theme's faces for text typed later."""
    presentation.slide_width, presentation.slide_height = A4_WIDTH, A4_HEIGHT
    set_theme_fonts(presentation, *FONTS[lang])


def _blank_layout(presentation):
    """The layout our slides are drawn on: "Blank" if the reference has it, else the one with fewest placeholders."""
    return min(presentation.slide_layouts, key=lambda layout: (layout.name != "Blank", len(layout.placeholders)))


class SlideWriter:
    """Slides drawn on the reference deck (templates/common/reference.pptx, or the user's in --templates)."""

    def __init__(self, lang: str, metadata: Metadata, templates: str | None = None) -> None:
        from c3p_docs.documents.reference import base_document

        self.lang = lang
        self.metadata = metadata
        self.presentation = base_document(".pptx", lang, templates, _prepare_base)
        self.report = SlideReport()

    def render(self, root: ET.Element) -> None:
        blank = _blank_layout(self.presentation)
        for slide_element in root.findall("slide"):
            slide = self.presentation.slides.add_slide(blank)
            for element in slide_element:
                if element.tag == "column":
                    for child in self._lay_out_column(element):
                        self._box(slide, child)
                elif element.tag in ("box", "rect"):
                    self._box(slide, element)
                elif element.tag == "arrow":
                    self._arrow(slide, element)
                else:
                    raise ValueError(f"unknown slide element <{element.tag}>")

    def _lay_out_column(self, column: ET.Element) -> list[ET.Element]:
        """Stack the column's children top to bottom; boxes without `h` share the height by content."""
        x, y, w, h = (number(column, k) for k in ("x", "y", "w", "h"))
        gap = float(column.get("gap", "1.5"))
        children = list(column)
        fixed = [number(c, "h") if c.get("h") else None for c in children]
        needs = [needed_height_mm("\n".join(self._paragraph_text(p) for p in (c.findall("p") or [c])),
                                  w, float(c.get("size", "10"))) if f is None else 0.0
                 for c, f in zip(children, fixed)]
        top = y
        for child, height in zip(children, column_heights(fixed, needs, h, gap)):
            child.set("x", str(x))
            child.set("w", str(w))
            child.set("y", f"{top:.2f}")
            child.set("h", f"{height:.2f}")
            top += height + gap
        return children

    def _box(self, slide, element: ET.Element) -> None:
        x, y, w, h = (number(element, k) for k in ("x", "y", "w", "h"))
        if element.tag == "rect":
            shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE if element.get("round") else MSO_SHAPE.RECTANGLE,
                                           Mm(x), Mm(y), Mm(w), Mm(h))
            shape.shadow.inherit = False
        else:
            shape = slide.shapes.add_textbox(Mm(x), Mm(y), Mm(w), Mm(h))
        fill = element.get("fill")
        if fill:
            shape.fill.solid()
            shape.fill.fore_color.rgb = _colour(fill)
        elif element.tag == "rect":
            shape.fill.background()
        line = element.get("line")
        if line:
            shape.line.color.rgb = _colour(line)
            shape.line.width = Pt(float(element.get("line_width", "0.75")))
        elif element.tag == "rect":
            shape.line.fill.background()
        if element.get("name"):
            shape.name = element.get("name")
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = None
        inset = float(element.get("inset", INSET_MM))
        for side in ("left", "right"):
            setattr(frame, f"margin_{side}", Mm(inset))
        for side in ("top", "bottom"):
            setattr(frame, f"margin_{side}", Mm(INSET_MM))
        frame.vertical_anchor = {"middle": MSO_ANCHOR.MIDDLE, "bottom": MSO_ANCHOR.BOTTOM}.get(element.get("valign", ""), MSO_ANCHOR.TOP)
        paragraphs = element.findall("p") or [element]
        texts = [self._paragraph_text(p) for p in paragraphs]
        size = self._fit("\n".join(texts), element, w - 2 * (inset - INSET_MM), h)
        # Shapes take the theme's light text colour unless told otherwise; default to dark text.
        colour = _colour(element.get("color") or ("222222" if element.tag == "rect" else None))
        for index, (paragraph_element, text) in enumerate(zip(paragraphs, texts)):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.alignment = ALIGN.get(paragraph_element.get("align") or element.get("align") or "left")
            bold = (paragraph_element.get("bold") or element.get("bold")) == "1"
            self._runs(paragraph, paragraph_element, text, size, bold, colour)

    def _paragraph_text(self, element: ET.Element) -> str:
        bullet = "・" if self.lang == "ja" else "• "
        return (bullet if element.get("bullet") == "1" else "") + text_of(element)

    def _runs(self, paragraph, element: ET.Element, text: str, size: float, bold: bool, colour) -> None:
        placeholder = element.find("ph") is not None and not (element.text or "").strip()
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        if placeholder:
            run.font.color.rgb = RGBColor(0x8A, 0x8A, 0x8A)
        elif colour is not None:
            run.font.color.rgb = colour
        _set_fonts(run, self.lang)

    def _fit(self, text: str, element: ET.Element, width: float, height: float) -> float:
        """The largest size from the template's down to its floor at which the text fits; warn below."""
        size = float(element.get("size", "10"))
        floor = float(element.get("min", str(max(6.0, size - 3))))
        label = element.get("field") or element.get("name") or text[:30]
        start = size
        while size > floor and not fits(text, width, height, size):
            size = round(size - 0.5, 1)
        if not fits(text, width, height, size):
            self.report.overflow.append(label)
        elif size < start:
            self.report.shrunk.append(label)
        return size

    def _arrow(self, slide, element: ET.Element) -> None:
        x1, y1, x2, y2 = (number(element, k) for k in ("x1", "y1", "x2", "y2"))
        connector = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Mm(x1), Mm(y1), Mm(x2), Mm(y2))
        connector.line.color.rgb = _colour(element.get("color", "4A6B8A"))
        connector.line.width = Pt(1.25)
        line = connector.line._get_or_add_ln()
        tail = line.makeelement(qn("a:tailEnd"), {"type": "triangle", "w": "med", "len": "med"})
        line.append(tail)

    def to_bytes(self) -> bytes:
        apply_metadata(self.presentation.core_properties, self.metadata)
        return save_pptx(self.presentation)


def render_slides(root: ET.Element, lang: str, metadata: Metadata,
                  templates: str | None = None) -> tuple[bytes, SlideReport]:
    writer = SlideWriter(lang, metadata, templates)
    writer.render(root)
    return writer.to_bytes(), writer.report
