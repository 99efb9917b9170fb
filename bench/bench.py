"""Whole-process timings on this machine: prints figures, asserts nothing."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "kitakyushu-davao-fy2026.yaml"
RUNS = 7


def median_seconds(command: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_large_package(folder: Path) -> None:
    """100 files, 500 MB: PDFs, Word files with big images, and plain blobs, numbered like attachments."""
    import io
    import os
    import zipfile

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    blob = os.urandom(5_000_000)
    writer = PdfWriter()
    page = writer.add_blank_page(595.28, 841.89)
    stream = DecodedStreamObject()
    stream.set_data(b"%" + blob.hex().encode()[:5_000_000] + b"\n")  # a 5 MB content stream, as a scan would have
    page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    pdf = buffer.getvalue()
    for index in range(100):
        number = index % 10 + 1
        if index % 3 == 0:
            with zipfile.ZipFile(folder / f"({number})_doc{index}.docx", "w", zipfile.ZIP_STORED) as archive:
                archive.writestr("[Content_Types].xml", "<Types/>")
                archive.writestr("word/document.xml", "<w:document/>")
                archive.writestr("word/media/image1.png", b"\x89PNG" + blob)
        else:
            (folder / f"({number})_file{index}.pdf").write_bytes(pdf)


def check_package_figures() -> None:
    import resource

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "package"
        folder.mkdir()
        make_large_package(folder)
        total = sum(p.stat().st_size for p in folder.iterdir())
        command = [sys.executable, "-m", "c3p_docs", "check-package", str(folder), "--call", "fy2026-1",
                   "--format", "json"]
        seconds = median_seconds(command)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        subprocess.run(command, capture_output=True, check=False)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"{'check-package, 100 files, ' + format(total / 1e6, '.0f') + ' MB':<48} {seconds * 1000:8.0f} ms "
              f"(median of {RUNS}), peak RSS {max(peak, before) / 1024:.0f} MB")


def monthly_figures() -> None:
    """One project against 25 in one process (a consultancy's cron line), without PDFs."""
    with tempfile.TemporaryDirectory() as work:
        copies = []
        for index in range(25):
            copy = Path(work) / f"project{index:02d}.yaml"
            copy.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
            copies.append(str(copy))
        base = [sys.executable, "-m", "c3p_docs", "monthly", "--month", "2026-07", "--pdf", "never"]
        one = median_seconds(base + [copies[0], "-o", f"{work}/one", "--force"])
        many = median_seconds(base + copies + ["-o", f"{work}/many", "--force"])
        print(f"{'monthly, 1 project':<48} {one * 1000:8.0f} ms (median of {RUNS})")
        print(f"{'monthly, 25 projects in one call':<48} {many * 1000:8.0f} ms (median of {RUNS}), "
              f"{many / one:.1f}× one project")


def main() -> None:
    python = sys.executable
    with tempfile.TemporaryDirectory() as work:
        rows = [
            ("python -c pass", [python, "-c", "pass"]),
            ("python -c 'import docx, pptx'", [python, "-c", "import docx, pptx"]),
            ("c3p-docs --help", [python, "-m", "c3p_docs", "--help"]),
            ("c3p-docs validate (sample)", [python, "-m", "c3p_docs", "validate", str(SAMPLE)]),
            ("c3p-docs build --pdf never (fresh)",
             [python, "-c", "import sys, tempfile, runpy; sys.argv=['c3p-docs','build',%r,'-o',tempfile.mkdtemp(),"
              "'--pdf','never']; runpy.run_module('c3p_docs', run_name='__main__')" % str(SAMPLE)]),
            ("c3p-docs build --pdf never (unchanged rebuild)",
             [python, "-m", "c3p_docs", "build", str(SAMPLE), "-o", f"{work}/out", "--pdf", "never"]),
        ]
        for label, command in rows:
            print(f"{label:<48} {median_seconds(command) * 1000:8.0f} ms (median of {RUNS})")
    monthly_figures()
    check_package_figures()


if __name__ == "__main__":
    main()
