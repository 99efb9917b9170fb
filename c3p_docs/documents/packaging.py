"""Byte-identical OOXML: rewrite a package's zip with fixed timestamps, attributes and entry order."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Any, cast

from c3p_docs.documents.measure import visible

FIXED_TIME = (2000, 1, 1, 0, 0, 0)


# DOS date and time of FIXED_TIME: ((year - 1980) << 9 | month << 5 | day), (hour << 11 | minute << 5 | second // 2)
_DOS_DATE, _DOS_TIME = (FIXED_TIME[0] - 1980) << 9 | FIXED_TIME[1] << 5 | FIXED_TIME[2], 0
_EXTERNAL_ATTRIBUTES = 0o600 << 16
_DEFLATED: dict[str, tuple[bytes, int, bytes]] = {}
"""Member name → (its last content, CRC-32, deflated bytes): parts that come out the same in every document
(styles, settings, theme, slide master and layout) are compressed once per process, not once per document."""


def _deflate(name: str, blob: bytes) -> tuple[int, bytes]:
    cached = _DEFLATED.get(name)
    if cached is not None and cached[0] == blob:
        return cached[1], cached[2]
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)  # what zipfile does at compresslevel=6
    deflated = compressor.compress(blob) + compressor.flush()
    crc = zlib.crc32(blob)
    _DEFLATED[name] = (blob, crc, deflated)
    return crc, deflated


class _FixedTimeZip:
    """The physical writer python-docx and python-pptx write parts through: a plain zip, every entry stamped alike.

    Written by hand (zipfile cannot take data already deflated) in the layout zipfile itself writes. `insertions`
    maps a member's name to a mark in it and the bytes that replace the mark's last occurrence.
    """

    def __init__(self, insertions: dict[str, tuple[bytes, bytes]] | None = None) -> None:
        self.chunks: list[bytes] = []
        self.directory: list[bytes] = []
        self.offset = 0
        self.insertions = insertions or {}

    def write(self, pack_uri, blob: bytes) -> None:
        self.add(pack_uri.membername, blob)

    def add(self, name: str, blob: bytes) -> None:
        if name in self.insertions:
            mark, text = self.insertions[name]
            at = blob.rfind(mark)
            if at < 0:
                raise ValueError(f"{name}: the mark where the document's text goes is missing")
            blob = blob[:at] + text + blob[at + len(mark):]
        crc, deflated = _deflate(name, blob)
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else 0x800  # bit 11: the name is UTF-8
        fields = (20, flags, 8, _DOS_TIME, _DOS_DATE, crc, len(deflated), len(blob), len(encoded))
        header = struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0)
        self.directory.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0,
                                          _EXTERNAL_ATTRIBUTES, self.offset) + encoded)
        self.chunks += [header, encoded, deflated]
        self.offset += len(header) + len(encoded) + len(deflated)

    def close(self) -> bytes:
        directory = b"".join(self.directory)
        end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(self.directory), len(self.directory),
                          len(directory), self.offset, 0)
        return b"".join(self.chunks) + directory + end


def xml_text(value: str) -> str:
    """`value` as XML character data, escaped as lxml writes it, so a parser gives back exactly `value` (a carriage
    return kept as one, not read back as a line feed). For the XML text `save_docx` and `save_pptx` write in."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def xml_attribute(value: object) -> str:
    """`value` for a double-quoted attribute, escaped as lxml writes it: line breaks and tabs kept, not
    normalised to spaces."""
    return xml_text(str(value)).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def place_mark(parent, mark: str, before=None) -> None:
    """The comment `mark` in `parent`, before the child `before` (else last): where `save_docx` / `save_pptx`
    write XML text into the part."""
    from lxml import etree

    comment = etree.Comment(mark)
    if before is None:
        parent.append(comment)
    else:
        before.addprevious(comment)


BLOCKS_MARK = "c3p-docs: the body's blocks"
"""The text of the comment `save_docx` replaces with the body's XML text."""


def save_docx(document, blocks: str | None = None) -> bytes:
    """Save once with fixed timestamps; if a python-docx release drops the writer steps we use, fall back to
    saving normally and re-zipping (tests/test_repository.py fails loudly when that happens).

    `blocks`, XML text of body elements (in the part's `w` prefix, as lxml serializes them), goes into the
    main document part's bytes in place of the `<!--BLOCKS_MARK-->` comment in its body (parsing the text
    into the tree only to serialize it again took longer than writing it).
    """
    insertions = {}
    if blocks is not None:
        insertions[document.part.partname.membername] = (f"<!--{BLOCKS_MARK}-->".encode(), blocks.encode())
    try:
        return write_docx_package(document, insertions)
    except (AttributeError, TypeError, ImportError):
        buffer = io.BytesIO()
        document.save(buffer)
        return normalise_zip(buffer.getvalue(), insertions)


def write_docx_package(document, insertions: dict[str, tuple[bytes, bytes]] | None = None) -> bytes:
    """python-docx's own package-writer steps (private API), content types first as the library orders them."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    writer = _FixedTimeZip(insertions)
    physical = cast(Any, writer)  # duck-types the library's PhysPkgWriter: only write() is called
    PackageWriter._write_content_types_stream(physical, parts)
    PackageWriter._write_pkg_rels(physical, package.rels)
    PackageWriter._write_parts(physical, parts)
    return writer.close()


SHAPES_MARK = "c3p-docs: the slide's shapes"
"""The text of the comment `save_pptx` replaces with a slide's shapes' XML text."""


def save_pptx(presentation, shapes: dict[str, str] | None = None) -> bytes:
    """As `save_docx`, through python-pptx's package writer. `shapes` maps a slide part's member name to XML text
    of shapes (in the part's `a` and `p` prefixes, as lxml serializes them) that goes in place of the
    `<!--SHAPES_MARK-->` comment in its shape tree."""
    mark = f"<!--{SHAPES_MARK}-->".encode()
    insertions = {name: (mark, text.encode()) for name, text in (shapes or {}).items()}
    try:
        return write_pptx_package(presentation, insertions)
    except (AttributeError, TypeError, ImportError):
        buffer = io.BytesIO()
        presentation.save(buffer)
        return normalise_zip(buffer.getvalue(), insertions)


def write_pptx_package(presentation, insertions: dict[str, tuple[bytes, bytes]] | None = None) -> bytes:
    """python-pptx's own package-writer steps (private API)."""
    from pptx.opc.serialized import PackageWriter

    package = presentation.part.package
    writer = _FixedTimeZip(insertions)
    physical = cast(Any, writer)  # duck-types the library's _PhysPkgWriter: only write() is called
    steps = PackageWriter(io.BytesIO(), package._rels, tuple(package.iter_parts()))
    steps._write_content_types_stream(physical)
    steps._write_pkg_rels(physical)
    steps._write_parts(physical)
    return writer.close()


def normalise_zip(data: bytes, insertions: dict[str, tuple[bytes, bytes]] | None = None) -> bytes:
    """`[Content_Types].xml` first, then the other parts in their original order, all stamped alike.

    python-docx and python-pptx stamp the current time on every entry (python-docx #811, python-pptx #702).
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    ordered = [n for n in names if n == "[Content_Types].xml"] + [n for n in names if n != "[Content_Types].xml"]
    target = _FixedTimeZip(insertions)
    for name in ordered:
        target.add(name, source.read(name))
    return target.close()


MAX_PROPERTY = 255
"""Core properties hold at most 255 characters (OPC); the document text keeps the full title."""


def _property(text: str) -> str:
    text = visible(text)
    return text if len(text) <= MAX_PROPERTY else text[:MAX_PROPERTY - 1] + "…"


def apply_metadata(properties, metadata) -> None:
    """Author, title and dates from the project, never the library's defaults ("python-docx", "Steve Canny"); no
    invisible characters (measure.visible)."""
    properties.title = _property(metadata.title)
    properties.author = _property(metadata.author)
    properties.last_modified_by = _property(metadata.author)
    properties.subject = _property(metadata.subject)
    properties.comments = ""
    properties.keywords = "C3P"
    properties.language = "ja-JP" if metadata.language == "ja" else "en-GB"
    properties.created = metadata.created
    properties.modified = metadata.created
    properties.revision = 1


_THEMES: dict[tuple[bytes, str, str], bytes] = {}
"""(A theme part's bytes, faces) → its bytes with those faces: worked out once per process, set on every deck."""


def set_theme_fonts(presentation, latin: str, east_asian: str) -> None:
    """The theme's major and minor faces, East Asian included (python-pptx keeps the theme as raw bytes)."""
    master = presentation.slide_masters[0]
    theme_part = next(rel.target_part for rel in master.part.rels.values() if rel.reltype.endswith("/theme"))
    key = (theme_part.blob, latin, east_asian)
    themed = _THEMES.get(key)
    if themed is None:
        themed = _THEMES[key] = _themed(theme_part.blob, latin, east_asian)
    theme_part._blob = themed


def _themed(theme: bytes, latin: str, east_asian: str) -> bytes:
    from lxml import etree

    root = etree.fromstring(theme)
    namespace = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    for font in root.iterfind(".//a:fontScheme/*", namespace):
        for tag, typeface in (("a:latin", latin), ("a:ea", east_asian)):
            element = font.find(tag, namespace)
            if element is None:
                element = etree.SubElement(font, f"{{{namespace['a']}}}{tag[2:]}")
            element.set("typeface", typeface)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
