"""The checklist names exactly the files build writes, and the PDF build makes where the call wants PDF."""

from __future__ import annotations

import json

from conftest import FY2024, FY2026, docx_text, run_cli


def test_every_file_build_writes_for_submission_is_named_in_the_checklist(tmp_path):
    for sample in (FY2026, FY2024):
        out = tmp_path / sample.stem
        assert run_cli("build", sample, "-o", out, "--pdf", "never").returncode == 0
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
        submitted = [entry["path"].split("/", 1)[1] for entry in manifest
                     if entry.get("attachment") and entry["path"].startswith("submission/")]
        for lang in ("ja", "en"):
            text = docx_text(out / f"checklist_{lang}.docx")
            assert all(name in text for name in submitted), (lang, submitted)
            # The application form goes in as the PDF build converts it to, not as its Word source.
            form = next(e["path"] for e in manifest if e["kind"] == "application_form")
            assert form.replace(".docx", ".pdf") in text and form not in text
    text = docx_text(tmp_path / FY2026.stem / "checklist_ja.docx")
    assert "(0)_表紙.docx" in text and "(4)_誓約書.docx" in text
    assert "(0)_表紙.pdf" not in text and "(4)_誓約書.pdf" not in text
