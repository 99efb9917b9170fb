"""Hostile and unlucky input, run as a user would: a finding or a clear message, never an internal error,
nothing lost, nothing foreign printed."""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import BROKEN, FY2024, FY2026, MINIMAL, ROOT, assert_no_traceback, blank_pdf, docx_text, run_cli, write_project
from docx import Document

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, symlinks and raw byte names are POSIX")
SECRET = "root:$6$SECRETHASH:19000:0:99999:7:::\n"


def _as_from_a_terminal() -> None:
    """A shell's background job (`pytest &`, some CI runners) starts with SIGINT ignored, and c3p-docs rightly keeps
    an inherited SIG_IGN (as under nohup); the signal tests mean a run started from a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def popen_cli(*args) -> subprocess.Popen:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.Popen([sys.executable, "-m", "c3p_docs", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=_as_from_a_terminal if sys.platform != "win32" else None)


def attachments(eml: Path) -> list[str]:
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    return [part.get_filename() for part in message.iter_attachments()]


# -- values that validate but used to crash build / monthly ------------------------------------------------

LONG_TITLE = "長" * 300
ODD_PROJECT = MINIMAL.replace("title: {ja: 試験事業, en: Test project}",
                              f'title: {{ja: "{LONG_TITLE}\\x01", en: "Test\\uffff project"}}') + """\
contact: {name: {ja: 試験 花子, en: Hanako Shiken}, department: {ja: 国際部, en: International Division}, phone: 03-5321-0123,
          email: h.shiken@shiken.co.jp}
"""
"""The cover (all the build below makes) complete: only the title is odd."""


def test_a_long_title_and_escaped_control_characters_build_with_a_warning(tmp_path):
    project = write_project(tmp_path, ODD_PROJECT)
    result = run_cli("build", project, "-o", tmp_path / "out", "--pdf", "never", "--only", "cover")
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    cover = tmp_path / "out" / "submission" / "(0)_表紙.docx"
    assert LONG_TITLE in docx_text(cover)  # the text keeps the whole title
    assert len(Document(str(cover)).core_properties.title) == 255  # the metadata field holds at most 255
    checked = run_cli("validate", project)
    assert "control-characters" in checked.stderr and "project.title.ja" in checked.stderr


def test_line_breaks_in_names_are_a_validate_error_naming_the_field(tmp_path):
    project = write_project(tmp_path, MINIMAL.replace("name: {ja: 試験市, en: Test City}",
                                                      'name: {ja: "試験市\\r\\nBcc: x@example.com", en: Test City}'))
    result = run_cli("validate", project)
    assert result.returncode == 1 and "japanese_city.name.ja" in result.stderr and "one line" in result.stderr


def test_a_comma_inside_a_flow_mapping_names_the_stray_key(tmp_path):
    project = write_project(tmp_path, MINIMAL.replace("en: Test Co.}", "en: Foo Co., Ltd.}"))
    result = run_cli("validate", project)
    assert result.returncode == 1
    line = next(line for line in result.stderr.splitlines() if "error" in line)
    assert "'Ltd.'" in line and "applicant.name" in line and 'en: "Foo Co., Ltd."' in line
    assert "Did you mean 'name'" not in result.stderr


@pytest.mark.parametrize("written, number", [("60,000円", "60000"), ("1,250,000", "1250000")])
def test_an_amount_with_thousands_commas_in_a_flow_mapping_is_told_its_digits_once(tmp_path, written, number):
    """`{unit_cost_jpy: 60,000円}` was told to write "60, 000円", which then failed as not a whole number."""
    text = FY2026.read_text(encoding="utf-8")
    assert "unit_cost_jpy: 60000," in text
    project = tmp_path / "p.yaml"
    project.write_text(text.replace("unit_cost_jpy: 60000,", f"unit_cost_jpy: {written},", 1), encoding="utf-8")
    result = run_cli("validate", project, "--format", "json")
    assert result.returncode == 1
    errors = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    assert len(errors) == 1 and errors[0]["code"] == "unknown-key"
    assert f"Write unit_cost_jpy: {number} (digits only" in errors[0]["message"]
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(text.replace("unit_cost_jpy: 60000,", f"unit_cost_jpy: {number},", 1), encoding="utf-8")
    after = json.loads(run_cli("validate", fixed, "--format", "json").stdout)["findings"]
    assert not [f for f in after if f["path"].startswith("budget.items[0]")]  # the advice, followed, is right


def test_monthly_writes_every_good_project_when_one_is_bad(tmp_path):
    bad = write_project(tmp_path, MINIMAL.replace("call: fy2026-1", "call: fy2026-1\nproject: [broken"), "bad.yaml")
    odd = write_project(tmp_path, ODD_PROJECT, "odd.yaml")
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / FY2026.name).write_text(FY2026.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("monthly", bad, odd, FY2026, twin / FY2026.name, "--month", "2026-07", "-o", tmp_path / "out",
                     "--pdf", "never")
    assert_no_traceback(result)
    assert result.returncode == 1
    assert (tmp_path / "out" / "odd" / "monthly_2026-07_ja.docx").is_file()
    assert (tmp_path / "out" / FY2026.stem / "monthly_2026-07_ja.docx").is_file()
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 2 and any("bad.yaml" in line for line in failed)
    assert any("twin" in line and "rename" in line for line in failed)  # would have overwritten the first one


@posix_only
def test_a_link_where_a_projects_report_folder_goes_is_refused_and_nothing_written_through_it(tmp_path):
    """`projects/osaka/project.yaml` reports to OUT/osaka/: a link put there must not carry the reports outside OUT."""
    project = tmp_path / "osaka" / "project.yaml"
    project.parent.mkdir()
    project.write_text(FY2026.read_text(encoding="utf-8"), encoding="utf-8")
    other = write_project(tmp_path, ODD_PROJECT, "odd.yaml")
    (tmp_path / "outside").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "osaka").symlink_to(tmp_path / "outside")
    result = run_cli("monthly", project, other, "--month", "2026-07", "-o", tmp_path / "out", "--pdf", "never")
    assert_no_traceback(result)
    assert result.returncode == 1
    assert list((tmp_path / "outside").iterdir()) == []
    assert any(line.startswith("FAILED") and "symbolic link" in line for line in result.stdout.splitlines())
    assert (tmp_path / "out" / "odd" / "monthly_2026-07_ja.docx").is_file()  # the other project is still written


def test_monthly_force_leaves_no_stale_rendition_in_the_manifest(tmp_path):
    args = ("monthly", FY2026, "--month", "2026-07", "-o", tmp_path, "--pdf", "never", "--lang", "ja")
    run_cli(*args)
    folder = tmp_path / FY2026.stem
    report = folder / "monthly_2026-07_ja.docx"
    report.write_bytes(report.read_bytes() + b"\0")
    run_cli(*args)  # the edited report is kept, the new one goes to drafts/
    assert (folder / "drafts" / "monthly_2026-07_ja.new.docx").is_file()
    assert run_cli(*args, "--force").returncode == 0
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in manifest["files"]] == ["monthly_2026-07_ja.docx"]
    assert not (folder / "drafts" / "monthly_2026-07_ja.new.docx").exists()


# -- files that are not what they claim ---------------------------------------------------------------------

def test_a_call_pointing_at_a_foreign_file_never_prints_its_content(tmp_path):
    (tmp_path / "shadow").write_text(SECRET, encoding="utf-8")
    project = write_project(tmp_path, MINIMAL.replace("call: fy2026-1", "call: shadow"))
    for result in (run_cli("validate", project), run_cli("build", project, "-o", tmp_path / "out"),
                   run_cli("subject", "check", "x", "--call", tmp_path / "shadow")):
        assert_no_traceback(result)
        assert result.returncode in (1, 2) and "SECRETHASH" not in result.stdout + result.stderr
        assert "not a call profile" in result.stdout + result.stderr


@posix_only
def test_a_template_that_is_a_link_is_refused_without_reading_it(tmp_path):
    (tmp_path / "secret").write_text(SECRET, encoding="utf-8")
    (tmp_path / "tpl" / "ja").mkdir(parents=True)
    (tmp_path / "tpl" / "ja" / "cover.xml.j2").symlink_to(tmp_path / "secret")
    result = run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "never", "--only", "cover",
                     "--templates", tmp_path / "tpl")
    assert_no_traceback(result)
    assert result.returncode == 2 and "symbolic link" in result.stderr and "SECRETHASH" not in result.stderr


@posix_only
def test_a_fifo_or_a_device_is_refused_instead_of_read(tmp_path):
    os.mkfifo(tmp_path / "project.yaml")
    (tmp_path / "zero.docx").symlink_to("/dev/zero")
    for result in (run_cli("validate", tmp_path / "project.yaml"), run_cli("validate", "/dev/zero"),
                   run_cli("check-form", tmp_path / "zero.docx")):
        assert_no_traceback(result)
        assert result.returncode == 2 and "not a regular file" in result.stderr


def test_a_malformed_strings_file_names_its_place(tmp_path):
    (tmp_path / "tpl" / "ja").mkdir(parents=True)
    (tmp_path / "tpl" / "ja" / "strings.yaml").write_text("placeholder: 未記入\nstatus: 新規\n", encoding="utf-8")
    result = run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "never", "--only", "cover",
                     "--templates", tmp_path / "tpl")
    assert_no_traceback(result)
    assert result.returncode == 2 and "strings.yaml:2" in result.stderr and "status" in result.stderr


@pytest.mark.parametrize("columns", ["[]", "[年度]", "[a, b, c, d, e]"])
def test_a_sheets_columns_relabelled_in_another_number_are_refused_by_name(tmp_path, columns):
    """③'s columns are positional: the sweep's `columns: []` was an internal error in the sheet writer."""
    (tmp_path / "tpl" / "ja").mkdir(parents=True)
    (tmp_path / "tpl" / "ja" / "strings.yaml").write_text(
        f"placeholder: 未記入\nrecords:\n  track_record:\n    columns: {columns}\n", encoding="utf-8")
    result = run_cli("build", FY2024, "-o", tmp_path / "out", "--pdf", "never", "--only", "track_record",
                     "--lang", "ja", "--templates", tmp_path / "tpl")
    assert_no_traceback(result)
    assert result.returncode == 2
    assert "strings.yaml:4" in result.stderr and "records.track_record.columns" in result.stderr
    assert not (tmp_path / "out" / "submission").exists() or not any((tmp_path / "out" / "submission").iterdir())


def test_a_runaway_template_is_stopped_with_its_name_and_line(tmp_path):
    (tmp_path / "tpl" / "ja").mkdir(parents=True)
    (tmp_path / "tpl" / "ja" / "cover.xml.j2").write_text("<document>\n<p>{{ 'x' * 10**9 }}</p>\n</document>\n",
                                                          encoding="utf-8")
    result = run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "never", "--only", "cover",
                     "--templates", tmp_path / "tpl")
    assert_no_traceback(result)
    assert result.returncode == 2 and "cover.xml.j2:2" in result.stderr and "limit" in result.stderr


# -- tagged forms ----------------------------------------------------------------------------------------------

def form_with(path: Path, text: str) -> Path:
    document = Document()
    document.add_paragraph(text)
    document.save(str(path))
    return path


def rewritten(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as output:
        for info in original.infolist():
            data = change(info.filename, original.read(info.filename))
            if data is not None:
                output.writestr(info.filename, data)
    return target


def test_broken_and_hostile_forms_give_findings_with_the_form_and_place(tmp_path):
    good = form_with(tmp_path / "good.docx", "{{ project.title.ja }}")
    doctype = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
               + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8))
               + b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')

    def hostile_xml(name, data):
        if name != "word/document.xml":
            return data
        return doctype + data.split(b"?>", 1)[1].lstrip().replace(b"}}</w:t>", b"}}&i;&xxe;</w:t>", 1)

    cases = {
        "no-document.docx": (lambda n, d: None if n == "word/document.xml" else d, 2, "word/document.xml"),
        "broken-rels.docx": (lambda n, d: d.replace(b'Target="styles.xml"', b'Target="gone.xml"')
                             if n == "word/_rels/document.xml.rels" else d, 2, "save it again"),
        "huge-text.docx": (lambda n, d: d.replace(b"}}</w:t>", b"}}" + b"A" * (11 * 1024 * 1024) + b"</w:t>", 1)
                           if n == "word/document.xml" else d, 2, "save it again"),
        "entities.docx": (hostile_xml, None, ""),
    }
    from c3p_docs.form_check import check_form
    from c3p_docs.forms import FormError

    for name, (change, code, words) in cases.items():  # in-process: the CLI's part is the exit code, below
        form = rewritten(good, tmp_path / name, change)
        if code is None:  # refused by the XML parser, or read without expanding: never the entities' content
            try:
                said = repr(check_form(form))
            except FormError as error:
                said = error.message
            assert "root:x" not in said and "aaaaaaaaaa" * 10 not in said
            continue
        with pytest.raises(FormError) as raised:
            check_form(form)
        assert raised.value.exit_code == code and name in raised.value.message and words in raised.value.message
    include = check_form(form_with(tmp_path / "include.docx", "{% include 'x' %}{{ project.title.ja }}"))
    assert [f.code for f in include] == ["form-include"]
    unterminated = run_cli("check-form", form_with(tmp_path / "open.docx", "x {{ project.title.ja"), "--format", "json")
    finding = json.loads(unterminated.stdout)["findings"][0]
    assert unterminated.returncode == 1 and finding["code"] == "form-syntax" and finding["path"] == "paragraph 1"
    damaged = run_cli("check-form", tmp_path / "no-document.docx")
    assert_no_traceback(damaged)
    assert damaged.returncode == 2 and "no-document.docx" in damaged.stderr
    not_a_zip = tmp_path / "form.docx"
    not_a_zip.write_text("plain text", encoding="utf-8")
    built = run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "never", "--form", f"pledge={not_a_zip}")
    assert built.returncode == 2 and "not a zip" in built.stderr


def test_a_runaway_form_tag_is_stopped_and_its_loop_named(tmp_path):
    form = form_with(tmp_path / "loop.docx", "{% for i in range(99999) %}{{ 'x' * 99999 }}{% endfor %}")
    result = run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "never", "--only", "pledge",
                     "--form", f"pledge={form}")
    assert_no_traceback(result)
    assert result.returncode == 1 and "loop.docx" in result.stderr and "limit" in result.stderr
    assert "paragraph 1 {% for i in range(99999) %}" in result.stderr


# -- crash, lock, mail drafts --------------------------------------------------------------------------------

def test_a_second_build_waits_for_the_first_and_sigterm_cleans_up(tmp_path):
    from filelock import FileLock

    out = tmp_path / "out"
    out.mkdir()
    lock = FileLock(str(out / ".c3p-docs.lock"))
    with lock:
        waiting = popen_cli("build", FY2026, "-o", out, "--pdf", "never")
        assert "in use by another c3p-docs run" in waiting.stderr.readline()  # blocks until it says so
        if sys.platform != "win32":
            waiting.send_signal(signal.SIGTERM)
            assert waiting.wait(timeout=60) == 143
            assert "stopped" in waiting.stderr.read()
        else:
            waiting.kill()
            waiting.wait()
    assert sorted(p.name for p in out.iterdir()) in ([], [".c3p-docs.lock"])  # nothing half-written


def test_mail_drafts_attach_what_the_folder_holds_and_never_a_new_rendition(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", FY2026, "-o", out, "--pdf", "never").returncode == 0
    cover = out / "submission" / "(0)_表紙.docx"
    cover.write_bytes(cover.read_bytes() + b"\0")  # a person's edit
    (out / "submission" / "(10)_参考資料.pdf").write_bytes(blank_pdf())  # added by hand
    project = tmp_path / FY2026.name
    project.write_text(FY2026.read_text(encoding="utf-8").replace("北九州市", "北九州市役所"), encoding="utf-8")
    result = run_cli("build", project, "-o", out, "--pdf", "never")
    assert result.returncode == 0 and "(0)_表紙.new.docx" in result.stderr
    names = [name for eml in sorted((out / "mail").glob("*.eml")) for name in attachments(eml)]
    assert "(0)_表紙.docx" in names and "(0)_表紙.new.docx" not in names and "(10)_参考資料.pdf" in names
    (out / "submission" / "(10)_追加資料.pdf").write_bytes(blank_pdf())
    assert run_cli("build", project, "-o", out, "--pdf", "never").returncode == 0  # inputs unchanged, folder not
    names = [name for eml in sorted((out / "mail").glob("*.eml")) for name in attachments(eml)]
    assert "(10)_追加資料.pdf" in names


def test_the_pdf_of_a_kept_application_form_comes_from_the_edited_file(tmp_path, monkeypatch):
    from c3p_docs import build, pdf
    from c3p_docs.project import load_project

    converted: list[bytes] = []

    def convert(sources):
        converted.extend(source.read_bytes() for source in sources)
        return {source: b"%PDF-1.4 from " + source.name.encode() + b"\n%%EOF\n" for source in sources}

    monkeypatch.setattr(pdf, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pdf, "convert_to_pdf", convert)
    loaded = load_project(FY2026)
    out = tmp_path / "out"
    build.run_build(loaded, out, {"application_form"}, ["ja"], "auto")
    form = out / "(1)_応募様式.docx"
    edited = form.read_bytes() + b"\0"
    form.write_bytes(edited)
    result, _ = build.run_build(loaded, out, {"application_form"}, ["ja"], "auto")
    assert converted[-1] == edited
    assert any(f.code == "pdf-from-edited-file" and "(1)_応募様式.new.docx" in f.message for f in result.findings)


# -- check-package -----------------------------------------------------------------------------------------------

@posix_only
def test_shift_jis_names_are_reported_and_fixed(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    raw = "(10)_参考資料.pdf".encode("cp932")
    with open(os.fsencode(folder) + b"/" + raw, "wb") as stream:
        stream.write(b"%PDF-1.4\n%%EOF\n")
    result = run_cli("check-package", folder, "--call", "fy2026-1", "--format", "json")
    assert_no_traceback(result)
    payload = json.loads(result.stdout)
    finding = next(f for f in payload["findings"] if f["code"] == "filename-encoding")
    assert "(10)_参考資料.pdf" in finding["message"] and payload["mails"] == []
    fixed = run_cli("check-package", folder, "--call", "fy2026-1", "--fix-names")
    assert_no_traceback(fixed)
    assert os.listdir(folder) == ["(10)_参考資料.pdf"]


@posix_only
def test_fix_names_never_replaces_a_dangling_link(tmp_path):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "(10)_ガイド.pdf")
    (tmp_path / nfd).write_bytes(b"%PDF-1.4\n%%EOF\n")
    (tmp_path / unicodedata.normalize("NFC", nfd)).symlink_to(tmp_path / "nowhere")
    run_cli("check-package", tmp_path, "--call", "fy2026-1", "--fix-names")
    assert (tmp_path / nfd).is_file() and (tmp_path / unicodedata.normalize("NFC", nfd)).is_symlink()


def test_pypdf_complaints_become_one_finding_not_a_flood(tmp_path):
    kids = b" ".join(b"%d 0 R" % number for number in range(10, 3010))  # 3,000 pages that do not exist
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count 3000 >>"]
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    data += b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    (tmp_path / "(10)_damaged.pdf").write_bytes(data)
    result = run_cli("check-package", tmp_path, "--call", "fy2026-1")
    assert_no_traceback(result)
    assert result.stderr.count("not defined") <= 1 and result.stderr.count("\n") < 30  # pypdf said it 3,000 times
    assert "pdf-repaired" in result.stderr and "(10)_damaged.pdf" in result.stderr


def test_json_stays_json_when_the_os_refuses(tmp_path):
    result = run_cli("check-package", tmp_path / ("a" * 5000), "--call", "fy2026-1", "--format", "json")
    assert result.returncode == 2
    assert json.loads(result.stdout)["ok"] is False


# -- portability, internal errors -------------------------------------------------------------------------------

def test_nothing_needs_fcntl_and_monthly_runs_without_it(tmp_path):
    code = ("import sys; sys.modules['fcntl'] = None; sys.argv[0] = 'c3p-docs'; "
            "import c3p_docs.build, c3p_docs.monthly_run; from c3p_docs.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", code, "monthly", str(FY2026), "--month", "2026-07", "-o",
                             str(tmp_path), "--pdf", "never"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / FY2026.stem / "monthly_2026-07_ja.docx").is_file()


def test_an_internal_error_has_its_own_exit_code_and_says_how_to_report(capsys):
    import typer

    from c3p_docs.cli import handled

    @handled
    def broken(output_format=None):
        raise ValueError("a bug")

    with pytest.raises(typer.Exit) as raised:
        broken()
    assert raised.value.exit_code == 70
    message = capsys.readouterr().err
    assert "internal error (ValueError: a bug)" in message and "report it" in message and "C3P_DEBUG=1" in message


def test_installed_templates_come_from_the_package_never_site_packages_templates(tmp_path):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(ROOT / "c3p_docs", site / "c3p_docs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", site / "c3p_docs" / "templates")  # what the wheel's package-dir mapping does
    (site / "templates" / "ja").mkdir(parents=True)  # another package's folder
    code = "from c3p_docs.jinja_env import template_dir; print(template_dir('ja'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(site)}, timeout=60)
    assert Path(result.stdout.strip()) == site / "c3p_docs" / "templates" / "ja", result.stderr


# -- second sweep (issue 21): ledgers ------------------------------------------------------------------------------

LEDGER_HEADER = "date,category,description,amount_jpy\n"


def test_a_ledger_header_of_100000_columns_is_read_and_named_by_its_first_few(tmp_path):
    from c3p_docs.ledger import read_ledger

    ledger = tmp_path / "wide.csv"
    extra = [f"x{index}" for index in range(100_000)]
    ledger.write_text(LEDGER_HEADER.strip() + "," + ",".join(extra) + "\n2026-07-13,meetings,Venue,30000"
                      + "," * len(extra) + "\n", encoding="utf-8")
    read = read_ledger(ledger)
    assert [line.amount_jpy for line in read.lines] == [30000]
    assert read.ignored_columns[:2] == ["x0", "x1"] and read.ignored_columns[-1] == "and 99,980 more"


def test_a_ledger_over_its_line_or_size_limit_is_refused_before_anything_is_rendered(tmp_path):
    from c3p_docs.errors import InputError
    from c3p_docs.ledger import MAX_LEDGER_LINES, read_ledger

    long = tmp_path / "long.csv"
    long.write_text(LEDGER_HEADER + "2026-07-13,meetings,x,1\n" * (MAX_LEDGER_LINES + 1), encoding="utf-8")
    with pytest.raises(InputError, match=f"{long}:{MAX_LEDGER_LINES + 2}: more than 20,000 payment lines"):
        read_ledger(long)
    big = tmp_path / "big.csv"
    with open(big, "wb") as stream:  # sparse: 6 MB on paper, nothing on disk
        stream.write(LEDGER_HEADER.encode())
        stream.truncate(6_000_000)
    result = run_cli("settle", FY2026, "--ledger", big, "-o", tmp_path / "out", "--pdf", "never", "--format", "json")
    assert_no_traceback(result)
    assert result.returncode == 2 and "too large for a CSV ledger" in json.loads(result.stdout)["findings"][0]["message"]
    assert not (tmp_path / "out").exists()


def test_control_characters_in_a_ledger_are_removed_and_noted_at_their_place(tmp_path):
    from openpyxl import load_workbook

    ledger = tmp_path / "ledger.csv"
    ledger.write_text(LEDGER_HEADER + "2026-07-13,meetings,Vertical\vtab NUL\0 ESC\x1b[31m,30000\n", encoding="utf-8")
    result = run_cli("settle", FY2026, "--ledger", ledger, "-o", tmp_path / "out", "--pdf", "never", "--lang", "en",
                     "--format", "json")
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    note = next(f for f in json.loads(result.stdout)["findings"] if f["code"] == "ledger-control-characters")
    assert (note["severity"], note["file"], note["line"], note["column"]) == ("info", str(ledger), 2, 29)
    assert "U+000B" in note["message"] and "U+0000" in note["message"] and "U+001B" in note["message"]
    workbook = load_workbook(next((tmp_path / "out").glob("settlement_*_en.xlsx")))
    descriptions = [row[2] for row in workbook.worksheets[1].iter_rows(values_only=True)]
    assert "Verticaltab NUL ESC[31m" in descriptions


def test_a_malformed_ledger_line_reports_its_date_category_and_amount_together(tmp_path):
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(LEDGER_HEADER + "2026-13-45,nonsense,x,12abc\n", encoding="utf-8")
    result = run_cli("settle", FY2026, "--ledger", ledger, "-o", tmp_path / "out", "--pdf", "never")
    assert_no_traceback(result)
    assert result.returncode == 1
    assert f"{ledger}:2:1: date '2026-13-45'" in result.stderr
    assert f"{ledger}:2:12: category 'nonsense' is none of the budget's categories" in result.stderr
    assert f"{ledger}:2:23: amount_jpy '12abc'" in result.stderr
    assert "1 malformed line(s)" in result.stderr and not (tmp_path / "out").exists()


# -- second sweep: user templates, labels, reference documents ---------------------------------------------------

def build_with_template(tmp_path, name: str, text: str, only: str, project=FY2026, *extra):
    folder = tmp_path / "tpl" / "ja"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return run_cli("build", project, "-o", tmp_path / "out", "--pdf", "never", "--lang", "ja", "--only", only,
                   "--templates", tmp_path / "tpl", *extra)


@pytest.mark.parametrize("name, text, only, says", [
    ("cover.xml.j2", '<doc><table><tr><td span="100000000">x</td></tr></table></doc>', "cover",
     'span は 1〜63 の整数にしてください'),
    ("cover.xml.j2", '<doc><table><tr><td rowspan="100000000">x</td></tr><tr><td>y</td></tr></table></doc>',
     "cover", "rowspan は 1〜2 の整数にしてください"),
    ("overview.xml.j2", '<slides><slide><box x="10" y="10" w="0" h="20">x</box></slide></slides>', "overview",
     'w は 0 より大きく 298 以下の数値にしてください'),
    ("overview.xml.j2", '<slides><slide><table x="10" y="10" w="100" h="50"><tr><td rowspan="100000000">x</td>'
                        '</tr></table></slide></slides>', "overview", "rowspan は 1〜1 の整数にしてください"),
    ("overview.xml.j2", '<slides>{% for i in range(5000) %}<slide><box x="10" y="10" w="50" h="20">{{ i }}</box>'
                        '</slide>{% endfor %}</slides>', "overview", "5,000 枚あり、1 つのスライド資料の上限 100 枚を超え"),
    ("overview.xml.j2", '<slides><slide><box x="10" y="10" w="50" h="20" field="title">{{ "x" * 100001 }}</box>'
                        '</slide></slides>', "overview", "の文字数が 100,001 字で、スライドの枠に入れられる上限 "
                                                         "100,000 字を超えています。title を短くしてください。"),
])
def test_template_sizes_past_the_limits_are_usage_errors_naming_template_and_element(tmp_path, name, text, only, says):
    result = build_with_template(tmp_path, name, text, only)
    assert_no_traceback(result)
    assert result.returncode == 2, result.stderr
    assert f"テンプレート {name}" in result.stderr and says in result.stderr  # --lang ja: messages in Japanese


@pytest.mark.parametrize("label, says", [
    ("{year.__class__.__mro__[1].__subclasses__}", "差し込み項目 {year.__class__.__mro__[1].__subclasses__} は渡されない"),
    ("{count:>1500000000}", "差し込み項目 {count:>1500000000} は使えません"),
    ("{count", "に値を差し込めません（expected '}' before end of string）"),
    ("{cnt}名", "差し込み項目 {cnt} は渡されない項目です。使える差し込み項目は {count} です"),
])
def test_a_label_may_fill_in_only_its_own_fields_by_name(tmp_path, label, says):
    result = build_with_template(tmp_path, "strings.yaml", f'placeholder: 未記入\nrecords:\n  employees: "{label}"\n',
                                 "organisation_overview", FY2024)
    assert_no_traceback(result)
    assert result.returncode == 2
    assert "strings.yaml:3: records.employees：文言" in result.stderr and says in result.stderr  # --lang ja
    assert not (tmp_path / "out" / "submission").exists()


def test_a_label_of_megabytes_is_refused_by_its_length(tmp_path):
    result = build_with_template(tmp_path, "strings.yaml", "placeholder: " + "x" * 5_001 + "\n", "cover")
    assert result.returncode == 2 and "strings.yaml:1: placeholder：文言が 5,001 字あり" in result.stderr  # --lang ja


def test_a_sheet_label_excel_refuses_is_written_in_full_width(tmp_path):
    from openpyxl import load_workbook

    result = build_with_template(tmp_path, "strings.yaml", 'records:\n  track_record: {sheet: "実績[1]/2"}\n',
                                 "track_record", FY2024)
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    workbook = load_workbook(next((tmp_path / "out" / "submission").glob("*_ja.xlsx")))
    assert workbook.sheetnames == ["実績［1］／2"]


def test_the_sandbox_bounds_nested_widths_indentation_integer_products_and_what_piles_up():
    from c3p_docs.sandbox import LimitedEnvironment, LimitExceeded

    env = LimitedEnvironment()
    env.limit_filters()
    for source in ("{{ '{:>{w}}'.format(1, w=999999999) }}", "{{ '{0:{1}}'.format(1, 999999999) }}",
                   "{{ ('a\n' * 2000) | indent(999999) }}", "{{ ('a\n' * 2000) | indent('x' * 9999) }}",
                   "{{ ('\t' * 2000).expandtabs(999999) }}",
                   "{% set ns = namespace(n=2**40000) %}{% for i in range(9) %}{% set ns.n = ns.n * ns.n %}"
                   "{% endfor %}{{ ns.n > 0 }}",
                   "{{ ('{0}' * 1000).format('x' * 999999) }}", "{{ ('%s' * 1000) % (('x' * 999999,) * 1000) }}",
                   "{% set kept = [] %}{% for i in range(100000) %}{% set _ = kept.append('x' * 999999) %}{% endfor %}"):
        with pytest.raises(LimitExceeded):
            env.from_string(source).render()
    assert env.from_string("{{ '{:>{w}}|{a:>3}'.format(1, w=4, a=2) }}").render() == "   1|  2"


@pytest.mark.parametrize("extension, part, only", [(".docx", "word/styles.xml", "cover"),
                                                    (".pptx", "ppt/theme/theme1.xml", "overview")])
def test_a_reference_document_declaring_entities_is_refused_by_name(tmp_path, extension, part, only):
    def with_entities(name, data):
        if name != part:
            return data
        head, _, body = data.partition(b"?>")
        root = body.lstrip().split(b" ", 1)[0].lstrip(b"<")
        return (head + b"?>\n<!DOCTYPE " + root + b' [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n'
                + body.lstrip())

    folder = tmp_path / "tpl"
    folder.mkdir()
    rewritten(ROOT / "templates" / "common" / f"reference{extension}", folder / f"reference{extension}", with_entities)
    result = run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "never", "--only", only, "--templates", folder)
    assert_no_traceback(result)
    assert result.returncode == 2
    assert f"reference{extension}: its part {part} declares a DOCTYPE" in result.stderr


def test_a_form_with_a_flood_of_tags_or_a_huge_one_is_refused_before_it_is_parsed(tmp_path):
    flood = form_with(tmp_path / "flood.docx", "{{ project.title.ja }}" * 2_001)
    huge = form_with(tmp_path / "huge.docx", "{{ project.title.ja" + " ~ 'x'" * 400 + " }}")
    for form, says in ((flood, "flood.docx: 2,001 tags, over the limit of 2,000"),
                       (huge, "huge.docx: paragraph 1: a tag of 2,422 characters, over the limit of 2,000")):
        for result in (run_cli("check-form", form),
                       run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "never", "--only", "pledge", "--form",
                               f"pledge={form}")):
            assert_no_traceback(result)
            assert result.returncode == 2 and says in result.stderr, result.stderr


# -- second sweep: --format json, streams and signals ----------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("validate", FY2026, "--format", "json", "--bogus"), ("validate", "--format", "json"),
    ("bogus", "--format", "json"), ("build", FY2026, "--format=json", "--lang", "xx"),
    ("build", FY2026, "--format", "json", "--pdf", "sometimes"), ("--format", "json", "validate", FY2026),
])
def test_a_command_line_that_cannot_be_parsed_still_answers_in_json(args):
    result = run_cli(*args)
    assert_no_traceback(result)
    assert result.returncode == 2 and "Usage: c3p-docs" in result.stderr
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and [f["code"] for f in payload["findings"]] == ["usage"]
    assert "-h' for help." in payload["findings"][0]["message"]


def test_a_bad_format_value_is_answered_in_text_only():
    result = run_cli("validate", FY2026, "--format", "xml")
    assert result.returncode == 2 and result.stdout == "" and "'xml' is not one of 'text', 'json'" in result.stderr


def run_with_streams(args, stdout=subprocess.PIPE, close=(), file_size=None):
    import resource

    def prepare():
        for fd in close:
            os.close(fd)
        if file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return subprocess.run([sys.executable, "-m", "c3p_docs", *map(str, args)], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, env={**os.environ, "NO_COLOR": "1", "C3P_NO_CACHE": "1"}, preexec_fn=prepare,
                          timeout=300)


@posix_only
def test_output_that_cannot_be_written_is_said_on_stderr_with_exit_74(tmp_path):
    with open(tmp_path / "out.json", "w") as target:  # a full disk: the file may not grow past 100 bytes
        full = run_with_streams(("fields", "--format", "json"), stdout=target, file_size=100)
    closed = run_with_streams(("validate", FY2026, "--format", "json"), stdout=None, close=(1,))
    for result in (full, closed):
        assert "Traceback" not in result.stderr
        assert result.returncode == 74, result.stderr
        assert result.stderr.count("c3p-docs: could not write to standard output") == 1
    assert "File too large" in full.stderr and "(it is closed)" in closed.stderr
    quiet = run_with_streams(("validate", FY2026), stdout=None, close=(1,))  # text mode writes nothing to stdout
    assert quiet.returncode == 0


@posix_only
def test_a_closed_stderr_still_gives_exactly_one_json_object():
    result = subprocess.run([sys.executable, "-m", "c3p_docs", "validate", str(BROKEN), "--format", "json"],
                            stdout=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(2), timeout=300)
    assert result.returncode in (1, 2)
    assert json.loads(result.stdout)["ok"] is False  # one object: a second would not parse


@posix_only
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)])
def test_a_stop_signal_answers_in_json_with_128_plus_its_number(tmp_path, signum, code):
    from filelock import FileLock

    out = tmp_path / "out"
    out.mkdir()
    with FileLock(str(out / ".c3p-docs.lock")):
        waiting = popen_cli("build", FY2026, "-o", out, "--pdf", "never", "--format", "json")
        assert "in use by another c3p-docs run" in waiting.stderr.readline()
        waiting.send_signal(signum)
        stdout, stderr = waiting.communicate(timeout=60)
    assert waiting.returncode == code
    assert "Traceback" not in stderr and f"stopped by {signal.Signals(signum).name}" in stderr
    finding = json.loads(stdout)["findings"][0]
    assert finding["code"] == "interrupted" and finding["severity"] == "error"


@posix_only
def test_a_stop_while_the_libraries_load_is_answered_like_any_other():
    code = ("import sys\n"
            "class Stop:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'c3p_docs.cli':\n"
            "            raise KeyboardInterrupt\n"
            "sys.meta_path.insert(0, Stop())\n"
            "sys.argv = ['c3p-docs', 'validate', 'x.yaml', '--format', 'json']\n"
            "from c3p_docs.__main__ import run\n"
            "run()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 130 and "Traceback" not in result.stderr
    assert json.loads(result.stdout)["findings"][0]["code"] == "interrupted"


@posix_only
def test_a_ledger_with_a_shift_jis_file_name_is_named_in_words_in_the_workbook(tmp_path):
    from openpyxl import load_workbook

    raw = os.fsencode(tmp_path) + b"/" + "台帳".encode("cp932") + b".csv"
    with open(raw, "wb") as stream:
        stream.write(LEDGER_HEADER.encode() + b"2026-07-13,meetings,Venue,30000\n")
    result = run_cli("settle", FY2026, "--ledger", os.fsdecode(raw), "-o", tmp_path / "out", "--pdf", "never",
                     "--lang", "ja")
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    workbook = load_workbook(next((tmp_path / "out").glob("settlement_*_ja.xlsx")))
    assert "台帳.csv 2行目" in [row[4] for row in workbook.worksheets[1].iter_rows(values_only=True)]


@posix_only
def test_a_stop_while_the_command_line_is_read_is_answered_with_its_own_code():
    code = ("import os, signal, sys, typer.core\n"
            "parse = typer.core.TyperGroup.resolve_command\n"
            "def stopped(self, ctx, args):\n"
            "    os.kill(os.getpid(), signal.SIGTERM)  # arrives while click reads the command line\n"
            "    return parse(self, ctx, args)\n"
            "typer.core.TyperGroup.resolve_command = stopped\n"
            f"sys.argv = ['c3p-docs', 'validate', {str(FY2026)!r}, '--format', 'json']\n"
            "from c3p_docs.__main__ import run\n"
            "run()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 143 and "Traceback" not in result.stderr, result.stderr
    assert json.loads(result.stdout)["findings"][0]["code"] == "interrupted"
