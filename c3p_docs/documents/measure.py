"""Measuring text without a font file: widths, where lines may break, and whether text fits a box or a page."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from c3p_docs.documents.font_metrics import ASCII_WIDTHS
from c3p_docs.documents.markup import number, number_list, table_rows, text_of

LINE_HEIGHTS = {"gothic": 1.45, "mincho": 1.45, "sans": 1.15, "serif": 1.15}
"""Single-spaced line height over the font size, from the faces' ascent + descent: Noto Sans/Serif CJK JP
1.448 (and Yu Gothic runs as tall), Liberation Sans/Serif (Arial, Times New Roman) 1.117-1.15."""
INSET_MM = 1.0
WORD_JOINER = "\u2060"
"""Forbids a line break on either side. LibreOffice (ICU line breaking) honours it; it does not honour
U+200D (measured: "120人\u200d日" still broke between 人 and 日), so U+2060 it is."""
NO_BREAK_HYPHEN = "\u2011"
"""In text a user wrote it stays (Word writes `w:noBreakHyphen`); our own glue does not use it: in Japanese
paragraphs LibreOffice broke right after it ("t-CO || 2eq", measured), but kept "-" + U+2060 whole."""
GLUED_HYPHEN = "-" + WORD_JOINER
NO_BREAK_SPACE = "\u00a0"
NARROW_NO_BREAK_SPACE = "\u202f"
"""Japanese documents bind a number to a Latin unit with U+202F: LibreOffice broke "（4 MW）" at a U+00A0
after a full-width bracket (measured) but kept U+202F, and a thin space is how SI sets a number and unit."""
NO_BREAK = (NO_BREAK_SPACE, NARROW_NO_BREAK_SPACE)
# Japanese characters that never start a line (kinsoku) or never end one.
_NO_LINE_START = set("、。，．・：；？！ー）」』】〕〉》”’ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜)]},.:;!?%/")
_NO_LINE_END = set("（「『【〔〈《“‘([{")


def is_wide(char: str) -> bool:
    """Full-width in East Asian typesetting: kanji, kana, full-width punctuation and forms."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def char_width_em(char: str, face: str = "gothic", bold: bool = False) -> float:
    """Advance width in em: full width for East Asian wide characters, the face's own width for ASCII.

    Faces: `mincho` and `gothic` (the Japanese faces, whose Latin glyphs Japanese documents use), `serif`
    (Times New Roman) and `sans` (Arial).
    """
    if is_wide(char):
        return 1.0
    code = ord(char)
    if 32 <= code < 127:
        return ASCII_WIDTHS[(face, bold)][code - 32] / 1000
    if char in (WORD_JOINER, "\u200b", "\u200d"):
        return 0.0
    if char == NO_BREAK_SPACE:
        return ASCII_WIDTHS[(face, bold)][0] / 1000
    if char == NARROW_NO_BREAK_SPACE:
        return 0.2
    if char == NO_BREAK_HYPHEN:
        return ASCII_WIDTHS[(face, bold)][ord("-") - 32] / 1000
    return 0.6


class _PerCharacter(dict):
    """A table filled on first sight of a character (keys are code points, for `str.translate`, or characters):
    the rules below run once per character instead of once per character of every text (issue 13)."""

    def __init__(self, rule: Callable[[str], object], by_code: bool = True) -> None:
        super().__init__()
        self.rule = rule
        self.by_code = by_code

    def __missing__(self, key):
        value = self[key] = self.rule(chr(key) if self.by_code else key)
        return value


FALLBACK_LATIN = 1.2
"""Where the Japanese faces are missing (LibreOffice on Linux and in CI), Latin text is set in DejaVu Sans,
about a fifth wider than Yu Mincho's Latin (digits 0.636 em against 0.557, bold 0.696 against 0.593):
column minimums allow for it, or 18,086,200円 breaks before its 円."""
AUTOSPACE_EM = 0.25
"""Word (autoSpaceDE/DN, on by default) and LibreOffice put about a quarter em between Japanese characters
and Latin letters or digits next to them: 令和 8 年 6 月 15 日 is wider than its characters."""


def text_width_pt(text: str, size_pt: float, face: str = "gothic", bold: bool = False,
                  latin_scale: float = 1.0) -> float:
    return _text_width_em(text, face, bold, latin_scale) * size_pt


_WIDTHS: dict[tuple[str, bool, float], _PerCharacter] = {}


def _widths(face: str, bold: bool, latin_scale: float) -> _PerCharacter:
    """A new table of advance widths in em for one face, Latin scaled by `latin_scale`."""
    table = _WIDTHS[(face, bold, latin_scale)] = _PerCharacter(
        lambda c: char_width_em(c, face, bold) * (latin_scale if c.isascii() else 1.0), by_code=False)
    return table


# Autospacing: wide letters "L", ASCII letters and digits "A"; word joiners take no part (deleted).
_AUTOSPACE_CLASSES = _PerCharacter(lambda c: None if c == WORD_JOINER else
                                   "L" if is_wide(c) and unicodedata.category(c)[0] == "L" else
                                   "A" if c.isascii() and c.isalnum() else ".")


@lru_cache(maxsize=16384)  # the same pieces are measured at every size a layout tries (issue 13)
def _text_width_em(text: str, face: str, bold: bool, latin_scale: float) -> float:
    widths = _WIDTHS.get((face, bold, latin_scale)) or _widths(face, bold, latin_scale)
    width = sum(map(widths.__getitem__, text))
    classes = text.translate(_AUTOSPACE_CLASSES)
    width += AUTOSPACE_EM * (classes.count("LA") + classes.count("AL"))
    return width


# A space between a number and its unit: the unit has a digit or a slash (t-CO2eq/yr), is Japanese, or is a
# short symbol (MW, kW, JPY, t, yr).
_QUANTITY_SPACE = re.compile(r"(?<=\d) (?=(?:[^\s\d]*[\d/]|[^\x00-\x7f]|(?:[A-Z][A-Za-z]{0,2}|k[A-Za-z]|t|yr|kg|km|m|%)\b))")
_CURRENCY_SPACE = re.compile(r"(?<=\b[A-Z]{3}) (?=\d)")
_NUMERIC_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,]*(?:-[A-Za-z0-9.,]+)+")


def _glue_class(char: str) -> str:
    """I: an ideograph, the letters a Japanese unit is written in (円, 人日, 年度, トン: kanji and katakana, not
    kana particles); d: an ASCII digit, D: another digit, a: an ASCII letter; N: a no-break space; M: ・;
    J: a word joiner; x: the rest."""
    if char in " /\u2060・" or char in NO_BREAK:
        return {" ": " ", "/": "/", WORD_JOINER: "J", "・": "M"}.get(char, "N")
    if is_wide(char) and unicodedata.category(char) == "Lo" and not "\u3040" <= char <= "\u309f":
        return "I"
    if char.isdigit():
        return "d" if char.isascii() else "D"
    return "a" if char.isascii() and char.isalnum() else "x"


_GLUE_CLASSES = _PerCharacter(_glue_class)
# Where `glue` puts a joiner: after each match (a pattern matches the character before the point). Every joiner
# sits next to a digit, a no-break space, a slash or a middle dot (_GLUE_NEAR), so text without one is left alone.
_GLUE_POINTS = re.compile(
    # A number and the Japanese unit after it (120|人日, 8|年|度, 150|万|円), where a break would separate them;
    # a second unit character only when the word ends there, so 第1回|現地 may break.
    r"[dDN](?=I)|(?<=[dD])I(?=I(?!I))"
    # Inside a word of two or more letters and between it and the number after it (令|和|10年): an era is read
    # whole. A single letter before a number (第1回, 年4月) keeps its break.
    r"|(?<=I)I(?=[dD])|I(?=I[dD])"
    # After a slash or middle dot inside a unit written with Latin letters (t-CO2eq/年, 円/t-CO2eq・年).
    r"|(?<=[ad])[/M](?=[^ J])|[/M](?=[ad])|[ad](?=M)|[^ J](?=M[ad])")
_GLUE_NEAR = re.compile(r"[dDN/M]")


@lru_cache(maxsize=8192)  # pure, and asked again for each size a layout tries (issue 13: half the slide time)
def glue(text: str, space: str = NO_BREAK_SPACE) -> str:
    """Bind what must not break across lines: a number to its unit (120人日, 3,200 t-CO2eq/年, JPY 1,000)
    and to the word before it (an era: 令和10年),
    units written with / or ・ (円/t-CO2eq・年), and hyphenated codes with digits (t-CO2eq, 093-000-1234).

    Ordinary words keep their break opportunities: spaces, between Japanese characters, after a hyphen.
    `space` is the no-break space to bind with (NARROW_NO_BREAK_SPACE in Japanese documents).
    """
    if " " in text:
        text = _CURRENCY_SPACE.sub(space, _QUANTITY_SPACE.sub(space, text))
    if "-" in text:
        text = _NUMERIC_TOKEN.sub(lambda m: m.group(0).replace("-", GLUED_HYPHEN)
                                  if any(c.isdigit() for c in m.group(0)) else m.group(0), text)
    classes = text.translate(_GLUE_CLASSES)
    return WORD_JOINER.join(_split(text, _GLUE_POINTS.finditer(classes))) if _GLUE_NEAR.search(classes) else text


def _split(text: str, points: Iterator[re.Match[str]]) -> list[str]:
    """`text` cut after each of `points`, matches of one character in its class string."""
    pieces, start = [], 0
    for point in points:
        end = point.end()
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


@lru_cache(maxsize=4096)  # pure; table layouts ask again at every size they try
def glue_all(text: str) -> str:
    """`text` as one unbreakable piece per line of it: a joiner wherever a line could otherwise break."""
    glued = WORD_JOINER.join(_split(text, _UNBREAKABLE_POINTS.finditer(text.translate(_BREAK_CLASSES))))
    return glued.replace(" ", NO_BREAK_SPACE).replace("-", GLUED_HYPHEN)


HEADER_WORD_EM = 8.0
"""A header's word or bracketed unit up to this many em (法定耐用年数, 消費税及び地方消費税, （t-CO2eq/年）) is never
broken; a longer phrase wraps as prose does."""
_HEADER_WORDS = re.compile(r"[（(][^）)]*[）)]|[^\s（(]+|\s+")
_HEADER_EM = _PerCharacter(lambda c: 1.0 if is_wide(c) else 0.55, by_code=False)


@lru_cache(maxsize=4096)  # pure; table layouts ask again at every size they try
def glue_words(text: str, space: str = NO_BREAK_SPACE) -> str:
    """A header as a few unbreakable words: lines may break only at spaces and before an opening bracket
    (削減量 |（t-CO2eq/年）), so 「法定耐用年 / 数」 and 「（想 / 定）」 cannot happen."""
    out = []
    for word in _HEADER_WORDS.findall(text):
        em = sum(map(_HEADER_EM.__getitem__, word))
        out.append(glue_all(word) if not word.isspace() and em <= HEADER_WORD_EM else glue(word, space))
    return "".join(out)


def word_lines(text: str, width_pt: float, size_pt: float, face: str = "gothic", bold: bool = False) -> list[str]:
    """`text` filled into lines of `width_pt` a whole word at a time (words as in `glue_words`), measured with
    the wider fallback Latin. For explicit line breaks: LibreOffice ignores word joiners between Japanese
    characters in a Japanese paragraph (it broke 「（想⁠定）」 between 想 and 定, measured), so a header or
    title that must break between words is given its breaks."""
    lines: list[str] = []
    current = ""
    for word in _HEADER_WORDS.findall(text.strip()):
        trial = current + word
        if current.strip() and text_width_pt(trial.rstrip(), size_pt, face, bold, FALLBACK_LATIN) > width_pt:
            lines.append(current.rstrip())
            current = word.lstrip()
        else:
            current = trial
    return [*lines, current.rstrip()] if current.strip() else lines


_TITLE_BREAK = re.compile(r"(?=[（(])|(?:(?<=における)|(?<=による)|(?<=に関する)|(?<=の))(?![\u3040-\u309f）)、。])")
"""Where a Japanese title reads well broken: before an opening bracket, after a particle that ends a phrase
(の, における, による, に関する) unless more kana follow (実現の|ための would split a word)."""


def title_lines(text: str, width_pt: float, size_pt: float, face: str = "gothic", bold: bool = True) -> list[str]:
    """A title line that does not fit split at the phrase boundary that balances the halves best (then the
    longer half again), so no line breaks inside a word; a line with no such boundary is left as it is."""
    measure = lambda part: text_width_pt(glue(part), size_pt, face, bold, FALLBACK_LATIN)  # noqa: E731
    if measure(text) <= width_pt:
        return [text]
    cuts = [m.start() for m in _TITLE_BREAK.finditer(text) if 0 < m.start() < len(text)]
    if not cuts:
        return [text]
    cut = min(cuts, key=lambda at: max(measure(text[:at]), measure(text[at:])))
    return [*title_lines(text[:cut], width_pt, size_pt, face, bold), *title_lines(text[cut:], width_pt, size_pt, face, bold)]


def _break_class(char: str) -> str:
    """J: a word joiner, N: a no-break space; s/S: never starts a line, e/E: never ends one (upper case: wide);
    W: another wide character, a: another letter, o: the rest."""
    if char in (" ", "/"):
        return char
    if char == WORD_JOINER:
        return "J"
    if char in NO_BREAK:
        return "N"
    wide = is_wide(char)
    if char in _NO_LINE_START:
        return "S" if wide else "s"
    if char in _NO_LINE_END:
        return "E" if wide else "e"
    return "W" if wide else "a" if char.isalpha() else "o"


_BREAK_CLASSES = _PerCharacter(_break_class)
# Where a line may break: after each match (a pattern matches the character before the point).
_BREAK_POINTS = (
    # After a space, except before a word joiner, another space or a no-break space.
    r" (?=[^J N])"
    # Next to a wide character, kinsoku respected.
    r"|[SW](?=[eEWao])|[sao](?=[EW])"
    # After a slash: before a wide character, or a letter (LibreOffice did not break "once-through" at its
    # hyphen, it broke inside the word instead, so a hyphenated word is measured whole).
    r"|/(?=[EWa])")
_MAY_BREAK = re.compile(_BREAK_POINTS)
_UNBREAKABLE_POINTS = re.compile(_BREAK_POINTS + r"|.(?= )")


def chunks(text: str) -> list[str]:
    """Split text where a line may break: after spaces and hyphens, between Japanese characters and at
    Latin–Japanese boundaries (kinsoku respected), never at a word joiner, no-break space or no-break hyphen."""
    return list(_chunks(text))


@lru_cache(maxsize=8192)  # pure, and asked again at every size a layout tries (issue 13)
def _chunks(text: str) -> tuple[str, ...]:
    return tuple(_split(text, _MAY_BREAK.finditer(text.translate(_BREAK_CLASSES)))) if text else ()


def longest_chunk_pt(text: str, size_pt: float, face: str = "gothic", bold: bool = False,
                     latin_scale: float = 1.0) -> float:
    """Width of the widest piece of `text` that cannot be broken across lines."""
    return max([visible * size_pt for _, _, visible in _measured(text, face, bold, latin_scale)], default=0.0)


@lru_cache(maxsize=8192)  # layouts try a text at several sizes: its pieces are measured once, in em (issue 13)
def _measured(text: str, face: str, bold: bool, latin_scale: float) -> tuple[tuple[str, float, float], ...]:
    """The pieces of `text` (`chunks`) with their widths in em, whole and without trailing spaces."""
    pieces = []
    for piece in _chunks(text):
        width = _text_width_em(piece, face, bold, latin_scale)
        visible = piece.rstrip(" ")
        pieces.append((piece, width, width if visible == piece else _text_width_em(visible, face, bold, latin_scale)))
    return tuple(pieces)


def wrap_lines(text: str, width_pt: float, size_pt: float, face: str = "gothic", bold: bool = False) -> list[str]:
    """The lines `text` breaks into at `size_pt` in a box `width_pt` wide, breaking where `chunks` allows
    (a piece wider than the line is broken anywhere, as the renderers do)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current, used = "", 0.0
        for piece, width_em, visible_em in _measured(glue(paragraph), face, bold, 1.0):
            width, visible = width_em * size_pt, visible_em * size_pt
            if used + visible > width_pt and used > 0:
                lines.append(current)
                current, used = "", 0.0
            while visible > width_pt and len(piece) > 1:
                cut = max(1, int(len(piece) * width_pt / visible))
                lines.append(piece[:cut])
                piece = piece[cut:]
                width = visible = text_width_pt(piece, size_pt, face, bold)
            current += piece
            used += width
        lines.append(current)
    return lines


@lru_cache(maxsize=8192)  # pure; layouts re-measure the same text at the same sizes
def line_count(text: str, width_pt: float, size_pt: float, face: str = "gothic", bold: bool = False) -> int:
    """Lines `text` needs at `size_pt` in a box `width_pt` wide: as many as `wrap_lines` gives, counted without
    building the lines (layouts count lines of the same texts at many sizes and widths; issue 13)."""
    count = 0
    # Below this, every paragraph's reach is surely on one line: `wrap_lines` sums the same widths in pt, and its
    # rounding differs from ours by far less than a billionth.
    one_line = width_pt * (1 - 1e-9)
    for paragraph in text.split("\n"):
        pieces, reach = _paragraph_pieces(paragraph, face, bold)
        if reach * size_pt < one_line:
            count += 1
            continue
        lines, used = 1, 0.0
        for piece, width_em, visible_em in pieces:  # wrap_lines' loop, same arithmetic, counting only
            visible = visible_em * size_pt
            if used + visible > width_pt and used > 0:
                lines += 1
                used = 0.0
            if visible > width_pt and len(piece) > 1:  # a piece wider than the line: broken as wrap_lines does
                lines = len(wrap_lines(paragraph, width_pt, size_pt, face, bold))
                break
            used += width_em * size_pt
        count += lines
    return count


@lru_cache(maxsize=8192)
def _paragraph_pieces(paragraph: str, face: str, bold: bool) -> tuple[tuple[tuple[str, float, float], ...], float]:
    """A paragraph's pieces as `wrap_lines` measures them (in em), and its reach: the furthest any piece's visible
    end lies from the line's start when nothing breaks."""
    pieces = _measured(glue(paragraph), face, bold, 1.0)
    reach = used = 0.0
    for _, width, visible in pieces:
        reach = max(reach, used + visible)
        used += width
    return pieces, reach


def fits(text: str, width_mm: float, height_mm: float, size_pt: float, spacing: float = 1.0,
         face: str = "gothic") -> bool:
    width_pt = (width_mm - 2 * INSET_MM) / PT_TO_MM
    height_pt = (height_mm - 2 * INSET_MM) / PT_TO_MM
    return line_count(text, width_pt, size_pt, face) * size_pt * LINE_HEIGHTS[face] * spacing <= height_pt


def widowed(text: str, width_mm: float, size_pt: float, face: str = "gothic") -> bool:
    """Whether the last line of wrapped text holds a single character or a lone short word."""
    if line_count(text, (width_mm - 2 * INSET_MM) / PT_TO_MM, size_pt, face) == 1:  # counted already, by `fits`
        return False
    lines = wrap_lines(text, (width_mm - 2 * INSET_MM) / PT_TO_MM, size_pt, face)
    last = lines[-1].replace(WORD_JOINER, "").strip() if len(lines) > 1 else ""
    return 0 < len(last) <= 1 or (0 < len(last) <= 3 and last.isascii() and " " not in last)


PT_TO_MM = 25.4 / 72
WORD_LINE = 1.15 * 1.3  # Word's 1.15 spacing over the font's ascent+descent (CJK faces run tall)


def needed_height_mm(text: str, width_mm: float, size_pt: float, face: str = "gothic") -> float:
    """Height a text box needs at `size_pt` (the inverse of `fits`)."""
    width_pt = (width_mm - 2 * INSET_MM) / PT_TO_MM
    return line_count(text, width_pt, size_pt, face) * size_pt * LINE_HEIGHTS[face] * PT_TO_MM + 2 * INSET_MM + 0.5


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


CELL_PADDING_PT = 4.0
"""Left and right cell margin the Word writer sets on every table (tblCellMar), each side."""
MIN_TABLE_SIZE = 7.0


@dataclass(frozen=True)
class TableLayout:
    """Column widths (pt) and the font size a table is set in."""

    widths_pt: list[float]
    size: float


def cell_lines(cell) -> list[str]:
    """A cell's text as the lines it holds before wrapping: one per block (<p>, <li>) or <br/>."""
    if not len(cell):  # most cells: plain text
        return [("・" if cell.tag == "li" else "") + " ".join((cell.text or "").split())]
    blocks = [child for child in cell if child.tag in ("p", "li")] or [cell]
    lines: list[str] = []
    for block in blocks:
        current = [block.text or ""]
        for child in block:
            if child.tag == "br":
                lines.append(" ".join("".join(current).split()))
                current = []
            else:
                current.append("".join(child.itertext()))
            current.append(child.tail or "")
        lines.append(("・" if block.tag == "li" else "") + " ".join("".join(current).split()))
    return lines


def table_layout(rows: list[list[tuple]], available_pt: float, size: float, hints: list[float] | None = None,
                 faces: tuple[str, str] = ("mincho", "gothic")) -> TableLayout:
    """Widths from content: every column gets room for its longest unbreakable piece (a number with its unit,
    a Latin word, a file name) and short labels stay on one line; the rest of the width goes where text is
    long. If even the unbreakable pieces do not fit, the type is set up to 1.5 pt smaller first.

    `rows` holds `(cell, first_column, span)` per cell; `hints` (the template's `widths`) are preferred
    proportions, widened where a column's content needs it; `faces` are those of data and header cells.
    """
    return TableText(rows, faces).layout(available_pt, size, hints)


class TableText:
    """A table's cells read and measured in em once, for `table_layout`s at many sizes and widths (a slide tries
    every half point; issue 13)."""

    def __init__(self, rows: list[list[tuple]], faces: tuple[str, str] = ("mincho", "gothic")) -> None:
        self.columns = max((first + span for row in rows for _, first, span in row), default=1)
        self.cells = _cell_texts(rows, faces)
        self._needs: dict[float, tuple[list[float], list[float]]] = {}

    def layout(self, available_pt: float, size: float, hints: list[float] | None = None) -> TableLayout:
        """`table_layout` of the rows this was made from."""
        for attempt in (0.0, 0.5, 1.0, 1.5):
            trial = max(size - attempt, MIN_TABLE_SIZE)
            least, most = self.needs(trial)
            if sum(least) <= available_pt or trial == MIN_TABLE_SIZE:
                break
        if sum(least) >= available_pt:
            return TableLayout([available_pt * n / sum(least) for n in least], trial)
        if hints and len(hints) == self.columns:
            widths = [available_pt * h / sum(hints) for h in hints]
            short = sum(max(n - w, 0.0) for n, w in zip(least, widths))
            spare = sum(max(w - n, 0.0) for n, w in zip(least, widths))
            widths = [n if w <= n else w - short * (w - n) / spare for n, w in zip(least, widths)]
            return TableLayout(widths, trial)
        widths = list(least)
        free = available_pt - sum(least)
        wanting = sorted(range(self.columns), key=lambda i: most[i] - least[i])
        while wanting and free > 0.01:
            share = free / len(wanting)
            column = wanting[0]
            need = most[column] - widths[column]
            if need <= share:
                widths[column] = most[column]
                free -= need
                wanting.pop(0)
            else:
                for column in wanting:
                    widths[column] += share
                free = 0.0
        if free > 0.01:
            total = sum(widths)
            widths = [w + free * w / total for w in widths]
        return TableLayout(widths, trial)

    def needs(self, size: float) -> tuple[list[float], list[float]]:
        """`_column_needs` at `size` (not to be changed: later layouts share them)."""
        known = self._needs.get(size)
        if known is None:
            known = self._needs[size] = _column_needs(self.cells, self.columns, size)
        return known


def _cell_texts(rows: list[list[tuple]], faces: tuple[str, str]) -> list[tuple[int, float | None, list[tuple]]]:
    """Per cell spanning one column: the column, the cell's own size (None: the table's), and per line, glued as it
    will be set, its width, its widest unbreakable piece's and all its pieces' in em (worked out once for all the
    sizes a layout tries)."""
    cells = []
    for row in rows:
        for cell, first, span in row:
            if span != 1:
                continue
            own_size = None if cell.get("size") is None else number(cell, "size")
            bold = cell.tag == "th" or cell.get("bold") == "1"
            face = faces[1] if cell.tag == "th" else faces[0]
            glue_line = glue_all if cell.get("nowrap") == "1" else glue_words if cell.tag == "th" else glue
            lines = []
            for line in cell_lines(cell):
                glued = glue_line(line)
                pieces = [visible for _, _, visible in _measured(glued, face, bold, FALLBACK_LATIN)]
                lines.append((_text_width_em(glued, face, bold, FALLBACK_LATIN), max(pieces, default=0.0), pieces))
            cells.append((first, own_size, lines))
    return cells


def _column_needs(cells: list[tuple[int, float | None, list[tuple]]], columns: int,
                  size: float) -> tuple[list[float], list[float]]:
    """Per column: the width its widest unbreakable piece needs, and the width its longest line needs."""
    least = [2 * CELL_PADDING_PT + size] * columns
    most = list(least)
    for first, own_size, lines in cells:
        cell_size = size if own_size is None else own_size
        for full_em, longest_em, pieces_em in lines:
            full = full_em * cell_size  # as text_width_pt and longest_chunk_pt measure
            # Rounding keeps order when multiplying by a positive finite size: the widest piece in em is the widest.
            longest = (longest_em * cell_size if 0 < cell_size < math.inf
                       else max([em * cell_size for em in pieces_em], default=0.0))
            # Labels of a few characters stay whole: a break inside a four-character word reads as a mistake.
            piece = max(longest, min(full, 4.2 * cell_size))
            least[first] = max(least[first], piece + 2 * CELL_PADDING_PT + 1.0)
            most[first] = max(most[first], full + 2 * CELL_PADDING_PT + 1.0)
    return least, most


def estimate_height_mm(root, base_size: float, content_width_mm: float = 166.0, compact: bool = False) -> float:
    """Rough height of rendered block markup on the page, to choose a size before LibreOffice checks it."""

    spacing = WORD_LINE / 1.15 if compact else WORD_LINE

    def block(text: str, size: float, width_mm: float, before: float = 0.0, after: float = 2.0) -> float:
        lines = line_count(text, width_mm / PT_TO_MM, size, "mincho")
        if compact:
            before, after = min(before, 4.0), min(after, 1.0)
        return lines * size * spacing * PT_TO_MM + (before + after) * PT_TO_MM

    total = 0.0
    for element in root:
        tag = element.tag
        text = text_of(element)
        if tag == "title":
            total += block(text, number(element, "size", 16), content_width_mm, after=10)
        elif tag in ("h1", "h2", "h3"):
            total += block(text, {"h1": 14, "h2": 12, "h3": 11}[tag], content_width_mm, before=6, after=3)
        elif tag in ("p", "li"):
            size = number(element, "size", base_size)
            total += block(text, size, content_width_mm - (5 if tag == "li" else 0))
        elif tag == "table":

            rows = table_rows(element)
            hints = number_list(element, "widths")
            layout = table_layout(rows, content_width_mm / PT_TO_MM, number(element, "size", base_size - 1), hints)
            for row in rows:
                heights = [block("\n".join(cell_lines(cell)), layout.size,
                                 sum(layout.widths_pt[first:first + span]) * PT_TO_MM - 2 * CELL_PADDING_PT * PT_TO_MM,
                                 after=0) + 1.0
                           for cell, first, span in row]
                total += max(heights or [0])
            total += 4 * PT_TO_MM
        elif tag == "spacer":
            total += number(element, "pt", 6) * PT_TO_MM
    return total
