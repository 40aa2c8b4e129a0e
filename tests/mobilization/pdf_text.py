"""Reading back the text of the PDFs drawn with matplotlib."""

from __future__ import annotations


def pdf_text(data: bytes) -> str:
    """The strings drawn in an uncompressed matplotlib PDF with Type 3 fonts, one per line."""
    import re

    lines = []
    for block in re.findall(rb"BT(.*?)ET", data, re.S):
        pieces = re.findall(rb"\(((?:\\.|[^\\)])*)\)", block, re.S)
        text = b"".join(pieces).decode("latin-1")
        lines.append(re.sub(r"\\(.)", r"\1", text))
    return "\n".join(lines)
