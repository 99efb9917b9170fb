"""File names: attachment numbers, Windows rules, Mac-decomposed (NFD) Japanese, system files."""

from __future__ import annotations

import os
import re
import unicodedata

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
        problems.append(f"contains characters Windows forbids in file names ({shown})")
    stem = name.split(".")[0].rstrip(" ").upper()
    if stem in _RESERVED:
        problems.append(f"{stem} is a reserved device name on Windows")
    if name.endswith((" ", ".")):
        problems.append("ends with a space or a dot, which Windows drops")
    if TYPICAL_PREFIX + len(relative) > MAX_PATH:
        problems.append(f"the path is {len(relative)} characters; saved on Windows it passes MAX_PATH ({MAX_PATH})")
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
    """What an undecodable name says when read as Shift_JIS (cp932, as Windows writes it), in NFC."""
    try:
        return unicodedata.normalize("NFC", os.fsencode(name).decode("cp932"))
    except UnicodeDecodeError:
        return None


def fixed_name(name: str) -> str | None:
    """The name --fix-names gives: Shift_JIS decoded, NFD composed; None when it needs nothing (or cannot)."""
    if undecodable(name):
        return shift_jis_name(name)
    composed = unicodedata.normalize("NFC", name)
    return composed if composed != name else None
