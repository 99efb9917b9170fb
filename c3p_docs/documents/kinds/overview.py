"""(2)/② Overview: one A4 slide per language; text that does not fit its box is an error (it is published)."""

from c3p_docs.documents.kinds import Kind, Output, register

register(Kind("overview", (Output(".pptx", "slides", "overview.xml.j2"),), order=2, form="language"))
