"""`python -m ui`: start the chat web UI."""

from __future__ import annotations

import argparse
import logging


def main(argv: list[str] | None = None) -> None:
    """Parse --host/--port/--share and serve the UI over the default index (built from corpus/ if empty)."""
    p = argparse.ArgumentParser(prog="python -m ui", description="Chat with the government work reports.")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--share", action="store_true", help="create a public share link (off by default)")
    p.add_argument("--index-dir", help="index folder (env RAG_INDEX_DIR)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from rag.settings import Settings, set_runtime_env

    set_runtime_env()
    from ui.app import launch

    launch(settings=Settings.from_env(index_dir=args.index_dir), host=args.host, port=args.port, share=args.share)


if __name__ == "__main__":
    main()
