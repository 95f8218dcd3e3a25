"""PDFs built in the tests, for layouts the real documents do not show."""

from __future__ import annotations

import ctypes
import io

PAGE_BREAK = "\f"


def text_pdf(*lines: str | tuple[float, str]) -> bytes:
    """Return a PDF whose text layer is the given lines, top down.

    A line given as ``(x, text)`` starts ``x`` points from the left edge (else 30);
    an empty line leaves a gap, as between two rows of a table; ``PAGE_BREAK`` starts
    a new page.
    """
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    pdf = pypdfium2.PdfDocument.new()
    page = pdf.new_page(612, 792)
    y = 760.0
    for item in lines:
        x, line = item if isinstance(item, tuple) else (30.0, item)
        if line == PAGE_BREAK:
            pdfium_c.FPDFPage_GenerateContent(page.raw)
            page = pdf.new_page(612, 792)
            y = 760.0
            continue
        if not line:
            y -= 14
            continue
        obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(9))
        encoded = (line + "\0").encode("utf-16-le")
        buffer = (ctypes.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded)
        pdfium_c.FPDFText_SetText(obj, buffer)
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)
        y -= 14
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
