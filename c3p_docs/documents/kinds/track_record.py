"""③ Track record (R6-2): an Excel sheet of `history` by fiscal year and programme."""

from c3p_docs.documents.kinds import Kind, Output, Request, register


def _sheet(renderer, request: Request):
    from c3p_docs.documents import records

    return records.track_record_sheet(renderer.project, request.lang, renderer.words(request.lang))


register(Kind("track_record", (Output(".xlsx", "sheet"),), order=5, sheet=_sheet))
