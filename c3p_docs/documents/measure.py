"""Measuring text without a font file: widths, where lines may break, and whether text fits a box or a page."""

from __future__ import annotations

import bisect
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from c3p_docs.documents.font_metrics import ASCII_WIDTHS
from c3p_docs.documents.markup import number, number_list, table_rows, text_of

LINE_HEIGHTS = {"gothic": 1.45, "mincho": 1.45, "sans": 1.15, "serif": 1.15}
"""Single-spaced line height over the font size, from the faces' ascent + descent: Noto Sans/Serif CJK JP
1.448 (and Yu Gothic runs as tall), Liberation Sans/Serif (Arial, Times New Roman) 1.117-1.15."""
INSET_MM = 1.0
NO_BREAK_SPACE = "\u00a0"
"""The one character documents add to text: it binds a number to a Latin unit (6,800 t-CO2eq, JPY 1,000), and
nowhere else. Everything else that must not break is held by layout (issue 17)."""
INVISIBLE = {ord(c): None for c in "\u2060\u200b\u200c\u200d\ufeff\u00ad"} | {
    ord("\u202f"): " ", ord("\u2007"): " ", ord("\u00a0"): " ", ord("\u2011"): "-"}
"""What documents never carry, and what a character a person could not see or type becomes: joiners, zero-width
and soft-hyphen characters dropped, no-break spaces as spaces, the no-break hyphen as a hyphen. Text copied from
a document is then exactly what it shows."""
# Japanese characters that never start a line (kinsoku) or never end one.
_NO_LINE_START = set("、。，．・：；？！ー）」』】〕〉》”’ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜～)]},.:;!?%/")
_NO_LINE_END = set("（「『【〔〈《“‘([{")


def visible(text: str) -> str:
    """`text` without the characters a reader cannot see (INVISIBLE): what every writer puts in a document."""
    return text.translate(INVISIBLE)


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
    if char == NO_BREAK_SPACE:
        return ASCII_WIDTHS[(face, bold)][0] / 1000
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
and Latin letters or digits next to them: 令和 8 年 6 月 15 日 is wider than its characters. LibreOffice spaces
every Japanese character (brackets and ・ too) from every Latin one (a slash too): 「円/t」 and 「（4」 measured."""


def text_width_pt(text: str, size_pt: float, face: str = "gothic", bold: bool = False,
                  latin_scale: float = 1.0) -> float:
    return _text_width_em(text, face, bold, latin_scale) * size_pt


_WIDTHS: dict[tuple[str, bool, float], _PerCharacter] = {}


def _widths(face: str, bold: bool, latin_scale: float) -> _PerCharacter:
    """A new table of advance widths in em for one face, Latin scaled by `latin_scale`."""
    table = _WIDTHS[(face, bold, latin_scale)] = _PerCharacter(
        lambda c: char_width_em(c, face, bold) * (latin_scale if c.isascii() else 1.0), by_code=False)
    return table


# Autospacing: wide characters "L", visible ASCII "A".
_AUTOSPACE_CLASSES = _PerCharacter(lambda c: "L" if is_wide(c) else "A" if c.isascii() and c.isprintable()
                                   and not c.isspace() else ".")


@lru_cache(maxsize=16384)  # the same pieces are measured at every size a layout tries (issue 13)
def _text_width_em(text: str, face: str, bold: bool, latin_scale: float) -> float:
    widths = _WIDTHS.get((face, bold, latin_scale)) or _widths(face, bold, latin_scale)
    width = sum(map(widths.__getitem__, text))
    classes = text.translate(_AUTOSPACE_CLASSES)
    width += AUTOSPACE_EM * (classes.count("LA") + classes.count("AL"))
    return width


# A space between a number and the Latin unit after it (t-CO2eq, t-CO2eq/年, JPY/t-CO2eq·yr, MW, kWh, t, kg, %);
# a word that is not a unit (28 May, 3 JCM adoptions) and a Japanese unit are left alone. A unit ends where no Latin
# letter or digit follows: \b would miss one followed by Japanese (計6 MWの), a word character too.
_UNIT_SPACE = re.compile(r"(?<=\d) (?=(?:t-CO2|CO2|(?:[kMGT]?Wh?|[kMG]?J|kg|km|m[23²³]?|t|yr|h|kL|JPY|USD)(?![A-Za-z0-9])|%|"
                         r"°C))")
_CURRENCY_SPACE = re.compile(r"(?<=\b[A-Z]{3}) (?=\d)")


def bind_units(text: str) -> str:
    """A number bound to its Latin unit with a no-break space (6,800 t-CO2eq, 4 MW, JPY 1,000), which Word and
    LibreOffice both honour; the rest of `text` as it is."""
    if " " not in text:
        return text
    return _CURRENCY_SPACE.sub(NO_BREAK_SPACE, _UNIT_SPACE.sub(NO_BREAK_SPACE, text))


def _hold_class(char: str) -> str:
    """I: an ideograph, the letters a Japanese unit is written in (円, 人日, 年度: kanji and katakana that are not
    a katakana word's, not kana particles); K: katakana (a word of it is read whole); d: an ASCII digit, D: another
    digit, a: an ASCII letter; N: a no-break space; M: ・; x: the rest."""
    if char in " /・" or char == NO_BREAK_SPACE:
        return {" ": " ", "/": "/", "・": "M"}.get(char, "N")
    if "\u30a1" <= char <= "\u30fa" or char == "ー" or "\uff66" <= char <= "\uff9f":
        return "K"
    if is_wide(char) and unicodedata.category(char) == "Lo" and not "\u3040" <= char <= "\u309f":
        return "I"
    if char.isdigit():
        return "d" if char.isascii() else "D"
    return "a" if char.isascii() and char.isalnum() else "x"


_HOLD_CLASSES = _PerCharacter(_hold_class)
# Where a renderer may break but a reader should not see a break (after the matched character): the pieces a
# table column is made wide enough for, and the lines of a label never end there.
_HOLDS = re.compile(
    # A number and the Japanese unit after it (120|人日, 8|年|度, 150|万|円); a second unit character only when the
    # word ends there, so 第1回|現地 may break.
    r"[dDN](?=[IK])|(?<=[dD])I(?=I(?!I))"
    # Inside a word of two or more letters and between it and the number after it (令|和|10年): an era is read whole.
    # A single letter before a number (第1回, 年4月) keeps its break.
    r"|(?<=I)I(?=[dD])|I(?=I[dD])"
    # Inside a katakana word (セミ|ナー, チ|ラー).
    r"|K(?=K)"
    # After a slash or middle dot inside a unit written with Latin letters (t-CO2eq/年, 円/t-CO2eq・年; before a
    # Japanese word, JICA・大使館, JICA/大使館, it may break).
    r"|(?<=[ad])/(?=[^ IK])|(?<=[ad])[/M](?=I(?![IK]))|[/M](?=[ad])|[ad](?=M)|[^ ](?=M[ad])")
_HOLD_NEAR = re.compile(r"[dDNK/M]")


def _held(text: str) -> set[int]:
    """Positions (a break before `text[i]`) where a line should not break though a renderer may."""
    held = {position for match in _ADDRESS_NUMBER.finditer(text) for position in range(match.start() + 1, match.end())} \
        if "番" in text else set()
    classes = text.translate(_HOLD_CLASSES)
    if not _HOLD_NEAR.search(classes):
        return held
    return held | {match.end() for match in _HOLDS.finditer(classes)}


_ADDRESS_NUMBER = re.compile(r"(?:[一二三四五六七八九十]+丁目)?[0-9０-９]+番地?(?:[0-9０-９]+号?)?")
"""The block and lot of a Japanese address (三丁目8番1号, 1番地), read whole: 「…三丁目8番 / 1号」 was in a cell."""


def _split(text: str, ends: Iterable[int], held: Collection[int] = ()) -> list[str]:
    """`text` cut at each of `ends` (positions, in order) that is not `held`."""
    pieces, start = [], 0
    for end in ends:
        if end in held:
            continue
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


HEADER_WORD_EM = 8.0
"""A header's word or bracketed unit up to this many em (法定耐用年数, 消費税及び地方消費税, （t-CO2eq/年）) is never
broken; a longer phrase wraps as prose does."""
_HEADER_WORDS = re.compile(r"[（(][^）)]*[）)]|[^\s（(／]+／?|／|\s+")  # 本邦自治体／ / パートナー都市: ／ ends a word
_HEADER_EM = _PerCharacter(lambda c: 1.0 if is_wide(c) else 0.55, by_code=False)


def word_lines(text: str, width_pt: float, size_pt: float, face: str = "gothic", bold: bool = False) -> list[str]:
    """`text` filled into lines of `width_pt` a whole word at a time (words as in `chunks(..., "words")`), measured
    with the wider fallback Latin. For explicit line breaks: LibreOffice breaks Japanese text wherever a line is
    full (it broke 「（想定）」 between 想 and 定, measured), so a header or title that must break between words is
    given its breaks."""
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
    longer half again), so no line breaks inside a word: first where a title reads well broken (`_TITLE_BREAK`),
    else between phrases (ネットゼロ|加速化支援事業, as a label breaks); a part with neither is left as it is."""
    widths = _PrefixWidths(text, face, bold, FALLBACK_LATIN)
    preferred = [m.start() for m in _TITLE_BREAK.finditer(text) if 0 < m.start() < len(text)]
    phrases = [m.end() for m in _PHRASE_BREAKS.finditer(text.translate(_PHRASE_CLASSES)) if 0 < m.end() < len(text)]
    lines: list[str] = []

    def split(start: int, end: int) -> None:
        measure = lambda a, b: widths.between(a, b) * size_pt  # noqa: E731
        if measure(start, end) > width_pt:
            for cuts in (preferred, phrases):
                inside = cuts[bisect.bisect_right(cuts, start):bisect.bisect_left(cuts, end)]
                if inside:
                    best = min(inside, key=lambda at: max(measure(start, at), measure(at, end)))
                    split(start, best)
                    split(best, end)
                    return
        lines.append(text[start:end])

    split(0, len(text))
    return lines


class _PrefixWidths:
    """Widths in em of every prefix of a text, autospacing included, so that any slice is measured in constant time
    (a title measured at each of its phrase boundaries stays linear; issue 21.9)."""

    def __init__(self, text: str, face: str, bold: bool, latin_scale: float) -> None:
        table = _WIDTHS.get((face, bold, latin_scale)) or _widths(face, bold, latin_scale)
        self.advance = list(itertools.accumulate(map(table.__getitem__, text), initial=0.0))
        classes = text.translate(_AUTOSPACE_CLASSES)
        pairs = (a + b in ("LA", "AL") for a, b in zip(classes, classes[1:]))
        self.spaced = list(itertools.accumulate(pairs, initial=0))  # spaced[i]: pairs (j-1, j) with j <= i

    def between(self, start: int, end: int) -> float:
        """The width of text[start:end], as `_text_width_em` measures it."""
        if end <= start:
            return 0.0
        return self.advance[end] - self.advance[start] + AUTOSPACE_EM * (self.spaced[end - 1] - self.spaced[start])


def _break_class(char: str) -> str:
    """N: a no-break space; s/S: never starts a line, e/E: never ends one (upper case: wide); W: another wide
    character, a: another letter, o: the rest."""
    if char in (" ", "/"):
        return char
    if char == NO_BREAK_SPACE:
        return "N"
    wide = is_wide(char)
    if char in _NO_LINE_START:
        return "S" if wide else "s"
    if char in _NO_LINE_END:
        return "E" if wide else "e"
    return "W" if wide else "a" if char.isalpha() else "o"


_BREAK_CLASSES = _PerCharacter(_break_class)
# Where Word and LibreOffice may break a line (after the matched character), as measured with Latin text tagged
# English: never inside a run of Latin letters or digits.
_MAY_BREAK = re.compile(
    # After a space, except before another space or a no-break space.
    r" (?=[^ N])"
    # Next to a wide character, kinsoku respected.
    r"|[SW](?=[eEWao])|[sao](?=[EW])"
    # After a slash: before a wide character, or a letter. (LibreOffice and Word may also break after a hyphen;
    # a hyphenated word is measured whole, so a column is made wide enough for it.)
    r"|/(?=[EWa])")
_HYPHEN_BREAK = re.compile(r"(?<=[A-Za-z0-9])-(?=[A-Za-z])")
"""Where LibreOffice also breaks running text: after a hyphen before a letter (1,900t-|CO2, once-|through), even in a
unit bound to its number (6,800 t-|CO2eq, measured)."""
_IDEOGRAPH = "\u4e00-\u9fff々"
_PROTECTED = re.compile(
    # A unit in Latin letters after a Japanese one (円/t-CO2eq); then a number, a Latin word or a code, its parts
    # joined by signs or a no-break space (1,968.6, t-CO2eq, 6,800 t-CO2eq, JPY 1,000, 03-0000, t-CO2eq/yr) …
    rf"(?:[{_IDEOGRAPH}][/・])?[A-Za-z0-9][A-Za-z0-9'’]*(?:[-/·.,\u00a0]+[A-Za-z0-9][A-Za-z0-9'’]*)*"
    # … with the Japanese unit of an amount or a count (18,431,600円, 150万円, 30%, 120人日) or the one character
    # a Latin unit ends in (t-CO2eq/年, t-CO2eq・年).
    rf"(?:(?<=\d)(?:[万億千]*円|[%％]|人[日回]|件|名)|[/・][{_IDEOGRAPH}](?![{_IDEOGRAPH}]))?")
_COMPOUND_PART = re.compile(r"[A-Za-z]{2,}")
"""A part of a hyphenated word that a line may end after (once-|through); a code's (t-CO2eq, e-mail) may not."""


def protected_breaks(text: str) -> set[int]:
    """Positions (a break before `text[i]`) inside a piece a reader must see whole in running text, wherever the
    application may break it: a number, an amount with its unit, a Latin word, a unit or code (t-CO2eq, 円/t-CO2eq・年,
    6,800 t-CO2eq). A hyphenated word of plain words may break after its hyphen; Japanese elsewhere anywhere."""
    positions: set[int] = set()
    for match in _PROTECTED.finditer(text):
        start, end = match.span()
        for position in range(start + 1, end):
            if text[position - 1] == "-" and _plain_compound(text, position):
                continue
            positions.add(position)
    return positions


def _plain_compound(text: str, after_hyphen: int) -> bool:
    """Whether the hyphen before `after_hyphen` joins two words of two letters or more (once-through)."""
    left = re.search(r"[A-Za-z0-9]*$", text[:after_hyphen - 1])
    right = re.match(r"[A-Za-z0-9]*", text[after_hyphen:])
    return bool(left and right and _COMPOUND_PART.fullmatch(left.group()) and _COMPOUND_PART.fullmatch(right.group()))


def _phrase_class(char: str) -> str:
    """K: kanji, T: katakana, H: hiragana, A: Latin letters, digits and their signs, O: an opening bracket,
    C: what closes a phrase (、。・〜／ and closing brackets), space, x: the rest."""
    if char in " \u3000":
        return " "
    if char in _NO_LINE_END and is_wide(char):
        return "O"
    if char in "([{":
        return "o"
    if "\u3041" <= char <= "\u309f":
        return "H"
    if "\u30a1" <= char <= "\u30fa" or char in "ーヽヾ" or "\uff66" <= char <= "\uff9f":
        return "T"
    if char in _NO_LINE_START and is_wide(char) or char == "／":
        return "C"
    if is_wide(char) and unicodedata.category(char) == "Lo" or char in "々〆ヶ":
        return "K"
    if not is_wide(char) or unicodedata.category(char)[0] in "LN":
        return "A"
    return "x"


_PHRASE_CLASSES = _PerCharacter(_phrase_class)
# Where a label reads well broken (after the matched character): at a space, before an opening bracket (an ASCII
# one only after Japanese or a space: §8(1) is one reference), after
# closing punctuation, after kana that end a phrase (particles, okurigana), and where a word of kanji meets one of
# katakana — so 都市間連携|セミナーでの|発表, 高効率|チラー|導入, 削減見込み|（合計）, 令和7年4月1日〜|令和10年3月31日;
# a single kanji before or after katakana is part of its word (省エネルギー, タイヤ式).
_KATAKANA_SUFFIXED = re.compile(r"[\u30a1-\u30faー]([式型製用系性化市町村州県省区])")
"""A katakana word and the kanji suffix that makes it a modifier or a place are one phrase, and a phrase ends after
it: ストーカ式 / 焼却炉, ホーチミン市 / 人民委員会, not ストーカ / 式焼却炉."""
_WORD_AFTER = re.compile(r"[\u4e00-\u9fff\u30a1-\u30fa]")
_FISCAL_YEAR_END = re.compile(r"[0-9０-９]年度(?=[\u4e00-\u9fff])")
"""A fiscal year before the word it qualifies ends a phrase: 令和07・08・09年度 / 環境省競争参加資格, not …年度環 / 境省."""
_PHRASE_BREAKS = re.compile(r" (?=[^ ])|[^O ](?=O)|[KTHC](?=o)|C(?=[^C ])|H(?=[KTAxOo])|(?<=K)K(?=T)|T(?=KK|A)|A(?=T)")


def chunks(text: str, mode: str = "text") -> list[str]:
    """Split text into the pieces a line may break between. `mode`:

    - "text": where Word and LibreOffice may break (after spaces, between Japanese characters with kinsoku, at
      Latin–Japanese boundaries; never inside a Latin word or number, nor at the no-break space `bind_units` puts
      before a Latin unit), less where a reader should not see a break (a number and its unit, an era and its year,
      a katakana word, a Latin unit written with / or ・);
    - "renderer": where LibreOffice and PowerPoint break running text they wrap themselves: as "text" with nothing
      held (Japanese between any two characters) and after a hyphen before a letter (`_HYPHEN_BREAK`);
    - "label": only between phrases (`_PHRASE_BREAKS`), for text given its line breaks explicitly;
    - "words": between a header's words (spaces, before a bracket), a longer word as "text";
    - "whole": nowhere.
    """
    return list(_chunks(text, mode))


@lru_cache(maxsize=8192)  # pure, and asked again at every size a layout tries (issue 13)
def _chunks(text: str, mode: str = "text") -> tuple[str, ...]:
    if not text:
        return ()
    if mode == "whole":
        return (text,)
    if mode == "words":
        return tuple(piece for word in _HEADER_WORDS.findall(text)
                     for piece in ((word,) if word.isspace() or sum(map(_HEADER_EM.__getitem__, word)) <= HEADER_WORD_EM
                                   else _chunks(word)))
    text = bind_units(text)  # as the writers set it
    if mode == "label":
        phrase_ends = {m.end() for m in _PHRASE_BREAKS.finditer(text.translate(_PHRASE_CLASSES))}
        phrase_ends |= {m.end() for m in _FISCAL_YEAR_END.finditer(text)} if "年度" in text else set()
        suffixed = list(_KATAKANA_SUFFIXED.finditer(text))
        phrase_ends -= {m.start(1) for m in suffixed}
        phrase_ends |= {m.end() for m in suffixed if _WORD_AFTER.match(text, m.end())}
        return tuple(_split(text, sorted(phrase_ends), _held(text)))
    ends = (m.end() for m in _MAY_BREAK.finditer(text.translate(_BREAK_CLASSES)))
    if mode == "renderer":
        return tuple(_split(text, sorted({*ends, *(m.end() for m in _HYPHEN_BREAK.finditer(text))})))
    return tuple(_split(text, ends, _held(text)))


def longest_chunk_pt(text: str, size_pt: float, face: str = "gothic", bold: bool = False,
                     latin_scale: float = 1.0, mode: str = "text") -> float:
    """Width of the widest piece of `text` that cannot be broken across lines."""
    return max([visible * size_pt for _, _, visible in _measured(text, face, bold, latin_scale, mode)], default=0.0)


@lru_cache(maxsize=8192)  # layouts try a text at several sizes: its pieces are measured once, in em (issue 13)
def _measured(text: str, face: str, bold: bool, latin_scale: float,
              mode: str = "text") -> tuple[tuple[str, float, float], ...]:
    """The pieces of `text` (`chunks`) with their widths in em, whole and without trailing spaces."""
    if mode == "renderer":
        return _measured_as_set(_chunks(text, mode), face, bold, latin_scale)
    pieces = []
    for piece in _chunks(text, mode):
        width = _text_width_em(piece, face, bold, latin_scale)
        visible = piece.rstrip(" ")
        pieces.append((piece, width, width if visible == piece else _text_width_em(visible, face, bold, latin_scale)))
    return tuple(pieces)


HANGING = frozenset("、。，．")
"""Punctuation LibreOffice and PowerPoint (`a:pPr/@hangingPunct`, on in our reference deck) let hang past the end of a
full line (しており、 measured)."""


def _measured_as_set(chunked: tuple[str, ...], face: str, bold: bool,
                     latin_scale: float) -> tuple[tuple[str, float, float], ...]:
    """Pieces measured in their paragraph, as an application sets them: a piece's width holds the autospace between
    it and the next piece (第|1回 are pieces of their own, 1 em and a digit apart by a quarter em each), its visible
    width leaves out trailing spaces and hanging punctuation."""
    text = "".join(chunked)
    widths = _PrefixWidths(text, face, bold, latin_scale)
    pieces, start = [], 0
    for piece in chunked:
        end = start + len(piece)
        width = widths.between(start, min(end + 1, len(text))) - widths.between(end, min(end + 1, len(text)))
        shown = piece.rstrip(" ")
        if shown and shown[-1] in HANGING:
            shown = shown[:-1]
        pieces.append((piece, width, widths.between(start, start + len(shown))))
        start = end
    return tuple(pieces)


def wrap_lines(text: str, width_pt: float, size_pt: float, face: str = "gothic", bold: bool = False,
               mode: str = "text", latin_scale: float = 1.0) -> list[str]:
    """The lines `text` breaks into at `size_pt` in a box `width_pt` wide, breaking where `chunks` allows (a phrase
    wider than the line where prose may break, and a piece wider than the line anywhere, as the renderers do);
    Latin text measured `latin_scale` times its width (FALLBACK_LATIN where the face is substituted)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current, used = "", 0.0
        for piece, width_em, visible_em in _measured(paragraph, face, bold, latin_scale, mode):
            width, visible = width_em * size_pt, visible_em * size_pt
            if used + visible > width_pt and used > 0:
                lines.append(current)
                current, used = "", 0.0
            if visible > width_pt and len(piece) > 1:
                parts = (wrap_lines(piece, width_pt, size_pt, face, bold, "text", latin_scale) if mode in ("label", "words")
                         else _cut_lines(piece, width_pt, size_pt, face, bold, latin_scale))
                lines += parts[:-1]
                piece = parts[-1]
                width = text_width_pt(piece, size_pt, face, bold, latin_scale)
            current += piece
            used += width
        lines.append(current)
    return lines


def _cut_lines(piece: str, width_pt: float, size_pt: float, face: str, bold: bool, latin_scale: float) -> list[str]:
    """A piece wider than the line cut into lines of as many characters as fill them (at least one each), in one
    pass over it (a 1.6 M-character title must not take minutes; issue 21.9)."""
    widths = _WIDTHS.get((face, bold, latin_scale)) or _widths(face, bold, latin_scale)
    lines, start, used = [], 0, 0.0
    for index, char in enumerate(piece):
        advance = widths[char] * size_pt
        if used + advance > width_pt and index > start:
            lines.append(piece[start:index])
            start, used = index, 0.0
        used += advance
    lines.append(piece[start:])
    return lines


def label_lines(text: str, width_pt: float, size_pt: float, face: str = "gothic", bold: bool = False,
                latin_scale: float = 1.0) -> list[str]:
    """A label's lines at `size_pt` in `width_pt`, broken only between phrases (a phrase wider than the line as
    prose is): written with explicit breaks, so no renderer breaks it inside a word. Where it takes no more lines,
    a line ends only where the label's items end (`_ITEM_ENDS`: a list of names after its 、, a date range after
    its 〜, before a bracket), not inside a name (九州エネルギーサービス|株式会社). A space stays at the end of its
    line, so the lines put together are the text as written."""
    lines = wrap_lines(text, width_pt, size_pt, face, bold, "label", latin_scale)
    if len(lines) < 2:
        return lines
    by_items: list[str] = []
    current = ""
    for item in _ITEM_ENDS.split(bind_units(text)):
        if current and text_width_pt((current + item).rstrip(), size_pt, face, bold, latin_scale) > width_pt:
            by_items.append(current)
            current = ""
        current += item
        if text_width_pt(current.rstrip(), size_pt, face, bold, latin_scale) > width_pt:  # an item wider than a line
            *full, current = wrap_lines(current, width_pt, size_pt, face, bold, "label", latin_scale)
            by_items += full
    by_items.append(current)
    return by_items if len(by_items) <= len(lines) else lines


_ITEM_ENDS = re.compile(r"(?<=[、，,〜～／ ])(?=[^\s、，,〜～／])|(?<=\S)(?=[（［「『【])")
"""Where the items of a label end (a split before the match): after 、，〜／ and a space, before an opening bracket
(本邦自治体／ / パートナー都市, not 本邦自治体／パートナー / 都市)."""


LABEL_WIDTH_MARGIN = 0.03
"""How much narrower or wider than measured a renderer may fill a cell's line (`renderer_keeps_whole`): Word's Yu
Mincho sets Latin narrower than Noto's widths, LibreOffice without our font aliases wider (FALLBACK_LATIN), and each
spaces Japanese from Latin its own way. 「JICAフィリピン事務所・在ダ / バオ」 came from a label judged safe to the point."""


@lru_cache(maxsize=8192)  # pure; the Word writer asks once per cell line
def renderer_keeps_whole(text: str, width_pt: float, size_pt: float, face: str = "mincho", bold: bool = False) -> bool:
    """Whether a renderer that breaks Japanese wherever a line is full would break a cell's label `width_pt` wide only
    between its phrases (`chunks(..., "label")`: never inside a word of kanji or katakana, a number and its unit, an
    era and its year or a Latin word), whatever its metrics within LABEL_WIDTH_MARGIN and our two Latin widths, and
    would not leave one character alone on the last line (導 / 入)."""
    phrase_ends = set(itertools.accumulate(map(len, _chunks(text, "label"))))
    for latin in (1.0, FALLBACK_LATIN):
        for factor in (1 - LABEL_WIDTH_MARGIN, 1.0, 1 + LABEL_WIDTH_MARGIN):
            lines = wrap_lines(text, width_pt * factor, size_pt, face, bold, "renderer", latin)
            if len(lines) < 2:
                continue
            if len(lines[-1].strip().rstrip("".join(_NO_LINE_START))) <= 1:
                return False
            if any(end not in phrase_ends for end in itertools.accumulate(map(len, lines[:-1]))):
                return False
    return True


@lru_cache(maxsize=8192)  # pure; a box tries every size down to its floor
def breaks_badly(text: str, width_pt: float, size_pt: float, face: str = "gothic", bold: bool = False) -> bool:
    """Whether running text that the application wraps in lines `width_pt` wide breaks inside a piece a reader must
    see whole (`protected_breaks`), carries the last character of a katakana word over to the next line (ポー|ト）)
    or leaves one character (る。) or a short word alone on its last line. Measured as LibreOffice sets it: our metrics are its
    faces' (Noto Sans CJK JP, Liberation Sans), so no slack and no wider Latin (140 of 150 paragraphs of the bundled
    projects broke where predicted here, the rest a character off)."""
    lines = wrap_lines(text, width_pt, size_pt, face, bold, "renderer")
    if len(lines) < 2:
        return False
    last = lines[-1].strip()
    if 0 < len(last.rstrip("".join(_NO_LINE_START))) <= 1 or (0 < len(last) <= 3 and last.isascii() and " " not in last):
        return True
    text = "".join(lines)  # as set: units bound
    protected = protected_breaks(text)
    for end in itertools.accumulate(map(len, lines[:-1])):
        after = _KATAKANA_WORD.match(text, end)
        if end in protected or (after and len(after.group()) == 1 and _KATAKANA_WORD.match(text, end - 1)):
            return True
    return False


_KATAKANA_WORD = re.compile(r"[\u30a1-\u30faー]+")


@lru_cache(maxsize=8192)  # pure; layouts re-measure the same text at the same sizes
def line_count(text: str, width_pt: float, size_pt: float, face: str = "gothic", bold: bool = False,
               mode: str = "text", latin_scale: float = 1.0) -> int:
    """Lines `text` needs at `size_pt` in a box `width_pt` wide: as many as `wrap_lines` gives, counted without
    building the lines (layouts count lines of the same texts at many sizes and widths; issue 13)."""
    count = 0
    # Below this, every paragraph's reach is surely on one line: `wrap_lines` sums the same widths in pt, and its
    # rounding differs from ours by far less than a billionth.
    one_line = width_pt * (1 - 1e-9)
    for paragraph in text.split("\n"):
        pieces, reach = _paragraph_pieces(paragraph, face, bold, mode, latin_scale)
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
                lines = len(wrap_lines(paragraph, width_pt, size_pt, face, bold, mode, latin_scale))
                break
            used += width_em * size_pt
        count += lines
    return count


@lru_cache(maxsize=8192)
def _paragraph_pieces(paragraph: str, face: str, bold: bool, mode: str = "text",
                      latin_scale: float = 1.0) -> tuple[tuple[tuple[str, float, float], ...], float]:
    """A paragraph's pieces as `wrap_lines` measures them (in em), and its reach: the furthest any piece's visible
    end lies from the line's start when nothing breaks."""
    pieces = _measured(paragraph, face, bold, latin_scale, mode)
    reach = used = 0.0
    for _, width, visible in pieces:
        reach = max(reach, used + visible)
        used += width
    return pieces, reach


def fits(text: str, width_mm: float, height_mm: float, size_pt: float, spacing: float = 1.0,
         face: str = "gothic", mode: str = "text", latin_scale: float = 1.0) -> bool:
    width_pt = (width_mm - 2 * INSET_MM) / PT_TO_MM
    height_pt = (height_mm - 2 * INSET_MM) / PT_TO_MM
    lines = line_count(text, width_pt, size_pt, face, False, mode, latin_scale)
    return lines * size_pt * LINE_HEIGHTS[face] * spacing <= height_pt


PT_TO_MM = 25.4 / 72
WORD_LINE = 1.15 * 1.3  # Word's 1.15 spacing over the font's ascent+descent (CJK faces run tall)


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
                 faces: tuple[str, str] = ("mincho", "gothic"), mode: str = "text") -> TableLayout:
    """Widths from content: every column gets room for its longest unbreakable piece (a number with its unit,
    a Latin word, a file name) and short labels stay on one line; the rest of the width goes where text is
    long. If even the unbreakable pieces do not fit, the type is set up to 1.5 pt smaller first.

    `rows` holds `(cell, first_column, span)` per cell; `hints` (the template's `widths`) are preferred
    proportions, widened where a column's content needs it; `faces` are those of data and header cells; `mode` how
    data cells break (`chunks`: "label" where the writer breaks them between phrases).
    """
    return TableText(rows, faces, mode).layout(available_pt, size, hints)


class TableText:
    """A table's cells read and measured in em once, for `table_layout`s at many sizes and widths (a slide tries
    every half point; issue 13)."""

    def __init__(self, rows: list[list[tuple]], faces: tuple[str, str] = ("mincho", "gothic"), mode: str = "text") -> None:
        self.columns = max((first + span for row in rows for _, first, span in row), default=1)
        self.cells = _cell_texts(rows, faces, mode)
        self._needs: dict[float, tuple[list[float], list[float], list[float]]] = {}

    def layout(self, available_pt: float, size: float, hints: list[float] | None = None) -> TableLayout:
        """`table_layout` of the rows this was made from."""
        for attempt in (0.0, 0.5, 1.0, 1.5):
            trial = max(size - attempt, MIN_TABLE_SIZE)
            least, most, data_most = self.needs(trial)
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
        # Data first, then headers: a header may take two lines (削減量 / （t-CO2eq/年）) before a name takes three.
        free = _fill_towards(widths, data_most, available_pt - sum(least))
        free = _fill_towards(widths, most, free)
        if free > 0.01:
            total = sum(widths)
            widths = [w + free * w / total for w in widths]
        return TableLayout(widths, trial)

    def needs(self, size: float) -> tuple[list[float], list[float], list[float]]:
        """`_column_needs` at `size` (not to be changed: later layouts share them)."""
        known = self._needs.get(size)
        if known is None:
            known = self._needs[size] = _column_needs(self.cells, self.columns, size)
        return known


def _cell_mode(cell, data_mode: str = "text") -> str:
    """How a cell's lines break (`chunks`): a `nowrap` cell nowhere, a header between words, data as `data_mode`."""
    return "whole" if cell.get("nowrap") == "1" else "words" if cell.tag == "th" else data_mode


def literals(element) -> list[str]:
    """The literal text (`<code>`) inside an element, each whitespace-folded: what a person copies, kept whole."""
    return [" ".join("".join(code.itertext()).split()) for code in element.iter("code")]


def _cell_texts(rows: list[list[tuple]], faces: tuple[str, str],
                mode: str = "text") -> list[tuple[int, float | None, list[tuple], bool]]:
    """Per cell spanning one column: the column, the cell's own size (None: the table's), per line its width, its
    widest unbreakable piece's and all its pieces' in em (worked out once for all the sizes a layout tries), and
    whether it is in a row of column headers. Literal text (`<code>`) counts as one unbreakable piece."""
    cells = []
    for row in rows:
        column_header = all(cell.tag == "th" for cell, _, _ in row)  # not a row's own header (事業名 | title)
        for cell, first, span in row:
            if span != 1:
                continue
            own_size = None if cell.get("size") is None else number(cell, "size")
            bold = cell.tag == "th" or cell.get("bold") == "1"
            face = faces[1] if cell.tag == "th" else faces[0]
            line_mode = _cell_mode(cell, mode)
            lines = []
            for line in cell_lines(cell):
                held = "whole" if mode == "label" and _hyphen_inside_a_code(line) else line_mode
                pieces = [visible for _, _, visible in _measured(line, face, bold, FALLBACK_LATIN, held)]
                lines.append((_text_width_em(line, face, bold, FALLBACK_LATIN), max(pieces, default=0.0), pieces))
            for literal in literals(cell) if len(cell) else ():  # set in the heading face (word.RunFormat.literal)
                width = _text_width_em(literal, faces[1], bold, FALLBACK_LATIN)
                lines.append((width, width, [width]))
            cells.append((first, own_size, lines, column_header))
    return cells


def _fill_towards(widths: list[float], targets: list[float], free: float) -> float:
    """Widen `widths` towards `targets` with `free` (pt): the columns lacking least get all they lack (max-min
    fairness), the rest share what is left in proportion to what each still lacks, so a long name beside a short
    technology takes as few lines as it (an equal share left the name three lines deep). Returns what is left."""
    wanting = sorted((i for i in range(len(widths)) if targets[i] > widths[i]), key=lambda i: targets[i] - widths[i])
    while wanting and free > 0.01:
        column = wanting[0]
        need = targets[column] - widths[column]
        if need <= free / len(wanting):
            widths[column] = targets[column]
            free -= need
            wanting.pop(0)
            continue
        lacking = {i: targets[i] - widths[i] for i in wanting}
        total = sum(lacking.values())
        for i in wanting:
            widths[i] += free * lacking[i] / total
        return 0.0
    return free


def _hyphen_inside_a_code(line: str) -> bool:
    """Whether a slide's Latin label holds a unit or code with a hyphen (Reduction (t-CO2eq/yr)): the application wraps
    such a label itself and breaks after any hyphen (t- / CO2eq), so its column is made wide enough for the line."""
    text = bind_units(line)
    return not any(map(is_wide, text)) and any(text[at - 1] == "-" for at in protected_breaks(text))


def _column_needs(cells: list[tuple[int, float | None, list[tuple], bool]], columns: int,
                  size: float) -> tuple[list[float], list[float], list[float]]:
    """Per column: the width its widest unbreakable piece needs, the width its longest line needs, and the width its
    longest line outside the column headers needs."""
    least = [2 * CELL_PADDING_PT + size] * columns
    most = list(least)
    data_most = list(least)
    for first, own_size, lines, header in cells:
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
            if not header:
                data_most[first] = max(data_most[first], full + 2 * CELL_PADDING_PT + 1.0)
    return least, most, [max(d, n) for d, n in zip(data_most, least)]


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
