"""Final summary: three slides per language."""

from c3p_docs.documents.kinds import Kind, Output, register

register(Kind("final_summary", (Output(".pptx", "slides", "final_summary.xml.j2"),), group="support", order=12))
