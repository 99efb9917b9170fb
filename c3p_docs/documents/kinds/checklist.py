"""Checklist: every attachment of the call with its status and the file names expected (build gives them)."""

from c3p_docs.documents.kinds import Kind, Output, Request, register


def _context(renderer, request: Request, base: dict) -> dict:
    from c3p_docs.documents.context import check_package_command

    return {**base, "files": request.params["files"],
            "check_command": check_package_command(renderer.loaded.path, renderer.out)}


register(Kind("checklist", (Output(".docx", "word", "checklist.xml.j2"),), group="support", order=10,
              context=_context))
