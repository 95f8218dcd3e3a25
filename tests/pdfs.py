"""PDFs built in the tests, for layouts the real documents do not show."""

from __future__ import annotations

import ctypes
import io
from typing import Any

PAGE_BREAK = "\f"


Line = str | tuple[float, str] | list[tuple[float, str]]


def text_pdf(*lines: Line) -> bytes:
    """Return a PDF whose text layer is the given lines, top down.

    A line given as ``(x, text)`` starts ``x`` points from the left edge (else 30), a
    list of them puts several pieces on one line (table cells); an empty line leaves
    a gap, as between two rows of a table; ``PAGE_BREAK`` starts a new page.
    """
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    pdf = pypdfium2.PdfDocument.new()
    page = pdf.new_page(612, 792)
    y = 760.0
    for item in lines:
        pieces = item if isinstance(item, list) else [item]
        if pieces == [PAGE_BREAK]:
            pdfium_c.FPDFPage_GenerateContent(page.raw)
            page = pdf.new_page(612, 792)
            y = 760.0
            continue
        for piece in pieces:
            x, text = piece if isinstance(piece, tuple) else (30.0, piece)
            if text:
                _add_text(pdf, page, x, y, text)
        y -= 14
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _add_text(pdf: Any, page: Any, x: float, y: float, text: str) -> None:
    import pypdfium2.raw as pdfium_c

    obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(9))
    encoded = (text + "\0").encode("utf-16-le")
    buffer = (ctypes.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded)
    pdfium_c.FPDFText_SetText(obj, buffer)
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
    pdfium_c.FPDFPage_InsertObject(page.raw, obj)
