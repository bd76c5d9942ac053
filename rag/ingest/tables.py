"""Tables of reports (.csv, .xlsx): one report per row, streamed, the text column found by its contents."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["TableRow", "read_table", "TableError"]

_CJK = re.compile(r"[\u4e00-\u9fff]")
_TEXT_HEADER = re.compile(r"全文|正文|内容|文本|text|content|body", re.I)
_SAMPLE_ROWS = 50          # rows read to decide which column holds the text
_MIN_TEXT_CHARS = 500      # a column whose cells are this long on average holds report texts
csv.field_size_limit(64 * 1024 * 1024)


class TableError(ValueError):
    """A table that cannot be read as reports; str(err) names what was found."""


@dataclass
class TableRow:
    """One row: its number in the file (the header is row 1), its text, its other columns, and a content hash."""

    row: int
    text: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        """Identify the row's contents (text and columns), so an unchanged row is skipped on re-ingest."""
        blob = self.text + "\x1f" + "\x1f".join(f"{k}={v}" for k, v in sorted(self.fields.items()))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _cell(value: object) -> str:
    """A cell as text ('' for empty); whole floats lose their '.0' (2023.0 → 2023)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _text_column(header: Sequence[str], sample: Sequence[Sequence[str]]) -> int:
    """The column holding report texts: long Chinese cells, a text-like header breaking ties."""
    best, best_score = -1, 0.0
    for i, name in enumerate(header):
        cells = [r[i] for r in sample if i < len(r) and r[i]]
        if not cells:
            continue
        cjk = sum(len(_CJK.findall(c)) for c in cells) / len(cells)
        score = cjk * (1.5 if _TEXT_HEADER.search(name or "") else 1.0)
        if cjk >= _MIN_TEXT_CHARS and score > best_score:
            best, best_score = i, score
    if best < 0:
        found = ", ".join(h or f"(column {i + 1})" for i, h in enumerate(header)) or "(none)"
        raise TableError(f"no column holds report texts (a column of long Chinese text); columns found: {found}")
    return best


def _csv_rows(source: Path | bytes, encoding: str) -> Iterator[list[str]]:
    """Stream the rows of a CSV (comma, semicolon or tab separated), decoded, from a file or bytes."""
    stream = (io.TextIOWrapper(io.BytesIO(source), encoding=encoding, newline="") if isinstance(source, bytes)
              else source.open(encoding=encoding, newline=""))
    with stream:
        head = stream.read(64 * 1024)
        stream.seek(0)
        # Only the delimiter is sniffed, from the header line; quoting stays RFC 4180 ("" inside a quoted cell is a
        # quote), which a header line alone cannot show and the sniffer would otherwise guess wrong.
        try:
            delimiter = csv.Sniffer().sniff(head.split("\n", 1)[0], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
        yield from csv.reader(stream, csv.excel, delimiter=delimiter)


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    """Stream the rows of the first sheet of a workbook."""
    try:
        import openpyxl
    except ImportError as err:  # a declared dependency; say how to get it if the install is partial
        raise TableError("reading .xlsx needs openpyxl: pip install openpyxl") from err
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True):
            yield [_cell(v) for v in row]
    finally:
        wb.close()


def read_table(path: Path, data: bytes | None = None, encoding: str = "utf-8") -> Iterator[TableRow]:
    """Yield one TableRow per data row (empty texts included: the caller reports them); raise TableError."""
    rows = _xlsx_rows(path) if path.suffix.lower() == ".xlsx" else _csv_rows(data if data is not None else path, encoding)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(rows)]
    except StopIteration:
        raise TableError(f"{path.name}: the table is empty") from None
    sample: list[list[str]] = []
    for r in rows:
        sample.append(r)
        if len(sample) >= _SAMPLE_ROWS:
            break
    col = _text_column(header, sample)

    def row_of(n: int, cells: list[str]) -> TableRow:
        text = cells[col] if col < len(cells) else ""
        fields = {header[i] or f"column{i + 1}": c for i, c in enumerate(cells) if i != col and i < len(header) and c}
        return TableRow(n, text, fields)

    n = 1
    for cells in sample:
        n += 1
        yield row_of(n, cells)
    for cells in rows:
        n += 1
        yield row_of(n, cells)
