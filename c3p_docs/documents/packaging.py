"""Byte-identical OOXML: rewrite a package's zip with fixed timestamps, attributes and entry order."""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (2000, 1, 1, 0, 0, 0)


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
