"""Excel attachments from a table description: header repeated on print, wrapped cells, A4, fixed metadata."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from c3p_docs.documents.workbook import sheet_name

# Excel's limit for one cell; longer text is cut (and reported).
CELL_LIMIT = 32767
FONTS = {"ja": "游ゴシック", "en": "Arial"}
FONT_SIZE = 10
# A line's height in font sizes: 游ゴシック has a tall line gap (Excel's default row is 18.75 pt at 11 pt).
LINE_HEIGHT = {"ja": 1.7, "en": 1.3}
MAX_ROW_HEIGHT = 409  # points: Excel's limit
HEADER_FILL = "#E8EEF4"  # as the header cells of our Word tables
PLACEHOLDER_COLOUR = "#8A8A8A"


@dataclass
class Group:
    """Rows that belong together (one fiscal year, one programme), boxed as one block of the table.

    Each column holds one text (shown in the group's first row), a list of lines (one row each, so no
    cell grows taller than a printed page), or None (the placeholder)."""

    cells: list[str | list[str] | None]


@dataclass
class Sheet:
    """One worksheet: a title block, then a table whose header repeats on every printed page."""

    name: str
    title: str
    lines: list[str]
    columns: list[str]
    widths: list[float]
    """Column widths in Excel's character units."""
    groups: list[Group]
    landscape: bool = True
    notes: list[str] = field(default_factory=list)
    """Lines under the table."""


@dataclass
class Properties:
    title: str
    author: str
    subject: str
    created: object
    """datetime: both the created and modified stamp, so a rebuild is byte-identical."""


def render_workbook(sheet: Sheet, lang: str, properties: Properties, placeholder: str,
                    bullet: str) -> tuple[bytes, list[str]]:
    """The .xlsx bytes and the texts that were too long for one cell (cut at Excel's limit)."""
    import xlsxwriter

    from c3p_docs.documents.packaging import normalise_zip

    buffer = io.BytesIO()
    font = {"font_name": FONTS.get(lang, FONTS["en"]), "font_size": FONT_SIZE}
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "default_format_properties": font,
                                            "strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
    workbook.set_properties({"title": properties.title, "author": properties.author, "subject": properties.subject,
                             "keywords": "C3P", "comments": "", "created": properties.created})
    title = workbook.add_format({**font, "bold": True, "font_size": 14})
    line = workbook.add_format({**font, "text_wrap": True, "valign": "top"})
    header = workbook.add_format({**font, "bold": True, "bg_color": HEADER_FILL, "border": 1, "text_wrap": True,
                                  "align": "center", "valign": "vcenter"})
    formats: dict[tuple, object] = {}

    def cell_format(top: bool, bottom: bool, grey: bool):
        key = (top, bottom, grey)
        if key not in formats:
            properties = {**font, "text_wrap": True, "valign": "top", "left": 1, "right": 1,
                          "top": 1 if top else 0, "bottom": 1 if bottom else 0}
            if grey:
                properties["font_color"] = PLACEHOLDER_COLOUR
            formats[key] = workbook.add_format(properties)
        return formats[key]

    worksheet = workbook.add_worksheet(sheet_name(sheet.name, set()))
    truncated: list[str] = []
    line_height = LINE_HEIGHT[lang if lang in LINE_HEIGHT else "en"]
    last = len(sheet.columns) - 1
    row = 0

    def block(text: str, fmt, size: float) -> None:
        # Merged across the table and wrapped; merged cells do not grow by themselves, so the height is set.
        worksheet.merge_range(row, 0, row, last, text, fmt)
        worksheet.set_row(row, min(_lines(text, sum(sheet.widths), size) * size * line_height + 2, MAX_ROW_HEIGHT))

    block(sheet.title, title, 14)
    row += 1
    for text in sheet.lines:
        block(text, line, 10)
        row += 1
    row += 1
    header_row = row
    for column, (name, width) in enumerate(zip(sheet.columns, sheet.widths)):
        worksheet.set_column(column, column, width)
        worksheet.write_string(row, column, name, header)
    row += 1
    for group in sheet.groups:
        height = max([len(c) for c in group.cells if isinstance(c, list)] + [1])
        for offset in range(height):
            lines = 1
            for column, content in enumerate(group.cells):
                if content is None:
                    text, grey = (placeholder if offset == 0 else ""), True
                elif isinstance(content, list):
                    text, grey = (bullet + content[offset] if offset < len(content) else ""), False
                else:
                    text, grey = (content if offset == 0 else ""), False
                if len(text) > CELL_LIMIT:
                    truncated.append(text[:40])
                    text = text[:CELL_LIMIT]
                fmt = cell_format(offset == 0, offset == height - 1, grey)
                if text:
                    worksheet.write_string(row, column, text, fmt)
                    lines = max(lines, _lines(text, sheet.widths[column], FONT_SIZE))
                else:
                    worksheet.write_blank(row, column, None, fmt)
            # Neither Excel nor LibreOffice reliably grows a row for wrapped text, so the height is set.
            worksheet.set_row(row, min(lines * FONT_SIZE * line_height + 2, MAX_ROW_HEIGHT))
            row += 1
    row += 1
    for text in sheet.notes:
        block(text, line, 10)
        row += 1
    worksheet.repeat_rows(header_row)
    worksheet.freeze_panes(header_row + 1, 0)
    worksheet.set_paper(9)  # A4
    if sheet.landscape:
        worksheet.set_landscape()
    else:
        worksheet.set_portrait()
    worksheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    worksheet.center_horizontally()
    worksheet.fit_to_pages(1, 0)
    worksheet.set_footer("&C&P / &N")
    worksheet.print_area(0, 0, row - 1, len(sheet.columns) - 1)
    workbook.close()
    return normalise_zip(buffer.getvalue()), truncated


def _lines(text: str, width_units: float, size: float) -> int:
    """Lines a text needs in a cell `width_units` wide: a unit (the width of a digit, 7 px in Excel's
    10-point faces) holds about half an em at 10 pt; one unit goes to the cell's padding."""
    import math

    from c3p_docs.documents.measure import char_width_em

    capacity = max(width_units - 1, 1) * 0.52 * 10 / size
    return sum(max(1, math.ceil(sum(char_width_em(c) for c in paragraph) / capacity))
               for paragraph in text.split("\n"))
