"""(1)/① Application form: Word beside the package, its PDF in it (the call wants PDF)."""

from c3p_docs.documents.kinds import Kind, Output, register

register(Kind("application_form", (Output(".docx", "word", "application_form.xml.j2"),), order=1, form="kind"))
