"""Regenerate the committed PDF fixtures (needs reportlab; not run by the test suite)."""

from pathlib import Path

from pypdf import PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).parent
LINES = ["过去一年，全市地区生产总值增长5.2%。", "今年主要预期目标：城镇新增就业1.2万人。"]


def main() -> None:
    """Write report_zh.pdf (Chinese text layer) and scanned.pdf (no text layer)."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # built-in CID font, no font file
    c = canvas.Canvas(str(HERE / "report_zh.pdf"), invariant=1)
    c.setFont("STSong-Light", 12)
    for i, line in enumerate(LINES):
        c.drawString(72, 720 - 20 * i, line)
    c.showPage()
    c.save()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # stands in for a page that is only an image
    with open(HERE / "scanned.pdf", "wb") as fh:
        writer.write(fh)


if __name__ == "__main__":
    main()
