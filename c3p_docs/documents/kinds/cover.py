"""(0) Cover sheet (FY2026): Word, Japanese; a tagged official form may replace it."""

from c3p_docs.documents.kinds import Kind, Output, register

register(Kind("cover", (Output(".docx", "word", "cover.xml.j2"),), order=0, form="kind"))
