"""The manifest of a folder of reports: the metadata read from each, where each field came from, and conflicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rag.ingest.loading import iter_documents, load_sources, sidecar_metadata
from rag.ingest.metadata import check_overrides
from rag.ingest.prepare import prepare

__all__ = ["build_manifest", "write_manifest"]

_SKIP = {"aliases", "spans"}  # derived, or offsets: not what a reader of the manifest wants


def build_manifest(folder: Path) -> list[dict[str, Any]]:
    """Read every document in a folder (each row of a table too); return its metadata, sources, conflicts, gaps."""
    out = []
    for path in iter_documents([folder]):
        for src in load_sources(path):
            if src.problem:
                continue
            doc_id = src.doc_id or path.stem
            known = sidecar_metadata(path).get(doc_id)
            meta = prepare(doc_id, src.text, src.fields, check_overrides(known) if known else None, "sidecar").meta
            fields = {k: v for k, v in meta.to_dict().items() if k not in _SKIP}
            out.append({"doc_id": doc_id, "file": path.name, "sha256": src.sha256, **fields})
    return out


def write_manifest(folder: Path) -> Path:
    """Write manifest.json into the folder."""
    path = folder / "manifest.json"
    path.write_text(json.dumps(build_manifest(folder), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
