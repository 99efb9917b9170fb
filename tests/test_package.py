"""check-package on folders with every trap the call forbids, made of real files."""

from __future__ import annotations

import datetime
import email
import email.policy
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from conftest import FY2024, FY2026, MINIMAL, assert_no_traceback, invoke, run_cli, write_project
from pypdf import PdfWriter


def pdf_bytes(pages: int = 1, password: str | None = None, owner_only: bool = False) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595.28, 841.89)
    if password is not None:
        writer.encrypt(user_password="" if owner_only else password, owner_password=password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def built_submission(tmp_path_factory):
    out = tmp_path_factory.mktemp("pkg") / "out"
    result = run_cli("build", FY2026, "-o", out, "--pdf", "never", "--only", "overview,summary,pledge,cover")
    assert result.returncode == 0, result.stderr
    return out / "submission"


@pytest.fixture
def clean_folder(built_submission, tmp_path):
    """A complete FY2026 package for the Kitakyushu sample: built documents plus PDF copies."""
    folder = tmp_path / "submission"
    shutil.copytree(built_submission, folder)
    for name in ("(1)_応募様式.pdf", "(5)_団体概要_1.pdf", "(5)_団体概要_2.pdf", "(5)_団体概要_3.pdf",
                 "(6)_環境マネジメント認証.pdf", "(7)_WLB認定.pdf", "(8)_関心表明レター.pdf",
                 "(8)_関心表明レター_和訳.pdf", "(9)_競争参加資格.pdf"):
        (folder / name).write_bytes(pdf_bytes())
    return folder


def check(folder: Path, *extra: str) -> tuple[int, dict]:
    result = invoke("check-package", folder, "--project", FY2026, "--format", "json", *extra)
    assert_no_traceback(result)
    return result.returncode, json.loads(result.stdout)


def codes_for(payload: dict, name: str) -> set[str]:
    return {f["code"] for f in payload["findings"] if f.get("file", "").endswith(name)}


def test_a_clean_package_passes(clean_folder):
    code, payload = check(clean_folder)
    errors = [f for f in payload["findings"] if f["severity"] == "error"]
    assert code == 0, errors
    assert len(payload["mails"]) == 1 and payload["transfer_service"] == []


def test_missing_attachments_are_named_by_number(clean_folder):
    (clean_folder / "(9)_競争参加資格.pdf").unlink()
    (clean_folder / "(6)_環境マネジメント認証.pdf").unlink()
    code, payload = check(clean_folder)
    assert code == 1
    missing = {f["attachment"] for f in payload["findings"] if f["code"] == "missing-attachment"}
    assert missing == {"(9)", "(6)"}


def test_a_missing_english_overview_and_translation(clean_folder):
    (clean_folder / "(2)_調査事業概要_en.pptx").unlink()
    (clean_folder / "(8)_関心表明レター_和訳.pdf").unlink()
    _, payload = check(clean_folder)
    translations = [f for f in payload["findings"] if f["code"] == "missing-translation"]
    assert {f["attachment"] for f in translations} == {"(2)", "(8)"}


def make_macro_docx(source: Path, target: Path, how: str) -> None:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "[Content_Types].xml" and how == "content-type":
                data = data.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            copy.writestr(info, data)
        if how == "renamed-vba":
            copy.writestr("word/media/image9.png", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


def test_macros_are_found_by_content_whatever_the_extension(clean_folder, tmp_path):
    summary = clean_folder / "(3)_応募事業概要書_ja.docx"
    make_macro_docx(summary, tmp_path / "a.docx", "content-type")
    shutil.move(tmp_path / "a.docx", summary)
    make_macro_docx(clean_folder / "(3)_応募事業概要書_en.docx", tmp_path / "b.docx", "renamed-vba")
    shutil.move(tmp_path / "b.docx", clean_folder / "(3)_応募事業概要書_en.docx")
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "WordDocument".encode("utf-16-le") + \
        b"\0" * 100 + "_VBA_PROJECT".encode("utf-16-le") + b"\0" * 400
    (clean_folder / "(10)_その他資料.doc").write_bytes(legacy)
    (clean_folder / "(10)_その他.docm").write_bytes(summary.read_bytes())
    code, payload = check(clean_folder)
    assert code == 1
    assert "macro" in codes_for(payload, "(3)_応募事業概要書_ja.docx")
    assert "macro" in codes_for(payload, "(3)_応募事業概要書_en.docx")
    assert "macro" in codes_for(payload, "(10)_その他資料.doc")
    assert "macro" in codes_for(payload, "(10)_その他.docm")


def test_archives_are_found_by_magic_bytes(clean_folder):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("letter.pdf", pdf_bytes())
    (clean_folder / "(9)_競争参加資格.pdf").write_bytes(buffer.getvalue())  # a zip renamed .pdf
    (clean_folder / "(10)_資料.pdf").write_bytes(b"7z\xbc\xaf\x27\x1c" + os.urandom(200))
    (clean_folder / "(10)_資料.exe").write_bytes(b"MZ" + b"\0" * 300 + b"PK\x03\x04" + os.urandom(100))
    (clean_folder / "(10)_資料.lzh").write_bytes(b"\x20\x00-lh5-" + os.urandom(100))
    code, payload = check(clean_folder)
    assert code == 1
    for name in ("(9)_競争参加資格.pdf", "(10)_資料.pdf", "(10)_資料.exe", "(10)_資料.lzh"):
        assert "archive" in codes_for(payload, name), name


def test_encrypted_and_corrupt_pdfs(clean_folder):
    (clean_folder / "(9)_競争参加資格.pdf").write_bytes(pdf_bytes(password="secret"))
    (clean_folder / "(7)_WLB認定.pdf").write_bytes(pdf_bytes(password="owner", owner_only=True))
    (clean_folder / "(6)_環境マネジメント認証.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(300))
    code, payload = check(clean_folder)
    assert code == 1
    severities = {(f["code"], f["severity"]) for f in payload["findings"] if f.get("file", "").endswith("(9)_競争参加資格.pdf")}
    assert ("pdf-encrypted", "error") in severities
    assert ("pdf-encrypted", "warning") in {(f["code"], f["severity"]) for f in payload["findings"]
                                            if f.get("file", "").endswith("(7)_WLB認定.pdf")}
    assert "corrupt-file" in codes_for(payload, "(6)_環境マネジメント認証.pdf")


def test_application_form_must_be_pdf_and_overview_one_a4_slide(clean_folder, tmp_path):
    (clean_folder / "(1)_応募様式.pdf").unlink()
    shutil.copy(clean_folder / "(3)_応募事業概要書_ja.docx", clean_folder / "(1)_応募様式.docx")
    from pptx import Presentation

    deck = Presentation(str(clean_folder / "(2)_調査事業概要_en.pptx"))
    deck.slides.add_slide(deck.slide_layouts[0])
    deck.save(str(clean_folder / "(2)_調査事業概要_en.pptx"))
    letter = Presentation()
    letter.slides.add_slide(letter.slide_layouts[6])
    letter.save(str(clean_folder / "(2)_調査事業概要_ja.pptx"))
    code, payload = check(clean_folder)
    assert code == 1
    assert "application-form-not-pdf" in codes_for(payload, "(1)_応募様式.docx")
    assert "overview-not-one-page" in codes_for(payload, "(2)_調査事業概要_en.pptx")
    assert "overview-not-one-page" in codes_for(payload, "(2)_調査事業概要_ja.pptx")  # 4:3 letter size


def test_names_windows_nfd_system_files_and_symlinks(clean_folder):
    (clean_folder / "(10)_資料CON.pdf").write_bytes(pdf_bytes())
    (clean_folder / "CON.pdf").write_bytes(pdf_bytes())
    (clean_folder / "(10)_a:b.pdf").write_bytes(pdf_bytes())
    (clean_folder / "(10)_trailing.").write_bytes(pdf_bytes())
    nfd = unicodedata.normalize("NFD", "(10)_ガイド資料.pdf")
    (clean_folder / nfd).write_bytes(pdf_bytes())
    (clean_folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (clean_folder / "~$応募様式.docx").write_bytes(b"lock")
    (clean_folder / "(10)_link.pdf").symlink_to("/etc/passwd")
    (clean_folder / "(10)_空.pdf").write_bytes(b"")
    (clean_folder / "(10)_㈱資料.pdf").write_bytes(pdf_bytes())
    code, payload = check(clean_folder)
    assert code == 1
    assert "filename-windows" in codes_for(payload, "/CON.pdf")
    assert "filename-windows" not in codes_for(payload, "(10)_資料CON.pdf")
    assert "filename-windows" in codes_for(payload, "(10)_a:b.pdf")
    assert "filename-windows" in codes_for(payload, "(10)_trailing.")
    assert "filename-nfd" in codes_for(payload, nfd)
    assert "system-file" in codes_for(payload, ".DS_Store")
    assert "draft-in-package" in codes_for(payload, "~$応募様式.docx")  # Office's lock file: never mailed
    assert "symlink" in codes_for(payload, "(10)_link.pdf")
    assert "empty-file" in codes_for(payload, "(10)_空.pdf")
    assert "filename-machine-dependent" in codes_for(payload, "(10)_㈱資料.pdf")
    assert all("root:" not in json.dumps(f) for f in payload["findings"])


def test_fix_names_renames_nfd_to_nfc(clean_folder):
    nfd = unicodedata.normalize("NFD", "(10)_ガイド資料.pdf")
    (clean_folder / nfd).write_bytes(pdf_bytes())
    result = run_cli("check-package", clean_folder, "--project", FY2026, "--fix-names")
    assert result.returncode == 0, result.stdout
    names = os.listdir(clean_folder)
    assert unicodedata.normalize("NFC", "(10)_ガイド資料.pdf") in names and nfd not in names


def test_zip_bombs_are_refused_without_extracting(clean_folder):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (80 * 1024 * 1024))
    (clean_folder / "(10)_bomb.docx").write_bytes(bomb.getvalue())
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for index in range(6000):
            archive.writestr(f"word/x{index}.xml", "")
    (clean_folder / "(10)_many.docx").write_bytes(many.getvalue())
    code, payload = check(clean_folder)
    assert code == 1
    assert "archive" in codes_for(payload, "(10)_bomb.docx")
    assert "archive" in codes_for(payload, "(10)_many.docx")


def test_unknown_files_and_large_images(clean_folder):
    (clean_folder / "memo.pdf").write_bytes(pdf_bytes())
    (clean_folder / "(14)_extra.pdf").write_bytes(pdf_bytes())
    image = io.BytesIO()
    image.write(b"\x89PNG\r\n\x1a\n" + os.urandom(1_500_000))
    with zipfile.ZipFile(clean_folder / "(3)_応募事業概要書_ja.docx", "a") as archive:
        archive.writestr("word/media/photo.png", image.getvalue())
    _, payload = check(clean_folder)
    assert "unknown-file" in codes_for(payload, "memo.pdf") and "unknown-file" in codes_for(payload, "(14)_extra.pdf")
    large = [f for f in payload["findings"] if f["code"] == "large-image"]
    assert large and "MB smaller" in large[0]["message"]


def test_a_12_mb_folder_gets_a_mail_plan_whose_drafts_are_within_the_limit(tmp_path, clean_folder):
    for index in range(3):
        (clean_folder / f"(10)_写真{index}.pdf").write_bytes(pdf_bytes() + os.urandom(4_000_000))
    drafts = tmp_path / "drafts"
    code, payload = check(clean_folder, "--write-mail", str(drafts))
    assert len(payload["mails"]) == 3
    assert all(mail["encoded_bytes"] <= 8_000_000 for mail in payload["mails"])
    carried = sorted(name for mail in payload["mails"] for name in mail["attachments"])
    assert carried == sorted(n for n in os.listdir(clean_folder))
    assert any(f["code"] == "mail-split" for f in payload["findings"])
    files = sorted(drafts.glob("*.eml"))
    assert len(files) == 3
    subjects = set()
    attached = []
    for path in files:
        assert path.stat().st_size <= 8_000_000, path
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        subjects.add(message["subject"])
        assert message["to"] == "chikyu-kyoryoku@env.go.jp"
        for part in message.iter_attachments():
            attached.append(part.get_filename())
            assert part.get_content() == (clean_folder / part.get_filename()).read_bytes()
    assert subjects == {"（北九州市-ダバオ市）令和8年度脱炭素社会実現のための都市間連携事業委託業務応募"}
    assert sorted(attached) == carried


def test_a_file_too_large_for_any_mail_goes_to_the_transfer_service(clean_folder):
    (clean_folder / "(10)_動画資料.pdf").write_bytes(pdf_bytes() + os.urandom(6_000_000))
    code, payload = check(clean_folder)
    assert code == 1
    assert payload["transfer_service"] == ["(10)_動画資料.pdf"]
    assert "transfer" in next(f["message"] for f in payload["findings"] if f["code"] == "too-large-for-mail")


def test_subject_is_checked_with_the_package(clean_folder):
    code, payload = check(clean_folder, "--subject", "(北九州市-ダバオ市)令和8年度脱炭素社会実現のための都市間連携事業委託業務応募")
    assert code == 1 and any(f["code"] == "subject-characters" for f in payload["findings"])


def test_r6_numbers_and_conditions_come_from_its_profile(tmp_path):
    out = tmp_path / "out"
    run_cli("build", FY2024, "-o", out, "--pdf", "never", "--only", "overview,summary")
    result = run_cli("check-package", out / "submission", "--project", FY2024, "--format", "json")
    missing = {f["attachment"] for f in json.loads(result.stdout)["findings"] if f["code"] == "missing-attachment"}
    assert "⑫" in missing and "⑩" in missing and "①" in missing
    result = run_cli("check-package", out / "submission", "--call", "fy2024-2", "--format", "json")
    missing = {f["attachment"] for f in json.loads(result.stdout)["findings"] if f["code"] == "missing-attachment"}
    assert "⑫" not in missing and "①" in missing


def test_the_build_writes_mail_drafts_for_its_submission(tmp_path):
    out = tmp_path / "out"
    run_cli("build", FY2026, "-o", out, "--pdf", "never")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    drafts = [f for f in manifest["files"] if f["kind"] == "email_draft"]
    assert drafts and (out / drafts[0]["path"]).is_file()
    message = email.message_from_bytes((out / drafts[0]["path"]).read_bytes(), policy=email.policy.default)
    assert "(2)_調査事業概要_ja.pptx" in [p.get_filename() for p in message.iter_attachments()]


def test_a_missing_folder_exits_2(tmp_path):
    result = run_cli("check-package", tmp_path / "nope", "--call", "fy2026-1")
    assert result.returncode == 2 and "no such folder" in result.stderr


def test_password_protected_office_files_and_apple_formats(clean_folder):
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 300
    (clean_folder / "(10)_保護.docx").write_bytes(encrypted)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.xml", "<document/>")
    (clean_folder / "(10)_概要.pages").write_bytes(buffer.getvalue())
    code, payload = check(clean_folder)
    assert code == 1
    assert codes_for(payload, "(10)_保護.docx") == {"encrypted-file"}
    assert "not-windows-viewable" in codes_for(payload, "(10)_概要.pages")


def test_damaged_containers_are_findings_not_crashes(clean_folder):
    good = (clean_folder / "(3)_応募事業概要書_ja.docx").read_bytes()
    damaged = bytearray(good)
    for offset in range(200, min(len(damaged), 4000), 7):  # corrupt the compressed data, keep the directory
        damaged[offset] ^= 0xFF
    (clean_folder / "(3)_応募事業概要書_ja.docx").write_bytes(bytes(damaged))
    truncated = pdf_bytes()
    (clean_folder / "(9)_競争参加資格.pdf").write_bytes(truncated[: len(truncated) // 2])
    code, payload = check(clean_folder)
    assert code == 1
    assert "corrupt-file" in codes_for(payload, "(3)_応募事業概要書_ja.docx")
    assert "corrupt-file" in codes_for(payload, "(9)_競争参加資格.pdf")


# -- a package is ready, or it says why not (issues 17, 18, 21) --------------------------------------------------

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, hard links and raw byte names are POSIX")


def text_pdf(*pages: list[str]) -> bytes:
    """A PDF whose pages show the given ASCII lines (Helvetica), as a reader extracts them."""
    def escaped(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    count = len(pages)
    objects = ["<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{' '.join(f'{4 + 2 * i} 0 R' for i in range(count))}] /Count {count} >>",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for index, lines in enumerate(pages):
        stream = "BT /F1 11 Tf 14 TL 72 760 Td " + " ".join(f"({escaped(line)}) Tj T*" for line in lines) + " ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << /Font << /F1 3 0 R "
                       f">> >> /Contents {5 + 2 * index} 0 R >>")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(data)
    data += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode() + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return data + f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


def findings_for(payload: dict, code: str, name: str = "") -> list[dict]:
    return [f for f in payload["findings"] if f["code"] == code and f.get("file", "").endswith(name)]


def mailed(payload: dict) -> list[str]:
    return [name for mail in payload["mails"] for name in mail["attachments"]]


def eml_attachments(path: Path) -> list[str]:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return [part.get_filename() for part in message.iter_attachments()]


def test_new_renditions_temporary_and_lock_files_are_drafts_never_mailed(clean_folder, tmp_path):
    summary = clean_folder / "(3)_応募事業概要書_ja.docx"
    shutil.copy(summary, clean_folder / "(3)_応募事業概要書_ja.new.docx")
    leftovers = ["(3)_応募事業概要書_ja.new.docx", ".(1)_応募様式.pdf.k2j4h5g6.tmp", ".~lock.(4)_誓約書.docx#",
                 "~$応募事業概要書_en.docx", ".c3p-docs.lock"]
    for name in leftovers[1:]:
        (clean_folder / name).write_bytes(b"left behind")
    drafts = tmp_path / "mail"
    result = run_cli("check-package", clean_folder, "--project", FY2026, "--format", "json", "--write-mail", drafts)
    assert_no_traceback(result)
    payload = json.loads(result.stdout)
    assert result.returncode == 1 and not payload["ok"]
    for name in leftovers:
        assert findings_for(payload, "draft-in-package", name), name
        assert name not in mailed(payload)
    assert "OUT/drafts/" in findings_for(payload, "draft-in-package", ".new.docx")[0]["message"]
    assert "(3)_応募事業概要書_ja.docx" in mailed(payload)
    assert not drafts.exists() and "--drafts-anyway" in findings_for(payload, "drafts-not-written")[0]["message"]
    result = run_cli("check-package", clean_folder, "--project", FY2026, "--write-mail", drafts, "--drafts-anyway")
    assert result.returncode == 1
    assert [p.name for p in drafts.iterdir()] == ["DRAFT_mail_1_of_1.eml"]
    attached = eml_attachments(drafts / "DRAFT_mail_1_of_1.eml")
    assert "(3)_応募事業概要書_ja.docx" in attached and not set(leftovers) & set(attached)


def test_a_pdf_older_than_its_source_by_the_manifest_hash_is_stale(clean_folder):
    out = clean_folder.parent
    source, pdf = out / "(1)_応募様式.docx", clean_folder / "(1)_応募様式.pdf"
    shutil.copy(clean_folder / "(4)_誓約書.docx", source)
    manifest = {"files": [{"kind": "application_form", "lang": "ja", "path": "submission/(1)_応募様式.pdf",
                           "attachment": "(1)", "source": "(1)_応募様式.docx",
                           "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest()}]}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    os.utime(source, (2_000_000_000, 2_000_000_000))  # touched (copied) after the PDF, bytes unchanged
    os.utime(pdf, (1_900_000_000, 1_900_000_000))
    _, payload = check(clean_folder)
    assert not findings_for(payload, "stale-pdf")
    source.write_bytes(source.read_bytes() + b"\0")  # edited (or rebuilt with --pdf never) after the conversion
    os.utime(source, (2_000_000_000, 2_000_000_000))
    code, payload = check(clean_folder)
    stale = findings_for(payload, "stale-pdf", "(1)_応募様式.pdf")
    assert code == 1 and len(stale) == 1 and str(source) in stale[0]["message"] and "hash" in stale[0]["message"]
    os.utime(pdf, (2_100_000_000, 2_100_000_000))  # exported again by hand from the edited file
    _, payload = check(clean_folder)
    assert not findings_for(payload, "stale-pdf")


@posix_only
def test_a_pdf_older_than_a_same_named_source_is_stale_without_a_manifest(clean_folder, tmp_path):
    out = clean_folder.parent
    source, pdf = out / "(1)_応募様式.docx", clean_folder / "(1)_応募様式.pdf"
    shutil.copy(clean_folder / "(4)_誓約書.docx", source)
    os.utime(pdf, (2_000_000_000, 2_000_000_000))
    os.utime(source, (2_000_000_001, 2_000_000_001))  # within the 2 s a FAT copy may shift file times
    _, payload = check(clean_folder)
    assert not findings_for(payload, "stale-pdf")
    os.utime(source, (2_000_000_100, 2_000_000_100))
    code, payload = check(clean_folder)
    stale = findings_for(payload, "stale-pdf", "(1)_応募様式.pdf")
    assert code == 1 and "older than its source" in stale[0]["message"] and str(source) in stale[0]["message"]
    # a monthly report's folder: the PDF beside its Word file
    monthly = tmp_path / "monthly"
    monthly.mkdir()
    shutil.copy(source, monthly / "monthly_2026-11_ja.docx")
    (monthly / "monthly_2026-11_ja.pdf").write_bytes(pdf_bytes())
    os.utime(monthly / "monthly_2026-11_ja.pdf", (1_000_000_000, 1_000_000_000))
    result = run_cli("check-package", monthly, "--call", "fy2026-1", "--format", "json")
    assert findings_for(json.loads(result.stdout), "stale-pdf", "monthly_2026-11_ja.pdf")
    # a manifest that is a FIFO, or points outside its folder, is never waited on nor followed
    (monthly / "manifest.json").unlink(missing_ok=True)
    os.mkfifo(monthly / "manifest.json")
    result = run_cli("check-package", monthly, "--call", "fy2026-1", "--format", "json")
    assert_no_traceback(result)
    payload = json.loads(result.stdout)
    assert findings_for(payload, "corrupt-file", "manifest.json") and findings_for(payload, "stale-pdf")
    os.unlink(monthly / "manifest.json")
    (monthly / "manifest.json").write_text(json.dumps({"files": [
        {"path": "monthly_2026-11_ja.pdf", "source": "../../../../etc/passwd", "source_sha256": "0" * 64}]}))
    result = run_cli("check-package", monthly, "--call", "fy2026-1", "--format", "json")
    assert not findings_for(json.loads(result.stdout), "stale-pdf") and "root:" not in result.stdout


def hand_made_word(path: Path) -> None:
    """A Word file as a person writes it: a heading, a table, a page break, a placeholder split across runs."""
    from docx import Document

    document = Document()
    document.add_heading("6. 連絡先", level=1)
    table = document.add_table(rows=2, cols=2)
    for row, (label, value) in zip(table.rows, [("担当者", "山田 太郎"), ("電話番号", "03-0000-0000")]):
        row.cells[0].text, row.cells[1].text = label, value
    document.add_page_break()
    paragraph = document.add_paragraph("メール：")
    paragraph.add_run("（未")
    paragraph.add_run("記入）")
    document.save(str(path))


def test_placeholders_left_in_any_attachment_are_errors_naming_the_page_and_field(clean_folder, tmp_path):
    import xlsxwriter
    from pptx import Presentation
    from pptx.util import Mm

    hand_made_word(clean_folder / "(10)_連絡先.docx")
    deck = Presentation()
    deck.slide_width, deck.slide_height = Mm(297), Mm(210)
    deck.slides.add_slide(deck.slide_layouts[6]).shapes.add_textbox(Mm(10), Mm(10), Mm(100), Mm(20)).text = "表紙"
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    slide.shapes.add_textbox(Mm(10), Mm(10), Mm(100), Mm(10)).text = "パートナー都市のニーズ"
    slide.shapes.add_textbox(Mm(10), Mm(30), Mm(100), Mm(10)).text = "株式会社○○が調査する"
    deck.save(str(clean_folder / "(10)_説明資料.pptx"))
    workbook = xlsxwriter.Workbook(str(clean_folder / "(10)_実績.xlsx"))
    sheet = workbook.add_worksheet("実績")
    sheet.write_row(0, 0, ["年度", "成果"])
    sheet.write_row(1, 0, ["令和6年度", "（未記入）"])
    workbook.close()
    (clean_folder / "(10)_letter.pdf").write_bytes(text_pdf(["Letter of interest"], ["Contact: (to be completed)"]))
    drafts = tmp_path / "mail"
    result = run_cli("check-package", clean_folder, "--project", FY2026, "--format", "json", "--write-mail", drafts)
    payload = json.loads(result.stdout)
    assert result.returncode == 1 and not drafts.exists()
    messages = {name: [f["message"] for f in findings_for(payload, "placeholder-left", name)]
                for name in ("(10)_連絡先.docx", "(10)_説明資料.pptx", "(10)_実績.xlsx", "(10)_letter.pdf")}
    assert messages["(10)_連絡先.docx"] == [
        "page 1, table row '電話番号', under '6. 連絡先' still shows the placeholder '03-0000-0000'; fill the value in "
        "the project YAML (or in the document) and build again before mailing.",
        "page 2, after 'メール：', under '6. 連絡先' still shows the placeholder '（未記入）'; fill the value in the "
        "project YAML (or in the document) and build again before mailing."]
    assert [m.split(" still")[0] for m in messages["(10)_説明資料.pptx"]] == ["slide 2, under 'パートナー都市のニーズ'"]
    assert "'株式会社○○'" in messages["(10)_説明資料.pptx"][0]
    assert [m.split(" still")[0] for m in messages["(10)_実績.xlsx"]] == ["sheet '実績', cell B2, table row '令和6年度'"]
    assert [m.split(" still")[0] for m in messages["(10)_letter.pdf"]] == ["page 2, after 'Contact:'"]
    assert "'(to be completed)'" in messages["(10)_letter.pdf"][0]
    built = [f for f in payload["findings"] if f["code"] == "placeholder-left" and "(10)_" not in f["file"]]
    assert built == []  # the sample is complete: its documents show none


def test_the_placeholders_of_a_draft_project_are_found_in_the_files_build_wrote(tmp_path):
    project = write_project(tmp_path, MINIMAL)
    out = tmp_path / "out"
    run_cli("build", project, "-o", out, "--pdf", "never")
    result = run_cli("check-package", out / "submission", "--project", project, "--format", "json")
    payload = json.loads(result.stdout)
    assert result.returncode == 1
    cover = [f["message"] for f in findings_for(payload, "placeholder-left", "(0)_表紙.docx")]
    assert any(m.startswith("table row '連絡先'") and "'（未記入）'" in m for m in cover), cover
    summary = [f["message"] for f in findings_for(payload, "placeholder-left", "(3)_応募事業概要書_en.docx")]
    assert any("'(to be completed)'" in m and "under 'Synergy effects" in m for m in summary), summary
    overview = [f["message"] for f in findings_for(payload, "placeholder-left", "(2)_調査事業概要_ja.pptx")]
    assert any(m.startswith("slide 1, under 'パートナー都市のニーズ'") for m in overview), overview


def test_a_rule_breaking_project_fails_the_check_once_and_gets_drafts_only_named_draft(clean_folder, tmp_path):
    text = FY2026.read_text(encoding="utf-8")
    assert "general_admin_rate: 0.10" in text
    project = tmp_path / "project.yaml"
    project.write_text(text.replace("general_admin_rate: 0.10", "general_admin_rate: 0.2"), encoding="utf-8")
    drafts = tmp_path / "mail"
    result = run_cli("check-package", clean_folder, "--project", project, "--format", "json", "--write-mail", drafts)
    payload = json.loads(result.stdout)
    assert result.returncode == 1 and not drafts.exists()
    rate = [f for f in payload["findings"] if f.get("path") == "budget.general_admin_rate"]
    assert len(rate) == 1 and rate[0]["severity"] == "error" and rate[0]["file"] == str(project)
    assert [f for f in payload["findings"] if f["severity"] == "error"] == rate
    result = run_cli("check-package", clean_folder, "--project", project, "--write-mail", drafts, "--drafts-anyway")
    assert result.returncode == 1 and "DRAFT_" in result.stderr
    assert [p.name for p in drafts.iterdir()] == ["DRAFT_mail_1_of_1.eml"]
    message = email.message_from_bytes((drafts / "DRAFT_mail_1_of_1.eml").read_bytes(), policy=email.policy.default)
    assert message["subject"] == run_cli("subject", "make", project).stdout.strip()


def test_invisible_and_look_alike_characters_in_names_are_named_and_fixed(clean_folder):
    names = {"(10)_\u2060資料.pdf": "(10)_資料.pdf", "(10)_計画\u2011案.pdf": "(10)_計画-案.pdf",
             "(10)_メモ\u3000.pdf": "(10)_メモ.pdf", "(10)_\ufeff写真\u200b.pdf": "(10)_写真.pdf"}
    for name in names:
        (clean_folder / name).write_bytes(pdf_bytes())
    code, payload = check(clean_folder)
    assert code == 1
    joiner = findings_for(payload, "filename-invisible", "(10)_\u2060資料.pdf")
    assert len(joiner) == 1 and "U+2060 WORD JOINER at character 6 (after '(10)_')" in joiner[0]["message"]
    hyphen = findings_for(payload, "filename-invisible", "(10)_計画\u2011案.pdf")[0]["message"]
    assert "U+2011 NON-BREAKING HYPHEN at character 8" in hyphen
    assert "U+3000 IDEOGRAPHIC SPACE" in findings_for(payload, "filename-invisible", "(10)_メモ\u3000.pdf")[0]["message"]
    assert len(findings_for(payload, "filename-invisible", "(10)_\ufeff写真\u200b.pdf")) == 2
    assert not findings_for(payload, "filename-invisible", "(8)_関心表明レター_和訳.pdf")
    result = run_cli("check-package", clean_folder, "--project", FY2026, "--fix-names", "--format", "json")
    assert result.returncode == 0, result.stdout
    present = set(os.listdir(clean_folder))
    assert set(names.values()) <= present and not set(names) & present


@posix_only
def test_hard_links_to_one_large_document_are_inspected_once(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    with zipfile.ZipFile(folder / "(10)_資料_0000.docx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                                              '2006/main"><w:body><w:p><w:r><w:t>本文</w:t></w:r></w:p></w:body></w:document>')
        for index in range(4_997):
            archive.writestr(f"word/media/part{index}.xml", "<a/>")
    for index in range(1, 3_000):
        os.link(folder / "(10)_資料_0000.docx", folder / f"(10)_資料_{index:04d}.docx")
    result = run_cli("check-package", folder, "--call", "fy2026-1", "--format", "json")
    payload = json.loads(result.stdout)
    assert len(payload["files"]) == 3_000 and {f["kind"] for f in payload["files"]} == {"docx"}
    assert not findings_for(payload, "corrupt-file") and not findings_for(payload, "not-checked")


def sparse(path: Path, head: bytes, size: int, tail: bytes) -> None:
    with path.open("wb") as stream:
        stream.write(head)
        stream.seek(size - len(tail))
        stream.write(tail)


def test_large_pdfs_without_a_cross_reference_table_are_unreadable_at_once(tmp_path):
    for index in range(7):
        sparse(tmp_path / f"(10)_scan{index}.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
               + b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n", 31_000_000, b"\n%%EOF\n")
    result = run_cli("check-package", tmp_path, "--call", "fy2026-1", "--format", "json")
    payload = json.loads(result.stdout)
    for index in range(7):
        found = findings_for(payload, "corrupt-file", f"(10)_scan{index}.pdf")
        assert len(found) == 1 and "cross-reference table" in found[0]["message"]


def test_a_container_listing_millions_of_entries_is_refused_before_its_directory_is_read(tmp_path):
    import struct

    size = 348_000_000
    directory = 100  # the directory would run from here to the ZIP64 record: 6 million entries' worth
    record = struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, 6_000_000, 6_000_000,
                         size - 98 - directory, directory)
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, size - 98, 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    sparse(tmp_path / "(10)_huge.docx", b"PK\x03\x04", size, record + locator + end)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 60_000, 60_000, 3_000_000, 100, 0)
    sparse(tmp_path / "(10)_many.pptx", b"PK\x03\x04", 3_000_200, end)
    result = run_cli("check-package", tmp_path, "--call", "fy2026-1", "--format", "json")
    payload = json.loads(result.stdout)
    assert "listing 6,000,000 entries" in findings_for(payload, "archive", "(10)_huge.docx")[0]["message"]
    assert "listing 60,000 entries" in findings_for(payload, "archive", "(10)_many.pptx")[0]["message"]


VANISHING = """
import os, sys
from c3p_docs.cli import main
listed = os.scandir

class Listing(list):
    def __enter__(self):
        return self

    def __exit__(self, *exception):
        return False

def scandir(path):
    entries = Listing(listed(path))
    for entry in entries:
        if entry.name == "(9)_競争参加資格.pdf":
            os.unlink(entry.path)  # removed between listing the folder and reading the file
        if entry.name == "(7)_WLB認定.pdf":
            os.unlink(entry.path)
            os.mkfifo(entry.path)  # replaced by a pipe: reading it would wait forever
    return entries

os.scandir = scandir
sys.argv = ["c3p-docs", *sys.argv[1:]]
main()
"""


@posix_only
def test_a_file_that_vanishes_during_the_check_is_its_own_finding(clean_folder):
    result = subprocess.run([sys.executable, "-c", VANISHING, "check-package", str(clean_folder), "--project",
                             str(FY2026), "--format", "json"], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "NO_COLOR": "1"})
    assert_no_traceback(result)
    payload = json.loads(result.stdout)
    assert result.returncode == 1
    for name in ("(9)_競争参加資格.pdf", "(7)_WLB認定.pdf"):
        assert findings_for(payload, "unreadable-file", name) and name not in mailed(payload)
    errors = {(f["code"], f.get("attachment")) for f in payload["findings"] if f["code"] != "unreadable-file"
              and f["severity"] == "error"}
    assert errors == {("missing-attachment", "(9)"), ("missing-attachment", "(7)")}  # gone, so missing now
    assert "(8)_関心表明レター.pdf" in mailed(payload) and len(payload["files"]) == 15


@pytest.mark.parametrize("line_break", ["\r\n", "\n", "\v", "\u2028"])
def test_a_subject_with_a_line_break_is_an_error_and_no_draft_is_written(clean_folder, tmp_path, line_break):
    subject = run_cli("subject", "make", FY2026).stdout.strip()
    hostile = subject[:12] + line_break + "Bcc: someone@example.com" + line_break + subject[12:]
    drafts = tmp_path / "mail"
    for anyway in ([], ["--drafts-anyway"]):
        result = run_cli("check-package", clean_folder, "--project", FY2026, "--subject", hostile, "--write-mail", drafts,
                         "--format", "json", *anyway)
        assert_no_traceback(result)
        payload = json.loads(result.stdout)
        assert result.returncode == 1 and findings_for(payload, "subject-characters")
        assert not drafts.exists() or not list(drafts.iterdir())


def test_the_draft_writer_refuses_a_header_with_a_line_break():
    from c3p_docs.calls import load_call
    from c3p_docs.mail import Mail, MailPlan
    from c3p_docs.mail_drafts import HeaderRefused, draft_messages

    rules = load_call("fy2026-1")
    context = {"applicant_name": "", "contact_name": "", "contact_department": "", "contact_phone": "",
               "contact_email": "", "call_name": "", "office": ""}
    plan = MailPlan([Mail()], [], 0)
    assert draft_messages(Path("."), plan, rules, "（a-b）", None, context, datetime.date(2026, 4, 1))
    for value in ("a\rb", "a\x85b", "a\u2029b", "a\x1cb"):
        with pytest.raises(HeaderRefused) as refused:
            draft_messages(Path("."), plan, rules, value, None, context, datetime.date(2026, 4, 1))
        assert refused.value.header == "subject" and refused.value.exit_code == 1


@posix_only
def test_bytes_that_are_no_shift_jis_are_never_renamed_to_private_use_characters(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    for raw in (b"(10)_\xa0\xfd\xfe\xff.pdf", b"(10)_\x80memo.pdf", "(10)_資料.pdf".encode("cp932")):
        with open(os.fsencode(folder) + b"/" + raw, "wb") as stream:
            stream.write(pdf_bytes())
    result = run_cli("check-package", folder, "--call", "fy2026-1", "--fix-names", "--format", "json")
    assert_no_traceback(result)
    payload = json.loads(result.stdout)
    listed = sorted(os.listdir(folder))
    assert "(10)_資料.pdf" in listed
    assert not any("\uf8f0" <= char <= "\uf8f3" or "\x80" <= char <= "\x9f" for name in listed for char in name)
    assert len(findings_for(payload, "filename-encoding")) == 2
    assert all("rename it by hand" in f["message"] for f in findings_for(payload, "filename-encoding"))
    assert mailed(payload) == ["(10)_資料.pdf"]


@posix_only
def test_a_shift_jis_name_added_by_hand_never_breaks_the_mail_plan(clean_folder, tmp_path):
    with open(os.fsencode(clean_folder) + b"/" + "(10)_参考資料.pdf".encode("cp932"), "wb") as stream:
        stream.write(pdf_bytes())
    drafts = tmp_path / "mail"
    result = run_cli("check-package", clean_folder, "--project", FY2026, "--format", "json", "--write-mail", drafts,
                     "--drafts-anyway")
    assert_no_traceback(result)
    payload = json.loads(result.stdout)
    assert result.returncode == 1 and findings_for(payload, "filename-encoding")
    assert not any("参考資料" in name or "\\x" in name for name in mailed(payload))
    assert [p.name for p in drafts.iterdir()] == ["DRAFT_mail_1_of_1.eml"]
    assert len(eml_attachments(drafts / "DRAFT_mail_1_of_1.eml")) == len(mailed(payload)) == 15


def test_a_pdf_page_drawing_megabytes_of_text_is_skipped_not_read_for_minutes(tmp_path):
    """pypdf takes ~1 s per 100 KB of text operators: such a page is left out of the search, and said so."""
    crowded = ["x"] * 200_000  # ~2.4 MB of text operators on one page
    (tmp_path / "(10)_map.pdf").write_bytes(text_pdf(crowded, ["Owner: (to be completed)"]))
    result = run_cli("check-package", tmp_path, "--call", "fy2026-1", "--format", "json")
    payload = json.loads(result.stdout)
    assert [f["message"].split(" still")[0] for f in findings_for(payload, "placeholder-left")] == [
        "page 2, after 'Owner:'"]
    partial = findings_for(payload, "not-checked", "(10)_map.pdf")
    assert len(partial) == 1 and partial[0]["severity"] == "warning"


def test_document_xml_that_is_malformed_or_declares_entities_is_damaged_not_a_crash(tmp_path):
    laughs = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "（未記入）（未記入）"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><w:document xmlns:w="http://schemas.openxmlformats.org/'
              'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>')
    for name, xml in (("(10)_entities.docx", laughs), ("(10)_unbound.docx", "<w:document><w:body/></w:document>")):
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", xml)
    result = run_cli("check-package", tmp_path, "--call", "fy2026-1", "--format", "json")
    assert_no_traceback(result)
    payload = json.loads(result.stdout)
    assert "declares a DTD" in findings_for(payload, "corrupt-file", "(10)_entities.docx")[0]["message"]
    assert "not well-formed XML" in findings_for(payload, "corrupt-file", "(10)_unbound.docx")[0]["message"]
    assert not findings_for(payload, "placeholder-left")
