"""The corpus manifest: what metadata was read from every report's own text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rag.cleaning import clean_text
from rag.loading import iter_documents, load_document
from rag.metadata import extract_metadata

__all__ = ["build_manifest", "write_manifest"]


def build_manifest(corpus_dir: Path) -> list[dict[str, Any]]:
    """Read every report in a folder and return its metadata, conflicts and missing fields."""
    out = []
    for path in iter_documents([corpus_dir]):
        doc = load_document(path)
        meta = extract_metadata(clean_text(doc.text), doc.text)
        out.append({"file": path.name, "sha256": doc.sha256, "encoding": doc.encoding, **meta.to_dict()})
    return out


def write_manifest(corpus_dir: Path) -> Path:
    """Write manifest.json into the corpus folder."""
    path = corpus_dir / "manifest.json"
    path.write_text(json.dumps(build_manifest(corpus_dir), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
