"""Excel attachments from a table description (③ ④): header repeated on print, wrapped cells, rows boxed by group."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

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
    sheet = replace(sheet, widths=_content_widths(sheet, lang, placeholder, bullet))
    worksheet = book.sheet(sheet.name, sheet.landscape, MARGINS)
    truncated: list[str] = []
    line_height = LINE_HEIGHT[lang if lang in LINE_HEIGHT else "en"]
    row = _title_block(book, worksheet, sheet, line_height)
    header_row = row
    header = book.format(bold=True, bg_color=HEADER_FILL, border=1, text_wrap=True, align="center", valign="vcenter")
    for column, (name, width) in enumerate(zip(sheet.columns, sheet.widths)):
        worksheet.set_column(column, column, width)
        worksheet.write_string(row, column, name, header)
    # A header may take two lines in a column made for its data (Fiscal / year): its row grows with it.
    header_lines = max(_lines(name, width, FONT_SIZE, lang) for name, width in zip(sheet.columns, sheet.widths))
    worksheet.set_row(row, max(header_lines, 1) * FONT_SIZE * line_height + 2)
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
                text = _label(shown(bullet + content[offset]), sheet.widths[column], lang) \
                    if offset < len(content) else ""
                fmt = cell_format(offset == 0, offset == height - 1, False)
                if text:
                    worksheet.write_string(row + offset, column, text, fmt)
                    lines[offset] = max(lines[offset], _lines(text, sheet.widths[column], FONT_SIZE, lang))
                else:
                    worksheet.write_blank(row + offset, column, None, fmt)
            continue
        text, grey = (placeholder, True) if content is None else (_label(shown(content), sheet.widths[column], lang),
                                                                  False)
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


def _label(text: str, width_units: float, lang: str) -> str:
    """A cell's label (a year, a programme, a title, a list's short item) as the Word writer sets one: left to the
    renderer where it breaks it only between phrases, else broken there (LibreOffice broke …（1年 / 目） and …策定支 /
    援). A sentence (…。) is running text: left to the renderer."""
    from c3p_docs.documents.measure import bind_units, label_lines, renderer_keeps_whole

    text = bind_units(text)  # 6 MW on one line, as in Word and on slides
    width_pt, face = _inner_pt(width_units), "gothic" if lang == "ja" else "sans"
    if "\n" in text or text.endswith("。") or renderer_keeps_whole(text, width_pt, FONT_SIZE, face):
        return text
    lines = label_lines(text, width_pt, FONT_SIZE, face)
    return "\n".join(lines) if "".join(lines) == text else text


def _content_widths(sheet: Sheet, lang: str, placeholder: str, bullet: str) -> list[float]:
    """The columns' widths from their content within the sheet's total (so the page keeps its scale), as the Word
    writer lays out a table (`measure.table_layout`): fixed shares broke a title one character short of a line
    (…改善 / 」, …の導 / 入) beside a column with room to spare."""
    import xml.etree.ElementTree as ET

    from c3p_docs.documents.measure import LABEL_WIDTH_MARGIN, table_layout

    def cell(tag: str, content: str | list[str] | None, column: int) -> tuple:
        element = ET.Element(tag)
        lines = content if isinstance(content, list) else [placeholder if content is None else content]
        element.text = (bullet if isinstance(content, list) else "") + (lines[0] if lines else "")
        for line in lines[1:]:
            ET.SubElement(element, "br").tail = bullet + line
        return element, column, 1

    rows = [[cell("th", name, column) for column, name in enumerate(sheet.columns)]]
    rows += [[cell("td", content, column) for column, content in enumerate(group.cells)] for group in sheet.groups]
    face = "gothic" if lang == "ja" else "sans"
    available = sum(_column_pt(width) for width in sheet.widths)
    # Laid out narrower by the renderers' margin and widened back, so a label measured to fit a line is kept whole.
    layout = table_layout(rows, available / (1 + LABEL_WIDTH_MARGIN), FONT_SIZE, faces=(face, face))
    return [round(max((width * (1 + LABEL_WIDTH_MARGIN) / 0.75 - 5) / 7, 1.0), 2) for width in layout.widths_pt]


def _column_pt(width_units: float) -> float:
    """A column's width in points: Excel lays a column out 7 × units + 5 px wide."""
    return (7 * width_units + 5) * 0.75


def _lines(text: str, width_units: float, size: float, lang: str) -> int:
    """Lines a text needs in a cell `width_units` wide, measured as the Word and slide writers measure (Japanese
    breaking between characters, Latin words whole): a unit is a digit of the 10-point face, 7 px (Excel lays a
    column out 7 × units + 5 px wide), less 2 px of padding a side."""
    from c3p_docs.documents.measure import line_count

    return line_count(text, _inner_pt(width_units), size, "gothic" if lang == "ja" else "sans")


def _inner_pt(width_units: float) -> float:
    """The width (pt) a cell's text is set in: its column's less 2 px of padding a side."""
    return max(7 * width_units + 5 - 4, 7) * 0.75
