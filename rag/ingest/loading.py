"""Load report files (txt/md/html/docx/pdf) into decoded text with a content hash."""

from __future__ import annotations

import codecs
import hashlib
import io
import itertools
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["SUPPORTED_SUFFIXES", "DocumentError", "LoadedDocument", "SourceDocument", "iter_documents", "load_document", "load_sources"]

log = logging.getLogger(__name__)

_FORMATS = {".txt": "text", ".md": "text", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf",
            ".csv": "table", ".xlsx": "table"}
SUPPORTED_SUFFIXES = frozenset(_FORMATS)
_BOMS = [  # UTF-32 first: the UTF-32 LE BOM starts with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_CJK_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_EUROPEAN_RE = re.compile("[\u00a0-\u017f\u0370-\u045f\u2000-\u206f]")  # Latin-1/Ext-A, Greek, Cyrillic
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")  # keeps \t\n\v\f\r and DOS EOF \x1a
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_BLANK_LINES_RE = re.compile(r"\n[ \t\u3000]*(?:\n[ \t\u3000]*)+")
_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article")
_DROP_XPATH = "//script|//style|//noscript|//nav|//header|//footer|//form|//head"


@dataclass(frozen=True)
class LoadedDocument:
    """One ingested file: its decoded text, format, detected encoding and raw-bytes hash."""

    path: Path
    text: str
    format: str
    encoding: str | None
    sha256: str


@dataclass
class SourceDocument:
    """One document to ingest: a file, or one row of a table of reports (then `doc_id` and `fields` are set)."""

    path: Path
    text: str                 # decoded text, not yet cleaned
    sha256: str               # of the file, or of the row's contents
    doc_id: str | None = None  # None: derived from the file name
    fields: dict[str, str] = field(default_factory=dict)  # a table row's other columns (metadata candidates)
    overrides: Mapping[str, Any] | None = None
    override_source: str = "override"  # "sidecar" when the overrides come from the folder's metadata.json
    problem: str = ""         # why this document cannot be ingested (e.g. a table row with no text)


class DocumentError(ValueError):
    """A file that cannot be ingested; str(err) is a clear one-line reason for the user."""


def _codec(name: str) -> str | None:
    """Return the canonical Python codec name, widening GB2312/GBK to their superset GB18030."""
    try:
        name = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return "gb18030" if name in {"gb2312", "gbk"} else name


def _try_decode(data: bytes, encoding: str) -> str | None:
    """Decode strictly, returning None on failure."""
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


@lru_cache(maxsize=65536)
def _is_common(ch: str) -> bool:
    """Return True for characters plausible in real text: GB2312/Big5 or common European letters."""
    return bool(_EUROPEAN_RE.match(ch)) or any(ch.encode(enc, "ignore") for enc in ("gb2312", "big5"))


def _plausibility(text: str) -> float:
    """Return the share of non-ASCII characters (in a sample) that are common characters."""
    wide = [c for c in text[:100_000] if c > "\x7f"]
    return sum(map(_is_common, wide)) / len(wide) if wide else 1.0


def _decode(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """Decode text: BOM, strict UTF-8, declared charset, then scored detection; return (text, codec)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            codec = enc.removesuffix("-sig")
            if (text := _try_decode(data[len(bom):], codec)) is None:
                raise DocumentError(f"{name}: has a {codec.upper()} byte-order mark but is not valid {codec.upper()}")
            return text, enc
    if b"\x00" in data:
        raise DocumentError(f"{name}: looks like a binary file (contains NUL bytes), not text")
    if (utf8 := _try_decode(data, "utf-8")) is not None:
        if not utf8.isascii() and not _CJK_RE.search(utf8):  # very short GBK can be valid UTF-8
            gb = _try_decode(data, "gb18030")
            if gb and _CJK_RE.search(gb) and _plausibility(gb) > _plausibility(utf8):
                return gb, "gb18030"
        return utf8, "utf-8"
    if declared and (dcodec := _codec(declared)) and (declared_text := _try_decode(data, dcodec)) is not None:
        return declared_text, dcodec
    text = data.decode("utf-8", "replace")  # Chinese UTF-8 with a few stray bytes: keep it
    if 0 < (bad := text.count("\ufffd")) * 200 <= len(_CJK_RE.findall(text)):
        log.warning("%s: replaced %d invalid UTF-8 sequences", name, bad)
        return text, "utf-8"
    # charset-normalizer calls short GBK text cp949, shift_jis or utf-16: score every strict
    # decoding by how much of it is common characters, GB18030 winning ties.
    from charset_normalizer import from_bytes

    guesses = [c for m in from_bytes(data[: 256 * 1024]) if (c := _codec(m.encoding))]
    best: tuple[float, str, str] | None = None
    for enc in dict.fromkeys(["gb18030", *guesses]):
        if (text := _try_decode(data, enc)) is not None:
            score = _plausibility(text)
            if best is None or score > best[0]:
                best = (score, text, enc)
    if best is None:
        raise DocumentError(f"{name}: cannot detect the text encoding (not UTF-8, UTF-16 or GB18030)")
    log.debug("%s: detected %s (plausibility %.2f)", name, best[2], best[0])
    return best[1], best[2]


def _unlayout(html: str) -> str:
    """A page laid out with tables (the article in one cell) gets blocks for its tables, so that its lines and
    paragraphs survive extraction; a table cell of prose is layout, not data."""
    import lxml.html
    from lxml import etree

    if "<td" not in html[:200_000].lower():
        return html
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return html
    if not any(len(cell.text_content()) > 300 for cell in root.iter("td", "th")):
        return html
    for el in root.iter("table", "tbody", "thead", "tfoot", "tr", "td", "th"):
        el.tag = "div"
    return str(lxml.html.tostring(root, encoding="unicode"))


def _html_text(html: str) -> str:
    """Extract an HTML page's main text with trafilatura, falling back to all visible text."""
    import lxml.html
    import trafilatura
    from lxml import etree

    html = _unlayout(_XML_DECL_RE.sub("", html, count=1))
    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True)
    if text and text.strip():
        return text
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ""
    for junk in root.xpath(_DROP_XPATH):
        junk.drop_tree()
    for el in root.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
    return _BLANK_LINES_RE.sub("\n", root.text_content()).strip()


def _docx_text(data: bytes) -> str:
    """Return paragraph and table-row text of a .docx in document order, one per line."""
    import docx
    from docx.table import Table

    lines: list[str] = []
    for block in docx.Document(io.BytesIO(data)).iter_inner_content():
        if not isinstance(block, Table):
            lines.append(block.text)
            continue
        for row in block.rows:
            cells = row.cells  # a horizontally merged cell repeats as the same object
            lines.append("\t".join(c.text for i, c in enumerate(cells) if i == 0 or c is not cells[i - 1]))
    return "\n".join(lines)


def _pdf_text(data: bytes, name: str) -> str:
    """Return the text layer of a PDF, page by page."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise DocumentError(f"{name}: PDF is password-protected")
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    if not text.strip():
        raise DocumentError(f"{name}: PDF has no text layer (scanned PDF?); OCR it first")
    return text


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read a file after checking it exists, is a regular file and is within the size limit."""
    limit = f"the {max_bytes / 2**20:.1f} MB limit"
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise DocumentError(f"{path}: is not a regular file")
        if size > max_bytes:
            raise DocumentError(f"{path}: file is {size / 2**20:.1f} MB, larger than {limit}")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise DocumentError(f"{path}: file not found") from None
    except OSError as err:
        raise DocumentError(f"{path}: cannot read file ({err.strerror or err})") from None
    if len(data) > max_bytes:
        raise DocumentError(f"{path}: file grew beyond {limit} while being read")
    if not data:
        raise DocumentError(f"{path}: file is empty")
    return data


MAX_FILE_BYTES = 20 * 1024 * 1024  # the default of Settings.max_file_bytes
SIDECAR = "metadata.json"  # a folder's known metadata, per document id: what whoever collected it knows


@lru_cache(maxsize=64)
def _sidecar(folder: Path, mtime: float) -> dict[str, dict[str, Any]]:
    """Read a folder's metadata.json (cached by its modification time)."""
    import json

    try:
        data = json.loads((folder / SIDECAR).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        log.warning("%s: unreadable (%s); ignored", folder / SIDECAR, err)
        return {}
    return {k: {f: v for f, v in fields.items() if f != "why"} for k, fields in data.items()
            if isinstance(fields, dict) and not k.startswith("_")}


def sidecar_metadata(path: Path) -> dict[str, dict[str, Any]]:
    """Known metadata for the documents of path's folder, from its metadata.json ({} when there is none).

    It holds what the text does not say but whoever collected the files knows, e.g.
    {"002_report": {"region": "运城市", "why": "the abstract names its city only in the prose"}}.
    """
    side = path.parent / SIDECAR
    return _sidecar(path.parent, side.stat().st_mtime) if side.is_file() else {}


def load_sources(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> Iterator[SourceDocument]:
    """Yield the documents in a file: one for a report file, one per row for a table of reports (.csv, .xlsx)."""
    path = Path(path)
    if _FORMATS.get(path.suffix.lower()) != "table":
        doc = load_document(path, max_bytes)
        yield SourceDocument(path, doc.text, doc.sha256)
        return
    yield from _table_sources(path, max_bytes)


def _table_sources(path: Path, max_bytes: int) -> Iterator[SourceDocument]:
    """One document per row of a table; rows with no text come back with a problem and their row number."""
    from rag.ingest.tables import TableError, read_table

    if not path.is_file():
        raise DocumentError(f"{path}: file not found" if not path.exists() else f"{path}: is not a regular file")
    encoding = None
    if path.suffix.lower() == ".csv":
        with path.open("rb") as fh:
            head = fh.read(256 * 1024)
        if not head:
            raise DocumentError(f"{path}: file is empty")
        _, encoding = _decode(head[: head.rfind(b"\n") + 1] or head, str(path))
    try:
        rows = read_table(path, None, encoding or "utf-8")
        first = next(rows, None)
        second = next(rows, None)
        if first is None:
            return
        if second is None and first.text.strip():  # a one-record export is just a report
            yield SourceDocument(path, first.text, first.sha256, path.stem, dict(first.fields))
            return
        empty = []
        for row in itertools.chain((first,) if second is None else (first, second), rows):
            doc_id = f"{path.stem}-r{row.row}"
            if not row.text.strip():
                empty.append(row.row)
                continue
            if len(row.text.encode("utf-8")) > max_bytes:
                yield SourceDocument(path, "", "", doc_id, problem=f"row {row.row}: text larger than the {max_bytes / 2**20:.0f} MB limit")
                continue
            yield SourceDocument(path, row.text, row.sha256, doc_id, dict(row.fields))
        if empty:
            yield SourceDocument(path, "", "", None, problem=f"{path.name}: rows with empty text skipped: {_ranges(empty)}")
    except TableError as err:
        raise DocumentError(f"{path}: {err}") from None
    except (OSError, ValueError, KeyError) as err:  # a damaged workbook: zipfile and openpyxl raise these
        raise DocumentError(f"{path}: not a readable {path.suffix.lower()} table ({type(err).__name__}: {err})") from None


def _ranges(rows: list[int]) -> str:
    """'2, 5-9, 12' for a sorted list of row numbers."""
    out: list[str] = []
    start = prev = rows[0]
    for r in [*rows[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if r is not None:
            start = prev = r
    return ", ".join(out)


def load_document(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> LoadedDocument:
    """Read, decode and extract one file, raising DocumentError with a clear reason if it can't."""
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt == "table":
        raise DocumentError(f"{path}: a table of reports; read it with load_sources")
    if fmt is None:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        suffix = path.suffix or "(none)"
        raise DocumentError(f"{path}: unsupported file type {suffix!r} (supported: {supported})")
    data = _read_bytes(path, max_bytes)
    encoding: str | None = None
    try:
        if fmt == "docx":
            text = _docx_text(data)
        elif fmt == "pdf":
            text = _pdf_text(data, str(path))
        else:
            meta = _META_CHARSET_RE.search(data[:4096]) if fmt == "html" else None
            text, encoding = _decode(data, str(path), meta.group(1).decode("ascii") if meta else None)
            if (controls := len(_CONTROL_RE.findall(text))) > max(8, len(text) // 1000):
                raise DocumentError(f"{path}: looks like a binary file ({controls} control characters)")
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            if fmt == "html":
                text = _html_text(text)
    except DocumentError:
        raise
    except Exception as err:  # corrupt docx/pdf: the parsers raise many unrelated types
        log.debug("cannot parse %s", path, exc_info=True)
        reason = f"{type(err).__name__}: {err}".splitlines()[0]
        raise DocumentError(f"{path}: not a valid {path.suffix.lower()} file ({reason})") from None
    if not text.strip():
        raise DocumentError(f"{path}: file is empty (only whitespace)")
    if not _CJK_RE.search(text):
        guessed = f" (decoded as {encoding})" if encoding and not encoding.startswith(("utf", "gb")) else ""
        raise DocumentError(f"{path}: contains no Chinese text{guessed}")
    return LoadedDocument(path, text, fmt, encoding, hashlib.sha256(data).hexdigest())


def iter_documents(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield supported files under folders (recursively, sorted) and explicit files as given."""
    seen: set[Path] = set()
    for given in map(Path, paths):
        if given.is_dir():
            found = sorted(
                p for p in given.rglob("*")
                if p.suffix.lower() in SUPPORTED_SUFFIXES and p.is_file()
                and not any(part.startswith((".", "~$")) for part in p.relative_to(given).parts)
            )
        else:
            found = [given]  # even unsupported or missing: load_document explains why
        for p in found:
            if (key := p.resolve()) not in seen:
                seen.add(key)
                yield p
