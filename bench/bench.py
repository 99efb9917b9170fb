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


if __name__ == "__main__":
    main()
