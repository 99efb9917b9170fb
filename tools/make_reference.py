"""Regenerate templates/common/reference.docx and reference.pptx, the base every rendition starts from.

    python tools/make_reference.py [--out DIR]

Like pandoc's reference.docx: page setup and styles live in these files, not in code, and a user's own
`reference.docx` / `reference.pptx` in `--templates DIR` restyles every document. They hold only what we use
(python-docx's default template carries 349 KB of styles.xml and a 438 KB stylesWithEffects.xml; loading,
re-serialising and compressing those cost ~25 ms per document). Fonts are set again per language when a
document is made (documents/reference.py), so East Asian faces are right whatever a user's file says.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from c3p_docs.documents.packaging import normalise_zip  # noqa: E402

TARGET = ROOT / "templates" / "common"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"

# A4 (11906 × 16838 twips), 25 mm top/bottom, 22 mm left/right, header and footer 12 mm from the edge.
PAGE = ('<w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1417" w:right="1247" w:bottom="1417" w:left="1247" w:header="680" w:footer="680" w:gutter="0"/>'
        '<w:cols w:space="720"/><w:docGrid w:linePitch="360"/>')
TEXT_WIDTH = 11906 - 2 * 1247
BODY = ('<w:rFonts w:ascii="游明朝" w:hAnsi="游明朝" w:eastAsia="游明朝" w:cs="游明朝"/>')
GOTHIC = ('<w:rFonts w:ascii="游ゴシック" w:hAnsi="游ゴシック" w:eastAsia="游ゴシック" w:cs="游ゴシック"/>')


def heading(level: int, size_pt: int, before_twips: int) -> str:
    return (f'<w:style w:type="paragraph" w:styleId="Heading{level}"><w:name w:val="heading {level}"/>'
            '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/>'
            f'<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="{before_twips}" w:after="60"/>'
            f'<w:outlineLvl w:val="{level - 1}"/></w:pPr>'
            f'<w:rPr>{GOTHIC}<w:b/><w:bCs/><w:i w:val="0"/><w:color w:val="1F3A5F"/><w:sz w:val="{size_pt * 2}"/>'
            f'<w:szCs w:val="{size_pt * 2}"/></w:rPr></w:style>')


STYLES = (
    f'<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>{BODY}<w:sz w:val="22"/><w:szCs w:val="22"/>'
    '<w:lang w:val="en-US" w:eastAsia="ja-JP" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
    '<w:pPrDefault><w:pPr><w:spacing w:after="200" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
    '</w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
    '<w:pPr><w:spacing w:after="40" w:line="276" w:lineRule="auto"/></w:pPr>'
    '<w:rPr><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>'
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
    '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
    '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
    + heading(1, 14, 200) + heading(2, 12, 120) + heading(3, 11, 120) +
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
    '<w:uiPriority w:val="59"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>'
    + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
              for side in ("top", "left", "bottom", "right", "insideH", "insideV")) +
    '</w:tblBorders><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    + "".join(f'<w:style w:type="paragraph" w:styleId="{name.title()}"><w:name w:val="{name}"/>'
              '<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:tabs>'
              f'<w:tab w:val="center" w:pos="{TEXT_WIDTH // 2}"/><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/>'
              '</w:tabs><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:style>'
              for name in ("header", "footer")) +
    '</w:styles>')

# python-docx's default settings without revision ids, proofing state and the preview picture.
SETTINGS = (
    f'<w:settings xmlns:w="{W}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
    '<w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:useFELayout/>'
    + "".join(f'<w:compatSetting w:name="{name}" w:uri="http://schemas.microsoft.com/office/word" w:val="{value}"/>'
              for name, value in (("compatibilityMode", 14), ("overrideTableStyleFontSizeAndJustification", 1),
                                  ("enableOpenTypeFeatures", 1), ("doNotFlipMirrorIndents", 1))) +
    '</w:compat><w:themeFontLang w:val="en-US" w:eastAsia="ja-JP"/>'
    '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>')

FONTS = (f'<w:fonts xmlns:w="{W}">' + "".join(
    f'<w:font w:name="{name}">{alt}<w:charset w:val="{charset}"/><w:family w:val="{family}"/>'
    '<w:pitch w:val="variable"/></w:font>'
    for name, alt, charset, family in (
        ("游明朝", '<w:altName w:val="Yu Mincho"/>', "80", "roman"),
        ("游ゴシック", '<w:altName w:val="Yu Gothic"/>', "80", "swiss"),
        ("Times New Roman", "", "00", "roman"),
        ("Arial", "", "00", "swiss"))) + "</w:fonts>")

DOCUMENT = f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body><w:sectPr>{PAGE}</w:sectPr></w:body></w:document>'

CORE = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title/><dc:creator/><cp:lastModifiedBy/>'
        '<cp:revision>1</cp:revision></cp:coreProperties>')
APP = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
       '<Application>c3p-docs</Application></Properties>')

OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
PACKAGE_RELS = (
    f'<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{OFFICE}officeDocument" Target="word/document.xml"/>'
    f'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{OFFICE}extended-properties" Target="docProps/app.xml"/></Relationships>')
DOCUMENT_RELS = (
    f'<Relationships xmlns="{RELS}">'
    + "".join(f'<Relationship Id="rId{index}" Type="{OFFICE}{kind}" Target="{kind}.xml"/>'
              for index, kind in enumerate(("styles", "settings"), 1))
    + f'<Relationship Id="rId3" Type="{OFFICE}fontTable" Target="fontTable.xml"/></Relationships>')
WORDML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{WORDML}document.main+xml"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{WORDML}styles+xml"/>'
    f'<Override PartName="/word/settings.xml" ContentType="{WORDML}settings+xml"/>'
    f'<Override PartName="/word/fontTable.xml" ContentType="{WORDML}fontTable+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')


def make_docx() -> bytes:
    parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": PACKAGE_RELS, "word/document.xml": DOCUMENT,
             "word/_rels/document.xml.rels": DOCUMENT_RELS, "word/styles.xml": STYLES,
             "word/settings.xml": SETTINGS, "word/fontTable.xml": FONTS, "docProps/core.xml": CORE,
             "docProps/app.xml": APP}
    return _zip({name: HEADER + xml for name, xml in parts.items()})


# A4 landscape, exact (TECH-NOTES): 297 × 210 mm; python-pptx's default is 4:3 (9,144,000 × 6,858,000 EMU).
SLIDE_WIDTH, SLIDE_HEIGHT = 10_692_000, 7_560_000
KEEP_LAYOUT = "ppt/slideLayouts/slideLayout7.xml"  # "Blank", the only layout we use


def make_pptx() -> bytes:
    """python-pptx's default deck cut to its master, the Blank layout and the theme, resized to A4."""
    import pptx

    source = zipfile.ZipFile(Path(pptx.__file__).parent / "templates" / "default.pptx")
    parts = {name: source.read(name) for name in source.namelist()}
    dropped = {name for name in parts if name.startswith(("ppt/slideLayouts/", "ppt/printerSettings/"))
               or name == "docProps/thumbnail.jpeg"}
    dropped -= {KEEP_LAYOUT, "ppt/slideLayouts/_rels/slideLayout7.xml.rels"}
    for name in dropped:
        del parts[name]
    renamed = "ppt/slideLayouts/slideLayout1.xml"
    parts[renamed] = parts.pop(KEEP_LAYOUT)
    parts["ppt/slideLayouts/_rels/slideLayout1.xml.rels"] = parts.pop("ppt/slideLayouts/_rels/slideLayout7.xml.rels")

    def edit(name: str, change) -> None:
        root = etree.fromstring(parts[name])
        change(root)
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def keep_relationships(root) -> None:
        for rel in list(root):
            target = rel.get("Target")
            if target.endswith("slideLayout7.xml"):
                rel.set("Target", "../slideLayouts/slideLayout1.xml")
            elif "slideLayout" in target or "printerSettings" in target or "thumbnail" in target:
                root.remove(rel)

    for name in ("_rels/.rels", "ppt/_rels/presentation.xml.rels", "ppt/slideMasters/_rels/slideMaster1.xml.rels"):
        edit(name, keep_relationships)
    kept_ids = set(re.findall(rb'Id="(rId\d+)"', parts["ppt/slideMasters/_rels/slideMaster1.xml.rels"]))

    def content_types(root) -> None:
        for entry in list(root):
            part_name, extension = entry.get("PartName", ""), entry.get("Extension")
            if part_name.lstrip("/") in dropped or extension in ("jpeg", "bin") or part_name == f"/{KEEP_LAYOUT}":
                root.remove(entry)
        override = etree.SubElement(root, "{http://schemas.openxmlformats.org/package/2006/content-types}Override")
        override.set("PartName", f"/{renamed}")
        override.set("ContentType", "application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml")

    edit("[Content_Types].xml", content_types)
    p = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

    def presentation(root) -> None:
        size = root.find(f"{p}sldSz")
        size.attrib.clear()
        size.set("cx", str(SLIDE_WIDTH))
        size.set("cy", str(SLIDE_HEIGHT))

    edit("ppt/presentation.xml", presentation)

    def resize(root) -> None:
        """Placeholders keep their place on the page (python-pptx #873: a new size moves nothing)."""
        sx, sy = SLIDE_WIDTH / 9_144_000, SLIDE_HEIGHT / 6_858_000
        for offset in root.iter(f"{a}off"):
            offset.set("x", str(round(int(offset.get("x")) * sx)))
            offset.set("y", str(round(int(offset.get("y")) * sy)))
        for extent in root.iter(f"{a}ext"):
            if "cx" in extent.attrib:  # not the a:ext of an extension list
                extent.set("cx", str(round(int(extent.get("cx")) * sx)))
                extent.set("cy", str(round(int(extent.get("cy")) * sy)))

    def master(root) -> None:
        resize(root)
        layouts = root.find(f"{p}sldLayoutIdLst")
        r_id = "{%s}id" % R
        for entry in list(layouts):
            if entry.get(r_id).encode() not in kept_ids:
                layouts.remove(entry)

    edit("ppt/slideMasters/slideMaster1.xml", master)
    edit(renamed, resize)

    def theme(root) -> None:
        for font in root.iterfind(f".//{a}fontScheme/*"):
            font.find(f"{a}latin").set("typeface", "游ゴシック")
            font.find(f"{a}ea").set("typeface", "游ゴシック")

    edit("ppt/theme/theme1.xml", theme)
    parts["docProps/app.xml"] = (HEADER + APP).encode()
    parts["docProps/core.xml"] = (HEADER + CORE).encode()
    order = ["[Content_Types].xml"] + sorted(name for name in parts if name != "[Content_Types].xml")
    return _zip({name: parts[name] for name in order})


def _zip(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data.encode() if isinstance(data, str) else data)
    return normalise_zip(buffer.getvalue())


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TARGET, help=f"folder to write into (default {TARGET})")
    folder = parser.parse_args().out
    for name, data in (("reference.docx", make_docx()), ("reference.pptx", make_pptx())):
        (folder / name).write_bytes(data)
        print(f"wrote {folder / name} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
