"""Language leaks: Japanese in English documents, English words in Japanese ones (a test helper).

Reads the text of any OOXML file (Word paragraphs, slide paragraphs, spreadsheet strings) straight from its
XML parts, so it needs no library, and reports each leak with the paragraph it sits in.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60\uff66-\uff9f]+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*")
PROSE = re.compile(r"[a-z]{3,}")
"""A Latin word with three lower-case letters in a row is English prose; acronyms, symbols and units (JCM,
LCCAP, SOx, t-CO2eq, MW, A4) are written so in Japanese text too."""
# English words a Japanese document may still hold: names the call itself writes in Latin letters (Project
# Idea Note for the Study, word/Pdf formats, Scope1+2), file extensions, and our command where a document says
# to run it.
ALLOWED_LATIN = {"Project", "Idea", "Note", "for", "the", "Study", "Word", "word", "Pdf", "docx", "pptx", "xlsx",
                 "pdf", "c3p-docs", "check-package", "fields", "Scope"}
OUR_OPTIONS = r"--form [a-z_]+=FILE"
"""An option of our command with its value, as the checklist tells the user to type it (`--form pledge=FILE`)."""
PARAGRAPH_TAGS = ("}p", "}si")


@dataclass(frozen=True)
class Leak:
    file: str
    text: str
    context: str


def paragraphs(path: Path) -> list[str]:
    """Every paragraph of text in a .docx, .pptx or .xlsx, in part order."""
    import xml.etree.ElementTree as ET

    found: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if not name.endswith(".xml") or not name.startswith(("word/", "ppt/slides/", "xl/")):
                continue
            if name.startswith("word/") and not name.split("/")[-1].startswith(("document", "header", "footer")):
                continue
            root = ET.fromstring(archive.read(name))
            for element in root.iter():
                if element.tag.endswith(PARAGRAPH_TAGS):
                    literal = {node for run in element.iter() if _is_literal(run) for node in run.iter()}
                    text = "".join(" " if node in literal else _text_of(node) for node in element.iter())
                    if text.strip():
                        found.append(text)
    return found


def _is_literal(run) -> bool:
    """A run of literal text (a file name, an address, a command: `<code>` in the markup), which is in no language:
    the writers mark it not to be proofed (w:noProof, a:rPr/@noProof)."""
    tag = run.tag.rsplit("}", 1)[-1]
    return tag == "r" and any(child.tag.endswith("}rPr") and (child.get("noProof") == "1" or any(
        grandchild.tag.endswith("}noProof") for grandchild in child)) for child in run)


DRAWINGML = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def _text_of(node) -> str:
    """The text one element of a paragraph contributes, as a reader sees it. A slide paragraph's line breaks are
    where slides.py laid its lines out (a phrase may run across one); a Word line break parts what it separates."""
    tag = node.tag.rsplit("}", 1)[-1]
    if tag == "t":
        return node.text or ""
    if node.tag == DRAWINGML + "br":
        return ""
    return {"noBreakHyphen": "-", "tab": " ", "br": " ", "cr": " "}.get(tag, "")


def one_language_values(project_path: Path) -> tuple[set[str], set[str]]:
    """Values the user gave in only one language (validate warns about them): (Japanese ones, Latin ones).

    A document in the other language shows them as given, so they are not the tool's leaks.
    """
    data = yaml.safe_load(project_path.read_text(encoding="utf-8"))
    japanese: set[str] = set()
    latin: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, dict):
            keys = set(value)
            if keys and keys <= {"ja", "en"} and all(isinstance(v, (str, type(None))) for v in value.values()):
                given = [v for v in value.values() if v]
                if len(given) == 1:
                    (japanese if JAPANESE.search(given[0]) else latin).add(given[0])
                return
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            (japanese if JAPANESE.search(value) else latin).add(value)

    walk(data)
    return japanese, latin


def scan(path: Path, lang: str, allowed: set[str] = frozenset()) -> list[Leak]:  # type: ignore[assignment]
    """Leaks in one document: runs of Japanese in an English one, Latin words in a Japanese one.

    `allowed` holds whole strings that may appear as they are (the Japanese subject the call requires,
    file names build writes, values the user gave in one language).
    """
    leaks: list[Leak] = []
    for paragraph in paragraphs(path):
        text = re.sub(r"\S+@\S+|https?://\S+|\S+\.(?:docx|pptx|xlsx|pdf)\b|" + OUR_OPTIONS, " ", paragraph)
        for value in sorted(allowed, key=len, reverse=True):
            if value:
                text = text.replace(value, " ")
        if lang == "en":
            leaks += [Leak(path.name, match.group(0), paragraph) for match in JAPANESE.finditer(text)]
        else:
            leaks += [Leak(path.name, match.group(0), paragraph) for match in LATIN_WORD.finditer(text)
                      if PROSE.search(match.group(0)) and match.group(0).strip("-").rstrip("0123456789") not in ALLOWED_LATIN]
    return leaks


def scan_build(out: Path, project_path: Path | None = None, extra_allowed: set[str] = frozenset()) -> list[Leak]:  # type: ignore[assignment]
    """Every leak in a build folder, by the language its manifest gives each file."""
    import json

    japanese, latin = one_language_values(project_path) if project_path else (set(), set())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    leaks: list[Leak] = []
    for entry in manifest:
        path = out / entry["path"]
        if path.suffix not in (".docx", ".pptx", ".xlsx") or not path.is_file():
            continue
        allowed = (japanese if entry["lang"] == "en" else latin) | set(extra_allowed)
        leaks += scan(path, entry["lang"], allowed)
    return leaks
