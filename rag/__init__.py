"""Question answering over Chinese government work reports, with cited passages."""

from rag.ask.answering import Answer, Citation
from rag.ask.catalogue import Holding
from rag.assistant import Assistant, Trace, answer
from rag.index.index import IndexBusyError
from rag.index.store import StoreError
from rag.ingest.indicators import Indicator
from rag.ingest.loading import SUPPORTED_SUFFIXES, DocumentError
from rag.settings import Settings

__all__ = ["answer", "Assistant", "Answer", "Citation", "Holding", "Trace", "Settings",
           "Indicator", "IndexBusyError", "StoreError", "DocumentError", "SUPPORTED_SUFFIXES"]
