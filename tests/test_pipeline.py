"""pipeline.py: what every command's files go through: kept edits, PDFs never older than their source, one manifest."""

from __future__ import annotations

import hashlib
import json
import os
import sys

import pytest

from c3p_docs import pdf
from c3p_docs.pipeline import Document, publish

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")


@pytest.fixture
def libreoffice(monkeypatch) -> list[bytes]:
    """LibreOffice replaced by a stub whose PDF holds the source's bytes; returns what it was given."""
    given: list[bytes] = []

    def convert(sources):
        given.extend(source.read_bytes() for source in sources)
        return {source: b"%PDF-1.4 " + source.read_bytes() for source in sources}

    monkeypatch.setattr(pdf, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pdf, "convert_to_pdf", convert)
    return given


def manifest(out) -> list[dict]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]


def test_every_pdf_names_its_source_and_the_source_hash_it_was_made_from(tmp_path, libreoffice):
    publish(tmp_path, [Document("trip_plan", "ja", "plan_ja.docx", b"version 1", pdf=True)], "auto")
    [docx, made] = manifest(tmp_path)
    assert made == {"kind": "trip_plan", "lang": "ja", "path": "plan_ja.pdf", "source": "plan_ja.docx",
                    "source_sha256": hashlib.sha256(b"version 1").hexdigest()}
    assert (tmp_path / "plan_ja.pdf").read_bytes() == b"%PDF-1.4 version 1"


def test_a_hand_edited_source_is_kept_and_its_pdf_made_from_the_edit(tmp_path, libreoffice):
    publish(tmp_path, [Document("trip_plan", "ja", "plan_ja.docx", b"version 1", pdf=True)], "auto")
    (tmp_path / "plan_ja.docx").write_bytes(b"edited by a person")
    result = publish(tmp_path, [Document("trip_plan", "ja", "plan_ja.docx", b"version 2", pdf=True)], "auto")
    assert (tmp_path / "plan_ja.pdf").read_bytes() == b"%PDF-1.4 edited by a person"
    assert (tmp_path / "drafts" / "plan_ja.new.docx").read_bytes() == b"version 2"
    assert {f.code for f in result.findings} >= {"kept-edited-file", "pdf-from-edited-file"}
    [docx, made] = manifest(tmp_path)
    assert docx["path"] == "plan_ja.docx" and docx["draft"] == "drafts/plan_ja.new.docx"
    assert made["source"] == "plan_ja.docx"
    assert made["source_sha256"] == hashlib.sha256(b"edited by a person").hexdigest()


def test_an_unchanged_source_is_not_converted_again(tmp_path, libreoffice):
    document = Document("trip_plan", "ja", "plan_ja.docx", b"version 1", pdf=True)
    publish(tmp_path, [document], "auto")
    again = publish(tmp_path, [document], "auto")
    assert libreoffice == [b"version 1"] and again.written == [] and again.unchanged == 2
    assert manifest(tmp_path)[1]["source_sha256"] == hashlib.sha256(b"version 1").hexdigest()


def test_without_conversion_a_pdf_older_than_its_source_is_removed_and_said(tmp_path, libreoffice):
    publish(tmp_path, [Document("trip_plan", "ja", "plan_ja.docx", b"version 1", pdf=True)], "auto")
    result = publish(tmp_path, [Document("trip_plan", "ja", "plan_ja.docx", b"version 2", pdf=True)], "never")
    assert not (tmp_path / "plan_ja.pdf").exists()
    assert [f.code for f in result.findings] == ["stale-pdf-removed"]
    assert [f["path"] for f in manifest(tmp_path)] == ["plan_ja.docx"]


def test_without_conversion_a_pdf_still_matching_its_source_stays_listed(tmp_path, libreoffice):
    document = Document("trip_plan", "ja", "plan_ja.docx", b"version 1", pdf=True)
    publish(tmp_path, [document], "auto")
    publish(tmp_path, [document], "never")
    assert (tmp_path / "plan_ja.pdf").is_file()
    assert [f["path"] for f in manifest(tmp_path)] == ["plan_ja.docx", "plan_ja.pdf"]


def test_commands_writing_into_one_folder_share_one_manifest(tmp_path):
    publish(tmp_path, [Document("trip_plan", "ja", "trip_a_ja.docx", b"a", extra={"activity": "a"})])
    publish(tmp_path, [Document("implementation_plan", "ja", "plan_ja.docx", b"p")])
    publish(tmp_path, [Document("trip_plan", "ja", "trip_a_ja.docx", b"a2", extra={"activity": "a"})])
    assert [(f["kind"], f["path"]) for f in manifest(tmp_path)] == [("trip_plan", "trip_a_ja.docx"),
                                                                     ("implementation_plan", "plan_ja.docx")]


@posix_only
def test_a_pipe_or_a_huge_file_as_the_manifest_is_a_usage_error_naming_it(tmp_path):
    from c3p_docs.errors import UsageError

    os.mkfifo(tmp_path / "manifest.json")
    with pytest.raises(UsageError, match="manifest.json: is a pipe"):
        publish(tmp_path, [Document("trip_plan", "ja", "a.docx", b"a")])
    os.unlink(tmp_path / "manifest.json")
    with open(tmp_path / "manifest.json", "wb") as sparse:
        sparse.truncate(4 * 1024**3)
    with pytest.raises(UsageError, match="manifest.json: is 4,294,967,296 bytes"):
        publish(tmp_path, [Document("trip_plan", "ja", "a.docx", b"a")])
