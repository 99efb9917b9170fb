"""⑫ Project Idea Note (R6-2, Indonesia): English Word within the call's pages, set down to 9 pt at most."""

from c3p_docs.documents.kinds import Kind, Output, Request, register


def _context(renderer, request: Request, base: dict) -> dict:
    from c3p_docs.documents import records

    return {**base, "note": records.pin_context(renderer.project, request.lang)}


def _shorten(renderer, request: Request) -> str:
    from c3p_docs.documents import records

    return records.longest_pin_fields(renderer.project)


# English by nature (R6-2 §8(1)⑫); 9 pt stays readable for a note read by officials abroad.
register(Kind("project_idea_note", (Output(".docx", "word", "project_idea_note.xml.j2"),), languages=("en",),
              order=9, floor=9.0, context=_context, shorten=_shorten))
