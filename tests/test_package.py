"""check-package on folders with every trap the call forbids, made of real files."""

from __future__ import annotations

import email
import email.policy
import io
import json
import os
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest
from conftest import FY2024, FY2026, assert_no_traceback, invoke, run_cli
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
