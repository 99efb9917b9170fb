"""(4) Pledge on organised crime (FY2026): Word, Japanese."""

from c3p_docs.documents.kinds import Kind, Output, register

register(Kind("pledge", (Output(".docx", "word", "pledge.xml.j2"),), order=4, form="kind"))
