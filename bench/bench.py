"""Whole-process timings as ratios to `python -c "import docx, pptx"` taken in the same run; asserts nothing.

Usage: python bench/bench.py [--runs N] [--check-package]

Every command runs once per round, rounds interleaved, so a noisy neighbour slows all of them alike; the
figures are medians over the rounds. Each build and monthly run writes into a fresh output folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "kitakyushu-davao-fy2026.yaml"
MONTH = "2026-07"
MONTHLY_PROJECTS = 25
BUILD_IMPORTS = ("import docx, pptx, typer, typer._adapters, pydantic, jinja2, yaml, babel.dates, babel.numbers, "
                 "c3p_docs.cli, c3p_docs.build, c3p_docs.project, c3p_docs.documents.context, "
                 "c3p_docs.documents.word, c3p_docs.documents.slides")
"""What a build imports before it reads the project (the libraries and our modules): the part of its time no
rendering work can remove."""
# label, goal as a ratio to the floor (None: shown for information), what the ratio is taken against
GOALS = {
    "build --pdf never (fresh)": 2.5,
    "validate": 1.2,
    "monthly --pdf never (one project, ja)": 2.0,
    "--help": 0.5,
}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False, cwd=ROOT)  # `-m c3p_docs` is this checkout's
    return time.perf_counter() - start


def whole_process_rows(runs: int) -> None:
    cli = [sys.executable, "-m", "c3p_docs"]
    with tempfile.TemporaryDirectory() as work:
        copies = []
        for index in range(MONTHLY_PROJECTS):
            copy = Path(work) / f"project{index:02d}.yaml"
            shutil.copy(SAMPLE, copy)
            copies.append(str(copy))
        rebuilt = f"{work}/rebuilt"
        subprocess.run(cli + ["build", str(SAMPLE), "-o", rebuilt, "--pdf", "never"], capture_output=True, check=False,
                       cwd=ROOT)
        documents = sum(1 for p in Path(rebuilt).rglob("*") if p.suffix in (".docx", ".pptx", ".xlsx"))
        fresh = iter(range(10**6))
        commands = {
            "python -c pass": lambda: [sys.executable, "-c", "pass"],
            "floor: python -c 'import docx, pptx'": lambda: [sys.executable, "-c", "import docx, pptx"],
            "imports of a build, nothing run": lambda: [sys.executable, "-c", BUILD_IMPORTS],
            "--help": lambda: cli + ["--help"],
            "validate": lambda: cli + ["validate", str(SAMPLE)],
            "build --pdf never (fresh)":
                lambda: cli + ["build", str(SAMPLE), "-o", f"{work}/build{next(fresh)}", "--pdf", "never"],
            "build --pdf never (unchanged rebuild)": lambda: cli + ["build", str(SAMPLE), "-o", rebuilt, "--pdf", "never"],
            "monthly --pdf never (one project, ja)":
                lambda: cli + ["monthly", copies[0], "--month", MONTH, "--pdf", "never", "-o", f"{work}/m{next(fresh)}"],
            f"monthly --pdf never ({MONTHLY_PROJECTS} projects, one call)":
                lambda: cli + ["monthly", *copies, "--month", MONTH, "--pdf", "never", "-o", f"{work}/m{next(fresh)}"],
        }
        times: dict[str, list[float]] = {label: [] for label in commands}
        for _ in range(runs):
            for label, command in commands.items():
                times[label].append(timed(command()))
    median = {label: statistics.median(values) for label, values in times.items()}
    print(f"(the sample's fresh build writes {documents} Word/PowerPoint/Excel documents)")
    floor = median["floor: python -c 'import docx, pptx'"]
    print(f"{'command':<46} {'median':>8} {'× floor':>8} {'goal':>7}")
    for label, seconds in median.items():
        goal = GOALS.get(label)
        ratio = seconds / floor
        verdict = "" if goal is None else ("  ok" if ratio <= goal else "  MISSED")
        print(f"{label:<46} {seconds * 1000:6.0f} ms {ratio:7.2f}× {'' if goal is None else f'≤{goal}×':>7}{verdict}")
    one = median["monthly --pdf never (one project, ja)"]
    many = median[f"monthly --pdf never ({MONTHLY_PROJECTS} projects, one call)"]
    print(f"{f'monthly {MONTHLY_PROJECTS} projects ÷ one project':<46} {'':>8} {many / one:7.2f}× {'<2×':>7}"
          f"{'  ok' if many / one < 2 else '  MISSED'}")


def make_large_package(folder: Path) -> None:
    """100 files, 500 MB: PDFs, Word files with big images, and plain blobs, numbered like attachments."""
    import io
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


def check_package_row(runs: int) -> None:
    import resource

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "package"
        folder.mkdir()
        make_large_package(folder)
        total = sum(p.stat().st_size for p in folder.iterdir())
        command = [sys.executable, "-m", "c3p_docs", "check-package", str(folder), "--call", "fy2026-1",
                   "--format", "json"]
        seconds = statistics.median(timed(command) for _ in range(runs))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"{'check-package, 100 files, ' + format(total / 1e6, '.0f') + ' MB':<46} {seconds * 1000:6.0f} ms "
              f"(median of {runs}), peak RSS {peak / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="rounds (medians are taken over them); at least 7")
    parser.add_argument("--check-package", action="store_true", help="also time check-package on 500 MB")
    options = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start; medians of {options.runs} "
          "interleaved whole-process runs")
    # The runs import c3p_docs from this checkout. Compile it as `pip install` compiles an installed copy:
    # where PYTHONDONTWRITEBYTECODE is set (CI images, this machine) every run would compile ~40 modules anew.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "c3p_docs")], check=True)
    whole_process_rows(options.runs)
    if options.check_package:
        check_package_row(options.runs)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
