"""PDF conversion with LibreOffice: one soffice call for every file, in a private profile."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from c3p_docs.errors import ToolMissing

FONTCONFIG = Path(__file__).parent / "data" / "fonts.conf"
TIMEOUT_SECONDS = 300


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_to_pdf(sources: list[Path]) -> dict[Path, bytes]:
    """Convert all `sources` in one call (a call per file is ~4× slower); returns each PDF's bytes."""
    soffice = find_soffice()
    if soffice is None:
        raise ToolMissing("LibreOffice (soffice) is not installed; install libreoffice-writer-nogui and "
                          "libreoffice-impress-nogui, or use --pdf never.")
    if not sources:
        return {}
    with tempfile.TemporaryDirectory(prefix="c3p-pdf-") as work:
        work_dir = Path(work)
        inputs = []
        # Copy under ASCII names: soffice's output name follows the input's, and we map back by index.
        for index, source in enumerate(sources):
            target = work_dir / f"in{index:03d}{source.suffix}"
            shutil.copyfile(source, target)
            inputs.append(target)
        out_dir = work_dir / "pdf"
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTCONFIG), "HOME": str(work_dir)}
        command = [soffice, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, inputs)]
        try:
            subprocess.run(command, capture_output=True, env=env, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise ToolMissing(f"LibreOffice did not finish converting within {TIMEOUT_SECONDS} s.") from None
        results = {}
        for source, converted in zip(sources, inputs):
            pdf = out_dir / (converted.stem + ".pdf")
            if pdf.is_file():
                results[source] = pdf.read_bytes()
        return results


def pdf_page_count(data: bytes) -> int:
    """Pages of a PDF LibreOffice made; 0 when it cannot be read (then nothing is re-fitted)."""
    import io

    from pypdf import PdfReader

    from c3p_docs.package_check.content import library_messages

    with library_messages():
        try:
            return len(PdfReader(io.BytesIO(data)).pages)
        except Exception:  # noqa: BLE001 - a damaged PDF only skips the page check
            return 0
