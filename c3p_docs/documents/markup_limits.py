"""Limits on what a template's markup asks for (spans, sizes, positions, counts), checked before anything is laid out.

The writers allocate by what the markup says: a `span="100000000"` is a grid of a hundred million cells, a box
`w="0"` a division by zero, five thousand slides minutes of measuring. The built-in templates stay far inside
these limits (at most ~600 elements, 7 slides, 13 columns, a box of ~1,400 characters); a template of the user's
that goes past one is a usage error naming the template and the element.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from c3p_docs.i18n import _

SLIDE_MM = (297.0, 210.0)
"""Slides are A4 landscape (documents/slides.py); a box must lie on the slide."""
EDGE_MM = 1.0
"""How far a shape may reach past the slide's edge (a hairline bleed), in mm."""
MAX_ELEMENTS = 20_000
"""Elements in one Word document or slide deck: the largest built-in one has ~600; laying out 20,000 paragraphs
already takes seconds."""
MAX_SLIDES = 100
MAX_DEPTH = 50
"""Nesting of elements; the built-in templates nest at most 7 deep, the writers recurse on it."""
MAX_BOX_TEXT = 100_000
"""Characters in one slide box or cell: an A4 slide shows ~8,000 at the smallest readable size, and text is
measured again at every size tried."""
MAX_COLUMNS = {"doc": 63, "slides": 75, "workbook": 16_384}
"""Columns of one table: Word's limit is 63, PowerPoint's 75, Excel's 16,384."""
MAX_SHEETS = 50
MAX_CELLS = 2_000_000
"""Cells of one workbook: the settlement's ledger sheet holds a year of lines (100,000 of six cells)."""
MAX_SHEET_ROWS = 1_048_576
"""Excel's limit."""
# Numeric attributes the writers read: (smallest, largest, whether the smallest itself is allowed).
RANGES: dict[str, tuple[float, float, bool]] = {
    "size": (1, 400, True), "base": (1, 400, True), "min": (1, 400, True), "max": (1, 400, True),
    "pt": (0, 1000, True), "space_before": (0, 1000, True), "space_after": (0, 1000, True),
    "indent": (-100, 200, True), "inset": (0, 50, True), "gap": (0, 210, True), "row": (0, 210, False),
    "line_width": (0, 50, True), "w": (0, 297 + EDGE_MM, False), "h": (0, 210 + EDGE_MM, False),
    "x": (-EDGE_MM, 297, True), "y": (-EDGE_MM, 210, True), "x1": (-EDGE_MM, 297 + EDGE_MM, True),
    "x2": (-EDGE_MM, 297 + EDGE_MM, True), "y1": (-EDGE_MM, 210 + EDGE_MM, True),
    "y2": (-EDGE_MM, 210 + EDGE_MM, True), "value": (-1e15, 1e15, True),
}
WIDTHS = {"doc": 1000.0, "slides": 297.0, "workbook": 255.0}
"""Largest entry of `widths="…"`: a hint in mm for Word and slides, Excel's limit of 255 characters for sheets."""
NUMERIC_CELLS = ("yen", "int", "pct")


class _Violation(Exception):
    pass


def check_limits(root: ET.Element, template_name: str) -> ET.Element:
    """`root`, once it is known to ask for no more than the writers can lay out; else markup.TemplateError (exit 2)
    naming the template and the element."""
    try:
        _check(root)
    except _Violation as violation:
        from c3p_docs.documents.markup import TemplateError

        raise TemplateError(_("template {name} (or a template it includes): {problem}").format(
            name=template_name, problem=violation)) from None
    return root


def _check(root: ET.Element) -> None:
    kind = root.tag if root.tag in MAX_COLUMNS else "doc"
    elements = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        elements += 1
        if depth > MAX_DEPTH:
            raise _Violation(_("{element} is nested {depth} elements deep; at most {limit} are allowed.").format(
                element=_describe(element), depth=depth, limit=MAX_DEPTH))
        if element.attrib:
            _check_attributes(element, kind)
        if len(element):
            stack.extend((child, depth + 1) for child in element)
    if kind == "workbook":
        _check_workbook(root, elements)
        return
    if elements > MAX_ELEMENTS:
        raise _Violation(_("the markup has {count:,} elements, over the limit of {limit:,} for one document.").format(
            count=elements, limit=MAX_ELEMENTS))
    if kind == "slides":
        slides = root.findall("slide")
        if len(slides) > MAX_SLIDES:
            raise _Violation(_("{count:,} slides, over the limit of {limit} for one deck.").format(
                count=len(slides), limit=MAX_SLIDES))
        for number, slide in enumerate(slides, 1):
            for element in slide.iter():
                if element.tag in ("box", "rect", "td", "th"):
                    length = sum(len(text) for text in element.itertext())
                    if length > MAX_BOX_TEXT:
                        raise _Violation(_("slide {number}, {element} holds {count:,} characters, over the {limit:,} a "
                                           "slide box can be given; shorten {field}.").format(
                            number=number, element=_describe(element), count=length, limit=MAX_BOX_TEXT,
                            field=element.get("field") or _("the text")))
    for table in root.iter("table"):
        _check_table(table, [row for row in table if row.tag == "tr"], MAX_COLUMNS[kind], ("td", "th"))


def _check_workbook(root: ET.Element, elements: int) -> None:
    sheets = root.findall("sheet")
    if len(sheets) > MAX_SHEETS:
        raise _Violation(_("{count} sheets, over the limit of {limit} for one workbook.").format(
            count=len(sheets), limit=MAX_SHEETS))
    cells = 0
    for sheet in sheets:
        rows = sheet.findall("row")
        if len(rows) > MAX_SHEET_ROWS:
            raise _Violation(_("{sheet} has {count:,} rows, over Excel's limit of {limit:,}.").format(
                sheet=_describe(sheet), count=len(rows), limit=MAX_SHEET_ROWS))
        header = sheet.get("header")
        if header is not None and not (header.isdigit() and int(header) < max(len(rows), 1)):
            raise _Violation(_("{sheet}: header must be the number of one of its rows (0 to {last}).").format(
                sheet=_describe(sheet), last=max(len(rows) - 1, 0)))
        _check_table(sheet, rows, MAX_COLUMNS["workbook"], ("c",))
        for row in rows:
            for cell in row:
                cells += 1
                kind = cell.get("t", "text")
                text = "".join(cell.itertext()).strip()
                if kind in NUMERIC_CELLS and text and not _is_number(text, integer=kind != "pct"):
                    raise _Violation(_("{cell} is a {kind} cell but holds {text}, not a number.").format(
                        cell=_describe(cell), kind=kind, text=repr(text[:40])))
        if cells > MAX_CELLS:
            raise _Violation(_("the workbook has more than {limit:,} cells.").format(limit=MAX_CELLS))


def _check_table(table: ET.Element, rows: list[ET.Element], max_columns: int, cell_tags: tuple[str, ...]) -> None:
    """Spans are whole numbers within the table: a column span at most the table's column limit, a row span at
    most the rows below it; the grid they make stays within the limit."""
    covered: dict[int, int] = {}  # column → rows still covered below
    for index, row in enumerate(rows):
        column = 0
        for cell in row:
            if cell.tag not in cell_tags:
                continue
            while covered and covered.get(column, 0) > 0:
                column += 1
            if "span" not in cell.attrib and "rowspan" not in cell.attrib:
                column += 1
                continue
            span = _whole(cell, "span", max_columns)
            rowspan = _whole(cell, "rowspan", len(rows) - index) if "rowspan" in cell.attrib else 1
            for offset in range(span):
                covered[column + offset] = max(covered.get(column + offset, 0), rowspan)
            column += span
        if column > max_columns:
            raise _Violation(_("{table}: row {row} reaches column {column}, over the limit of {limit} columns.").format(
                table=_describe(table), row=index + 1, column=column, limit=max_columns))
        if covered:
            covered = {c: left - 1 for c, left in covered.items() if left > 1}


def _whole(cell: ET.Element, name: str, largest: int) -> int:
    value = cell.get(name, "1").strip()
    if not value.isdigit() or len(value) > 9 or not 1 <= int(value) <= max(largest, 1):
        raise _Violation((_("{cell}: {name} must be a whole number from 1 to {largest} (the columns the table may "
                            "have).") if name == "span" else
                          _("{cell}: {name} must be a whole number from 1 to {largest} (the rows from here to the end "
                            "of the table).")).format(cell=_describe(cell), name=name, largest=max(largest, 1)))
    return int(value)


def _check_attributes(element: ET.Element, kind: str) -> None:
    for name, value in element.attrib.items():
        if name in RANGES and element.tag not in ("c",):
            low, high, inclusive = RANGES[name]
            number = _float(value)
            if number is None or not (low <= number <= high) or (number == low and not inclusive):
                raise _Violation((_("{element}: {name} must be a number from {low:g} to {high:g}.") if inclusive else
                                  _("{element}: {name} must be a number more than {low:g} and at most {high:g}.")).format(
                    element=_describe(element), name=name, low=low, high=high))
        elif name == "widths":
            parts = [part for part in value.split(",") if part.strip()]
            numbers = [_float(part) for part in parts]
            if len(parts) > MAX_COLUMNS[kind] or any(n is None or not 0 < n <= WIDTHS[kind] for n in numbers):
                raise _Violation(_("{element}: widths must be at most {count} numbers, each more than 0 and at most "
                                   "{largest:g}.").format(element=_describe(element), count=MAX_COLUMNS[kind],
                                                         largest=WIDTHS[kind]))
    if kind == "slides" and element.tag in ("box", "rect", "table", "column") and element.get("x") is not None:
        for start, size, extent in (("x", "w", SLIDE_MM[0]), ("y", "h", SLIDE_MM[1])):
            begin, length = _float(element.get(start, "0")), _float(element.get(size, "0"))
            if begin is not None and length is not None and begin + length > extent + EDGE_MM:
                raise _Violation(_("{element} reaches {end:g} mm, past the slide's edge at {edge:g} mm ({sum}).").format(
                    element=_describe(element), end=begin + length, edge=extent, sum=f"{start} + {size}"))


def _float(text: str) -> float | None:
    try:
        number = float(text)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _is_number(text: str, integer: bool) -> bool:
    if integer:
        stripped = text.removeprefix("-")
        return stripped.isdigit() and len(stripped) <= 18
    return _float(text) is not None


def _describe(element: ET.Element) -> str:
    """`<box x="10" y="10" w="0" h="20">` followed by the start of its text, to find it in the template."""
    attributes = "".join(f' {name}="{value[:20]}"' for name, value in list(element.attrib.items())[:6])
    text = " ".join("".join(element.itertext()).split())[:30]
    return f"<{element.tag}{attributes}>" + (f" ({text}…)" if text else "")
