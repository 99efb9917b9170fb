"""Report after a field survey or invitation (Word): what was done, results, workshops, next steps, photos."""

from c3p_docs.documents.kinds import Kind, Output, register
from c3p_docs.documents.kinds.trip_plan import context, findings

register(Kind("trip_report", (Output(".docx", "word", "trip_report.xml.j2"),), group="contract", context=context,
              findings=findings))
