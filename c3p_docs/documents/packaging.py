"""Byte-identical OOXML: rewrite a package's zip with fixed timestamps, attributes and entry order."""

from __future__ import annotations

import io
import zipfile
from typing import Any, cast

FIXED_TIME = (2000, 1, 1, 0, 0, 0)


class _FixedTimeZip:
    """The physical writer python-docx and python-pptx write parts through, stamping every entry alike."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.zip = zipfile.ZipFile(self.buffer, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, date_time=FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        info.create_system = 0
        self.zip.writestr(info, blob, compresslevel=6)

    def close(self) -> bytes:
        self.zip.close()
        return self.buffer.getvalue()


def save_docx(document) -> bytes:
    """Save once with fixed timestamps; if a python-docx release drops the writer steps we use, fall back to
    saving normally and re-zipping (tests/test_repository.py fails loudly when that happens)."""
    try:
        return write_docx_package(document)
    except (AttributeError, TypeError, ImportError):
        buffer = io.BytesIO()
        document.save(buffer)
        return normalise_zip(buffer.getvalue())


def write_docx_package(document) -> bytes:
    """python-docx's own package-writer steps (private API), content types first as the library orders them."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    writer = _FixedTimeZip()
    physical = cast(Any, writer)  # duck-types the library's PhysPkgWriter: only write() is called
    PackageWriter._write_content_types_stream(physical, parts)
    PackageWriter._write_pkg_rels(physical, package.rels)
    PackageWriter._write_parts(physical, parts)
    return writer.close()


def save_pptx(presentation) -> bytes:
    """As `save_docx`, through python-pptx's package writer."""
    try:
        return write_pptx_package(presentation)
    except (AttributeError, TypeError, ImportError):
        buffer = io.BytesIO()
        presentation.save(buffer)
        return normalise_zip(buffer.getvalue())


def write_pptx_package(presentation) -> bytes:
    """python-pptx's own package-writer steps (private API)."""
    from pptx.opc.serialized import PackageWriter

    package = presentation.part.package
    writer = _FixedTimeZip()
    physical = cast(Any, writer)  # duck-types the library's _PhysPkgWriter: only write() is called
    steps = PackageWriter(io.BytesIO(), package._rels, tuple(package.iter_parts()))
    steps._write_content_types_stream(physical)
    steps._write_pkg_rels(physical)
    steps._write_parts(physical)
    return writer.close()


def normalise_zip(data: bytes) -> bytes:
    """`[Content_Types].xml` first, then the other parts in their original order, all stamped alike.

    python-docx and python-pptx stamp the current time on every entry (python-docx #811, python-pptx #702).
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    ordered = [n for n in names if n == "[Content_Types].xml"] + [n for n in names if n != "[Content_Types].xml"]
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as output:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            output.writestr(info, source.read(name), compresslevel=6)
    return target.getvalue()


def apply_metadata(properties, metadata) -> None:
    """Author, title and dates from the project, never the library's defaults ("python-docx", "Steve Canny")."""
    properties.title = metadata.title
    properties.author = metadata.author
    properties.last_modified_by = metadata.author
    properties.subject = metadata.subject
    properties.comments = ""
    properties.keywords = "C3P"
    properties.language = "ja-JP" if metadata.language == "ja" else "en-GB"
    properties.created = metadata.created
    properties.modified = metadata.created
    properties.revision = 1


def set_theme_fonts(presentation, latin: str, east_asian: str) -> None:
    """The theme's major and minor faces, East Asian included (python-pptx keeps the theme as raw bytes)."""
    from lxml import etree

    master = presentation.slide_masters[0]
    theme_part = next(rel.target_part for rel in master.part.rels.values() if rel.reltype.endswith("/theme"))
    root = etree.fromstring(theme_part.blob)
    namespace = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    for font in root.iterfind(".//a:fontScheme/*", namespace):
        for tag, typeface in (("a:latin", latin), ("a:ea", east_asian)):
            element = font.find(tag, namespace)
            if element is None:
                element = etree.SubElement(font, f"{{{namespace['a']}}}{tag[2:]}")
            element.set("typeface", typeface)
    theme_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
