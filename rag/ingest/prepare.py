"""One report's text made ready for the index: cleaned, its metadata read, chunked, its indicators extracted.

Ingest (rag.index.Index), the manifest and the indicators evaluation all prepare a report this one way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rag.ingest.chunking import Chunk, chunk_report
from rag.ingest.cleaning import clean_text
from rag.ingest.indicators import Indicator, extract_indicators
from rag.ingest.metadata import ReportMeta, apply_overrides, extract_metadata

__all__ = ["Prepared", "prepare"]


@dataclass
class Prepared:
    """A report ready to index."""

    text: str
    meta: ReportMeta
    chunks: list[Chunk] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


def prepare(doc_id: str, raw: str, fields: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None,
            override_source: str = "override", max_chars: int = 360, min_chars: int = 60) -> Prepared:
    """Clean, read metadata (overrides win, recorded with their source), chunk and extract indicators."""
    text = clean_text(raw)
    meta = extract_metadata(text, raw, dict(fields or {}))
    if overrides:
        apply_overrides(meta, overrides, override_source)
    chunks = chunk_report(text, max_chars, min_chars, (meta.review_year, meta.plan_year))
    rows = extract_indicators(doc_id, text, chunks, meta.to_dict()) if chunks else []
    return Prepared(text, meta, chunks, rows)
