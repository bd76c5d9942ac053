"""The path of a report: files and tables → loaded documents → the index, in batches, with a summary."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rag.index.index import Index, IngestSummary, check_overrides
from rag.ingest.loading import DocumentError, SourceDocument, iter_documents, load_sources, sidecar_metadata
from rag.ingest.metadata import PAGE_FIELDS

__all__ = ["ingest_paths"]


def _progress(items: list[Path], enabled: bool) -> Iterable[Path]:
    """Wrap items in a tqdm bar when asked."""
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="ingesting", unit="file")


def _sources(files: Iterable[Path], summary: IngestSummary) -> Iterator[SourceDocument]:
    """Every document in the files (a table yields one per row); unreadable ones go to the summary."""
    for path in files:
        try:
            for src in load_sources(path):
                if src.problem:
                    summary.skipped.append((f"{path}#{src.doc_id or ''}", src.problem))
                else:
                    yield src
        except DocumentError as err:
            summary.skipped.append((str(path), str(err)))


def ingest_paths(index: Index, paths: Iterable[str | Path], progress: bool = False,
                 overrides: dict[str, Any] | None = None, batch_docs: int = 16) -> IngestSummary:
    """Add or update the documents in files and folders, `batch_docs` at a time; unchanged ones are skipped.

    A kill loses at most the batch in progress. Raises IndexBusyError while another ingest writes.
    """
    wanted = check_overrides(overrides) if overrides is not None else None
    summary = IngestSummary()
    with index.writing():
        files = list(iter_documents(paths))
        batch: list[SourceDocument] = []
        for src in _sources(_progress(files, progress), summary):
            known = sidecar_metadata(src.path).get(src.doc_id or src.path.stem)
            src.overrides = wanted if wanted is not None else (check_overrides(known) if known else None)
            src.override_source = "sidecar" if wanted is None and known else "override"
            batch.append(src)
            if len(batch) >= max(1, batch_docs):
                _write_batch(index, batch, summary)
                batch = []
        if batch:
            _write_batch(index, batch, summary)
        if summary.changed:
            index.finish_writes()
    return summary


def _write_batch(index: Index, batch: list[SourceDocument], summary: IngestSummary) -> None:
    """Write one batch of loaded documents and record what happened to each."""
    for src, (doc_id, status, meta) in zip(batch, index.add_documents(batch), strict=True):
        if status == "empty":
            summary.skipped.append((str(src.path), f"{src.path}: no text left to index after cleaning"))
            continue
        getattr(summary, status).append(doc_id)
        if status == "unchanged":
            continue
        unread = [f for f in meta.missing if f not in PAGE_FIELDS]  # most pages name no publisher or dateline: no warning
        if unread:
            summary.warnings.append((doc_id, "could not read: " + ", ".join(unread)))
        if meta.not_a_report:
            summary.flagged.append((doc_id, meta.not_a_report))
