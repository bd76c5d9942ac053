"""Question answering over Chinese government work reports, with cited passages."""

from rag.answering import Answer, Citation
from rag.assistant import Assistant, answer
from rag.settings import Settings

__all__ = ["answer", "Assistant", "Answer", "Citation", "Settings"]
