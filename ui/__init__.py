"""The chat web UI (Gradio) over the report question-answering Assistant."""

from ui.app import build_app, launch

__all__ = ["build_app", "launch"]
