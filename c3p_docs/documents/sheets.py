"""Excel attachments from a table description (③ ④): header repeated on print, wrapped cells, rows boxed by group."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from c3p_docs.documents.measure import visible
from c3p_docs.documents.workbook import FONT_SIZE, Book

# Excel's limit for one cell; longer text is cut (and reported).
CELL_LIMIT = 32767
# A line's height in font sizes: 游ゴシック has a tall line gap (Excel's default row is 18.75 pt at 11 pt).
LINE_HEIGHT = {"ja": 1.7, "en": 1.3}
MAX_ROW_HEIGHT = 409  # points: Excel's limit
HEADER_FILL = "#E8EEF4"  # as the header cells of our Word tables
PLACEHOLDER_COLOUR = "#8A8A8A"
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.6}


@dataclass
class Group:
    """Rows that belong together (one fiscal year, one programme), boxed as one block of the table.

    Each column holds one text (in a cell merged down the group's rows, so its lines do not push the rows of the
    other columns apart), a list of lines (one row each, so no cell grows taller than a printed page and lists side
    by side line up), or None (the placeholder)."""

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
    created: dt.datetime
    """Both the created and modified stamp, so a rebuild is byte-identical."""


def render_workbook(sheet: Sheet, lang: str, properties: Properties, placeholder: str,
                    bullet: str) -> tuple[bytes, list[str]]:
    """The .xlsx bytes and the texts that were too long for one cell (cut at Excel's limit)."""
    book = Book(lang, properties)
    worksheet = book.sheet(sheet.name, sheet.landscape, MARGINS)
    truncated: list[str] = []
    line_height = LINE_HEIGHT[lang if lang in LINE_HEIGHT else "en"]
    row = _title_block(book, worksheet, sheet, line_height)
    header_row = row
    header = book.format(bold=True, bg_color=HEADER_FILL, border=1, text_wrap=True, align="center", valign="vcenter")
    for column, (name, width) in enumerate(zip(sheet.columns, sheet.widths)):
        worksheet.set_column(column, column, width)
        worksheet.write_string(row, column, name, header)
    row += 1
    for group in sheet.groups:
        row = _group(book, worksheet, sheet, group, row, (placeholder, bullet, line_height, lang), truncated)
    row += 1
    for text in sheet.notes:
        _block(book, worksheet, sheet, row, text, 10, line_height)
        row += 1
    worksheet.repeat_rows(header_row)
    worksheet.freeze_panes(header_row + 1, 0)
    worksheet.center_horizontally()
    worksheet.set_footer("&C&P / &N")
    worksheet.print_area(0, 0, row - 1, len(sheet.columns) - 1)
    return book.to_bytes(), truncated


def _title_block(book: Book, worksheet, sheet: Sheet, line_height: float) -> int:
    """The title and the lines under it; returns the header's row."""
    _block(book, worksheet, sheet, 0, sheet.title, 14, line_height)
    for row, text in enumerate(sheet.lines, 1):
        _block(book, worksheet, sheet, row, text, 10, line_height)
    return len(sheet.lines) + 2


def _block(book: Book, worksheet, sheet: Sheet, row: int, text: str, size: float, line_height: float) -> None:
    """A text across the table, wrapped; merged cells do not grow by themselves, so the height is set."""
    fmt = book.format(bold=True, font_size=14) if size == 14 else book.format(text_wrap=True, valign="top")
    text = visible(text)
    worksheet.merge_range(row, 0, row, len(sheet.columns) - 1, text, fmt)
    lines = _lines(text, sum(sheet.widths), size, book.lang)
    worksheet.set_row(row, min(lines * size * line_height + 2, MAX_ROW_HEIGHT))


def _group(book: Book, worksheet, sheet: Sheet, group: Group, row: int, words: tuple[str, str, float, str],
           truncated: list[str]) -> int:
    """One group's rows, boxed as a block: lists a row per item, texts merged down the group; returns the row after."""
    placeholder, bullet, line_height, lang = words

    def shown(text: str) -> str:
        text = visible(text)
        if len(text) > CELL_LIMIT:
            truncated.append(text[:40])
            text = text[:CELL_LIMIT]
        return text

    def cell_format(top: bool, bottom: bool, grey: bool):
        return book.format(text_wrap=True, valign="top", left=1, right=1, top=1 if top else 0,
                           bottom=1 if bottom else 0, **({"font_color": PLACEHOLDER_COLOUR} if grey else {}))

    height = max([len(c) for c in group.cells if isinstance(c, list)] + [1])
    lines = [1] * height  # per row, what its list items need
    merged_need = 1  # what the texts merged down the group need
    for column, content in enumerate(group.cells):
        if isinstance(content, list):
            for offset in range(height):
                text = shown(bullet + content[offset]) if offset < len(content) else ""
                fmt = cell_format(offset == 0, offset == height - 1, False)
                if text:
                    worksheet.write_string(row + offset, column, text, fmt)
                    lines[offset] = max(lines[offset], _lines(text, sheet.widths[column], FONT_SIZE, lang))
                else:
                    worksheet.write_blank(row + offset, column, None, fmt)
            continue
        text, grey = (placeholder, True) if content is None else (shown(content), False)
        fmt = cell_format(True, True, grey)
        if height > 1:
            worksheet.merge_range(row, column, row + height - 1, column, text, fmt)
        elif text:
            worksheet.write_string(row, column, text, fmt)
        else:
            worksheet.write_blank(row, column, None, fmt)
        merged_need = max(merged_need, _lines(text, sheet.widths[column], FONT_SIZE, lang) if text else 1)
    lines[-1] += max(merged_need - sum(lines), 0)  # a long merged text gets its room in the group's last row
    # Neither Excel nor LibreOffice grows a row for wrapped or merged text reliably, so the heights are set,
    # from what each row holds.
    for offset, count in enumerate(lines):
        worksheet.set_row(row + offset, min(count * FONT_SIZE * line_height + 2, MAX_ROW_HEIGHT))
    return row + height


def _lines(text: str, width_units: float, size: float, lang: str) -> int:
    """Lines a text needs in a cell `width_units` wide, measured as the Word and slide writers measure (Japanese
    breaking between characters, Latin words whole): a unit is a digit of the 10-point face, 7 px (Excel lays a
    column out 7 × units + 5 px wide), less 2 px of padding a side."""
    from c3p_docs.documents.measure import line_count

    width_pt = max(7 * width_units + 5 - 4, 7) * 0.75
    return line_count(text, width_pt, size, "gothic" if lang == "ja" else "sans")
