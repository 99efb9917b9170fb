"""Outline of the final report: Japanese Word, chapters tied to the activities."""

from c3p_docs.documents.kinds import Kind, Output, register

register(Kind("final_report_outline", (Output(".docx", "word", "final_report_outline.xml.j2"),), group="support",
              languages=("ja",), order=11))
