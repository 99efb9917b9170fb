"""File names: attachment numbers, Windows rules, Mac-decomposed (NFD) Japanese, invisible characters, drafts."""

from __future__ import annotations

import fnmatch
import os
import re
import unicodedata
from dataclasses import dataclass

from c3p_docs.i18n import _

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_NUMBER = re.compile(r"^\s*(?:[(（]\s*(\d{1,2})\s*[)）]|(\d{1,2})[_\-\s.　]|([" + CIRCLED + r"]))")
_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(10)} | {f"LPT{i}" for i in range(10)}
SYSTEM_FILES = {".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db", ".localized", "icon\r"}
MAX_PATH = 260
# A path prefix Windows will add when the files are saved (C:\Users\<name>\Downloads\ …), for MAX_PATH.
TYPICAL_PREFIX = len("C:\\Users\\username\\Downloads\\")


def attachment_number(name: str) -> int | None:
    """`(2)_x`, `（2）x`, `2_x`, `02_x`, `②x` → 2; None when the name starts with no number."""
    normalised = unicodedata.normalize("NFKC", name) if name[:1] not in CIRCLED else name
    match = _NUMBER.match(normalised)
    if not match:
        return None
    if match.group(3):
        return CIRCLED.index(match.group(3)) + 1
    return int(match.group(1) or match.group(2))


def language_of(name: str) -> str | None:
    lowered = name.casefold()
    if re.search(r"(^|[_\-\s.(（])(en|eng|english)([_\-\s.)）]|$)", lowered) or "英文" in name or "英語" in name:
        return "en"
    if re.search(r"(^|[_\-\s.(（])(ja|jp|jpn|japanese)([_\-\s.)）]|$)", lowered) or "和文" in name or "日本語" in name:
        return "ja"
    return None


def is_translation(name: str, markers: list[str]) -> bool:
    return any(marker.casefold() in name.casefold() for marker in markers)


def is_system_file(name: str) -> bool:
    lowered = name.casefold()
    return lowered in SYSTEM_FILES or name.startswith("~$") or name.startswith("._") or lowered.endswith(".tmp")


def windows_problems(name: str, relative: str) -> list[str]:
    problems = []
    bad = sorted({c for c in name if c in _FORBIDDEN})
    if bad:
        shown = ", ".join(repr(c) if c.isprintable() else f"U+{ord(c):04X}" for c in bad)
        problems.append(_("contains characters Windows forbids in file names ({characters})").format(characters=shown))
    stem = name.split(".")[0].rstrip(" ").upper()
    if stem in _RESERVED:
        problems.append(_("{name} is a reserved device name on Windows").format(name=stem))
    if name.endswith((" ", ".")):
        problems.append(_("ends with a space or a dot, which Windows drops"))
    if TYPICAL_PREFIX + len(relative) > MAX_PATH:
        problems.append(_("the path is {length} characters; saved on Windows it passes MAX_PATH ({limit})").format(
            length=len(relative), limit=MAX_PATH))
    return problems


def machine_dependent_characters(name: str) -> list[str]:
    """Characters outside JIS X 0208 that only cp932 maps (①, Ⅲ, ㈱…) and half-width kana."""
    found = []
    for index, char in enumerate(name):
        if index == 0 and char in CIRCLED:
            continue  # the call itself numbers its attachments ①–⑬
        if "\uff61" <= char <= "\uff9f":
            found.append(char)
            continue
        if ord(char) < 128:
            continue
        try:
            char.encode("shift_jis")
        except UnicodeEncodeError:
            try:
                char.encode("cp932")
                found.append(char)
            except UnicodeEncodeError:
                pass
    return found


def undecodable(name: str) -> bool:
    """The name's bytes are not UTF-8 (Python keeps them as lone surrogates): a Windows zip's Shift_JIS."""
    return any("\udc80" <= char <= "\udcff" for char in name)


def printable(name: str) -> str:
    """The name as it can be shown: undecodable bytes as \\x escapes."""
    return os.fsencode(name).decode("utf-8", "backslashreplace") if undecodable(name) else name


def shift_jis_name(name: str) -> str | None:
    """What an undecodable name says when read as Shift_JIS (cp932, as Windows writes it), in NFC; None when
    it is not Shift_JIS text: cp932 decodes stray bytes (0x80, 0xA0, 0xFD–0xFF) and its user-defined area to
    control or private-use characters, which no other machine shows as the writer meant."""
    try:
        decoded = unicodedata.normalize("NFC", os.fsencode(name).decode("cp932"))
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(char) in ("Cc", "Co") for char in decoded):
        return None
    return decoded


# Characters a name shows nothing for, or shows as another (U+2011 looks like '-' but is not the same name):
# copied from a document they make a file nobody can find by typing its name.
_LOOK_ALIKES = {"\u2011": "-", "\u202f": " "}
_INVISIBLE_CATEGORIES = ("Cf", "Zl", "Zp")  # format characters (U+200B, U+2060, U+FEFF, U+00AD, bidi marks), line breaks
_BLANK = "\u00a0\u3000 "  # real characters inside a name; unseen at its start or end, or before its extension


@dataclass(frozen=True)
class InvisibleCharacter:
    char: str
    position: int
    """1-based, counted in characters of the name."""

    def described(self) -> str:
        return f"U+{ord(self.char):04X} {unicodedata.name(self.char, 'UNNAMED')}"


def _blank_ends(name: str) -> set[int]:
    """Indexes of no-break and ideographic spaces at the name's start, end, or end of its stem (plain spaces
    at an end are Windows' rule, reported as filename-windows)."""
    stem = name[:len(name) - len(os.path.splitext(name)[1])]
    ends = set()
    for text, offset in ((name, 0), (stem, 0)):
        start = len(text) - len(text.lstrip(_BLANK))
        end = len(text.rstrip(_BLANK))
        ends |= {offset + i for i in range(start)} | {offset + i for i in range(end, len(text))}
    return {i for i in ends if name[i] != " "}


def invisible_characters(name: str) -> list[InvisibleCharacter]:
    """Invisible and look-alike characters of a name, each with its position."""
    blank_ends = _blank_ends(name)
    return [InvisibleCharacter(char, index + 1) for index, char in enumerate(name)
            if char in _LOOK_ALIKES or unicodedata.category(char) in _INVISIBLE_CATEGORIES or index in blank_ends]


def without_invisible_characters(name: str) -> str:
    """The name --fix-names gives it: invisible characters removed, look-alikes replaced by what they look like."""
    drop = {found.position - 1 for found in invisible_characters(name)}
    return "".join(_LOOK_ALIKES.get(char, "") if index in drop else char for index, char in enumerate(name))


# Never mailed: a kept hand edit's new rendition, temporary and lock files (ours, Office's, LibreOffice's).
DRAFT_PATTERNS = ("*.new.*", ".*.tmp", "~$*", ".~lock.*#", ".c3p-docs.lock")


def is_draft(name: str) -> bool:
    """A file that must not be in a package: a `.new` rendition (OUT/drafts/ is its place), or a temporary or
    lock file left by a writer that is still running or was killed."""
    lowered = name.casefold()
    return any(fnmatch.fnmatchcase(lowered, pattern) for pattern in DRAFT_PATTERNS)


def fixed_name(name: str) -> str | None:
    """The name --fix-names gives: Shift_JIS decoded, NFD composed, invisible characters removed; None when it
    needs nothing, or cannot be fixed safely (bytes that are no Shift_JIS text, nothing visible left)."""
    readable = shift_jis_name(name) if undecodable(name) else name
    if readable is None:
        return None
    fixed = unicodedata.normalize("NFC", without_invisible_characters(unicodedata.normalize("NFC", readable)))
    if fixed in ("", ".", "..") or fixed.startswith(".") != readable.startswith("."):
        return None
    return fixed if fixed != name else None
