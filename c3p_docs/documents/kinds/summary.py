"""(3)/⑤ Summary: Word, one heading per evaluation criterion of the call, in each language."""

from c3p_docs.documents.kinds import Kind, Output, register

register(Kind("summary", (Output(".docx", "word", "summary.xml.j2"),), order=3, form="language"))
