"""Measuring text without a font file: how many lines, and whether it fits a box or a page."""

from __future__ import annotations

import unicodedata

LINE_HEIGHT = 1.22  # of the font size, as PowerPoint lays out single-spaced CJK text
INSET_MM = 1.0


def char_width_em(char: str) -> float:
    """Advance width in em: full width for East Asian wide characters, an average for proportional Latin."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char == " ":
        return 0.28
    if char.isupper() or char.isdigit():
        return 0.62
    return 0.52


def line_count(text: str, width_pt: float, size_pt: float) -> int:
    """Lines `text` needs at `size_pt` in a box `width_pt` wide: Latin wraps at spaces, Japanese anywhere."""
    total = 0
    for paragraph in text.split("\n"):
        lines, current = 1, 0.0
        token = ""
        tokens: list[str] = []
        for char in paragraph:
            if unicodedata.east_asian_width(char) in ("W", "F"):
                if token:
                    tokens.append(token)
                    token = ""
                tokens.append(char)
            elif char == " ":
                token += char
                tokens.append(token)
                token = ""
            else:
                token += char
        if token:
            tokens.append(token)
        for item in tokens:
            width = sum(char_width_em(c) for c in item) * size_pt
            if current + width > width_pt and current > 0:
                lines += 1
                current = width if item.strip() else 0.0
                while current > width_pt:  # a word longer than the line breaks anywhere
                    lines += 1
                    current -= width_pt
            else:
                current += width
        total += lines
    return total


def fits(text: str, width_mm: float, height_mm: float, size_pt: float, spacing: float = 1.0) -> bool:
    width_pt = (width_mm - 2 * INSET_MM) * 72 / 25.4
    height_pt = (height_mm - 2 * INSET_MM) * 72 / 25.4
    return line_count(text, width_pt, size_pt) * size_pt * LINE_HEIGHT * spacing <= height_pt


PT_TO_MM = 25.4 / 72
WORD_LINE = 1.15 * 1.3  # Word's 1.15 spacing over the font's ascent+descent (CJK faces run tall)


def needed_height_mm(text: str, width_mm: float, size_pt: float) -> float:
    """Height a text box needs at `size_pt` (the inverse of `fits`)."""
    width_pt = (width_mm - 2 * INSET_MM) * 72 / 25.4
    return line_count(text, width_pt, size_pt) * size_pt * LINE_HEIGHT * PT_TO_MM + 2 * INSET_MM + 0.5


def column_heights(fixed: list[float | None], needs: list[float], total: float, gap: float) -> list[float]:
    """Heights for a column of boxes: fixed ones keep theirs. When everything fits, flexible boxes get
    what they need plus a share of the rest in proportion to need; when it does not, small boxes get
    all they need first (max-min fairness) and only the largest are squeezed, so the overflow lands
    on the field that is too long."""
    free = total - gap * (len(fixed) - 1) - sum(h for h in fixed if h is not None)
    flexible = [i for i, h in enumerate(fixed) if h is None]
    heights = [h if h is not None else 0.0 for h in fixed]
    total_need = sum(needs[i] for i in flexible)
    if total_need <= free:
        scale = free / (total_need or 1.0)
        for i in flexible:
            heights[i] = needs[i] * scale
        return heights
    remaining, left = free, sorted(flexible, key=lambda i: needs[i])
    while left:
        share = remaining / len(left)
        i = left[0]
        if needs[i] <= share:
            heights[i] = needs[i]
            remaining -= needs[i]
            left.pop(0)
        else:
            for j in left:
                heights[j] = share
            break
    return heights


def estimate_height_mm(root, base_size: float, content_width_mm: float = 166.0, compact: bool = False) -> float:
    """Rough height of rendered block markup on the page, to choose a size before LibreOffice checks it."""
    from c3p_docs.documents.markup import text_of

    spacing = WORD_LINE / 1.15 if compact else WORD_LINE

    def block(text: str, size: float, width_mm: float, before: float = 0.0, after: float = 2.0) -> float:
        lines = line_count(text, width_mm / PT_TO_MM, size)
        if compact:
            before, after = min(before, 4.0), min(after, 1.0)
        return lines * size * spacing * PT_TO_MM + (before + after) * PT_TO_MM

    total = 0.0
    for element in root:
        tag = element.tag
        text = text_of(element)
        if tag == "title":
            total += block(text, float(element.get("size", 16)), content_width_mm, after=10)
        elif tag in ("h1", "h2", "h3"):
            total += block(text, {"h1": 14, "h2": 12, "h3": 11}[tag], content_width_mm, before=6, after=3)
        elif tag in ("p", "li"):
            size = float(element.get("size", base_size))
            total += block(text, size, content_width_mm - (5 if tag == "li" else 0))
        elif tag == "table":
            widths = [float(w) for w in element.get("widths", "").split(",") if w]
            size = float(element.get("size", base_size - 1))
            for row in element.findall("tr"):
                heights = []
                column = 0
                for cell in row:
                    span = int(cell.get("span", "1"))
                    width = sum(widths[column:column + span]) if widths else content_width_mm / max(len(row), 1)
                    heights.append(block(text_of(cell), size, width - 2.5, after=0) + 1.0)
                    column += span
                total += max(heights or [0])
            total += 4 * PT_TO_MM
        elif tag == "spacer":
            total += float(element.get("pt", 6)) * PT_TO_MM
    return total
