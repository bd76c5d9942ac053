"""The `rag` command: provision, ingest, ask, indicators, remove, stats, manifest, eval, ui."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from rag.settings import LOCK_FILE, OPEN_LOCK_FILE, Settings, set_runtime_env

__all__ = ["main"]

log = logging.getLogger("rag")


def _settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment, overridden by command-line flags."""
    return Settings.from_env(index_dir=getattr(args, "index_dir", None), model=getattr(args, "model", None),
                             chroma_host=getattr(args, "chroma_host", None), chroma_port=getattr(args, "chroma_port", None),
                             chroma_token=getattr(args, "chroma_token", None))


def _assistant(args: argparse.Namespace) -> Any:
    """An Assistant for these flags."""
    from rag.assistant import Assistant

    return Assistant(settings=_settings(args))


def _out(text: str) -> None:
    """Write a line to stdout (the CLI's output, not logging)."""
    sys.stdout.write(text + "\n")


def cmd_provision(args: argparse.Namespace) -> int:
    """Provision the default embedding model and its ONNX query encoder (each skipped when present)."""
    from rag.index.embedding import SentenceTransformerEmbedder, provision_default_model
    from rag.index.query_encoder import fresh_export
    from rag.settings import DEFAULT_MODEL_DIR

    settings = _settings(args)
    if settings.model == str(DEFAULT_MODEL_DIR):
        provision_default_model()
    if fresh_export(settings.model) is None:  # checked first: exporting loads the whole model
        SentenceTransformerEmbedder(settings.model, settings.device).export_for_queries()
    else:
        log.info("query encoder for %s already exported", settings.model)
    return 0


def _parse_sets(pairs: list[str] | None) -> dict[str, Any] | None:
    """Turn --set KEY=VALUE flags into checked metadata overrides (None when there are none)."""
    from rag.index.index import check_overrides

    if not pairs:
        return None
    bad = [kv for kv in pairs if "=" not in kv or not kv.split("=", 1)[0].strip()]
    if bad:
        raise ValueError(f"--set needs KEY=VALUE, got {bad[0]!r} (e.g. --set region=运城市)")
    return check_overrides({k.strip(): v.strip() for k, v in (kv.split("=", 1) for kv in pairs)})


def _clear_index_dir(index_dir: Path) -> None:
    """Delete an index folder's contents, holding its ingest lock so a running ingest is not cut from under."""
    import shutil

    from rag.index.index import write_lock

    with write_lock(index_dir, then="run --rebuild again"):
        for child in index_dir.iterdir():
            if child.name not in (LOCK_FILE, OPEN_LOCK_FILE):
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


def cmd_ingest(args: argparse.Namespace) -> int:
    """Add or update documents; print a summary."""
    try:
        overrides = _parse_sets(args.set)
    except ValueError as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    bot = _assistant(args)
    if args.rebuild:
        if bot.settings.uses_server:
            sys.stderr.write("error: --rebuild with a Chroma server: use `rag remove` per document instead\n")
            return 2
        _clear_index_dir(Path(bot.settings.index_dir))
    summary = bot.ingest(args.paths or [bot.settings.corpus_dir], progress=not args.quiet, overrides=overrides,
                         batch_docs=args.batch_docs)
    s = summary
    _out(f"added {len(s.added)}, replaced {len(s.replaced)}, unchanged {len(s.unchanged)}, skipped {len(s.skipped)}")
    for _path, reason in s.skipped:
        _out(f"  skipped {reason}")  # the reason names the file
    for doc, what in s.warnings:
        _out(f"  {doc}: {what} (set it with --set key=value)")
    for doc, why in s.flagged:
        _out(f"  {doc}: flagged: {why}")
    _out(json.dumps(bot.stats(), ensure_ascii=False))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer a question and print its citations."""
    bot = _assistant(args)
    res = bot.answer(" ".join(args.question))
    if args.json:
        from dataclasses import asdict

        _out(json.dumps(asdict(res), ensure_ascii=False, indent=2))
        return 0
    _out(res.text)
    for i, c in enumerate(res.citations, 1):
        _out(f"[{i}] {c.report} | {c.section}\n    {c.quote}")
    if res.holdings:
        _out("资料中相近的报告：" + "、".join(h.label() for h in res.holdings))
    return 0 if res.answered else 1


_INDICATOR_COLUMNS = ["region", "level", "year", "metric", "kind", "value", "value_high", "unit", "qualifier", "measure",
                      "period", "quote", "section", "doc_id", "start", "end"]


def cmd_indicators(args: argparse.Namespace) -> int:
    """Print (or write as CSV / Excel) the indicator rows of the held reports."""
    bot = _assistant(args)
    bot.ensure_index(progress=not args.quiet)
    rows = [r.to_dict() for r in bot.indicators(args.metric, args.year, args.region, args.level, args.kind)]
    if args.csv:
        import csv

        with open(args.csv, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=_INDICATOR_COLUMNS, extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)
        _out(f"wrote {len(rows)} rows to {args.csv}")
    elif args.xlsx:
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "indicators"
        ws.append(_INDICATOR_COLUMNS)
        for r in rows:
            ws.append([r.get(c) for c in _INDICATOR_COLUMNS])
        wb.save(args.xlsx)
        _out(f"wrote {len(rows)} rows to {args.xlsx}")
    else:
        for r in rows:
            value = "（无数值）" if r["value"] is None else f"{r['value']:g}{r['unit']}{'' if r['qualifier'] in ('', 'range') else r['qualifier']}"
            _out(f"{r['region']}\t{r['year']}\t{r['metric']}\t{r['kind']}\t{value}\t{r['quote']}")
        _out(f"{len(rows)} rows")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """Delete documents by id."""
    bot = _assistant(args)
    code = 0
    for doc_id in args.doc_ids:
        if bot.remove(doc_id):
            _out(f"removed {doc_id}")
        else:
            _out(f"no document {doc_id}")
            code = 1
    return code


def cmd_stats(args: argparse.Namespace) -> int:
    """Print index statistics and the reports it holds."""
    bot = _assistant(args)
    bot.ensure_index()
    _out(json.dumps({**bot.stats(), "reports": [
        {k: r.get(k) for k in ("doc_id", "region", "year", "plan_year", "chunks")} for r in bot.reports()]},
        ensure_ascii=False, indent=2))
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    """Write corpus/manifest.json: the metadata read from every corpus report."""
    from rag.ingest.manifest import write_manifest

    path = write_manifest(Path(args.corpus or Settings.from_env().corpus_dir))
    _out(f"wrote {path}")
    return 0


def _edge(module: str, what: str) -> Any:
    """Import a part that lives outside the library (the evaluation, the UI), or say how to get it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as err:
        missing = err.name or module
        raise SystemExit(f"error: `rag {what}` needs {missing!r}, which is not installed; "
                         f"install the project with its extras: pip install -e '.[test]' (from a checkout)") from None


def cmd_eval(args: argparse.Namespace) -> int:
    """Run the evaluation suite: the corpus gold set, the dev-reports track when its folder is present, the indicators."""
    return int(_edge("eval.run", "eval").main(args.eval_args or []))


def cmd_ui(args: argparse.Namespace) -> int:
    """Start the chat web UI."""
    _edge("ui.app", "ui").launch(settings=_settings(args), host=args.host, port=args.port, share=args.share)
    return 0


def _parser() -> argparse.ArgumentParser:
    """Build the argument parser."""
    p = argparse.ArgumentParser(prog="rag", description="Ask questions of Chinese government work reports.")
    p.add_argument("-v", "--verbose", action="store_true")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index-dir", help="index folder (env RAG_INDEX_DIR)")
    common.add_argument("--model", help="sentence-transformers model name or path (env RAG_MODEL)")
    common.add_argument("--chroma-host", help="use a Chroma server (env RAG_CHROMA_HOST)")
    common.add_argument("--chroma-port", type=int, help="Chroma server port (env RAG_CHROMA_PORT)")
    common.add_argument("--chroma-token", help="Chroma server token (env RAG_CHROMA_TOKEN)")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("provision", help="fetch the default embedding model and export it for fast questions")
    s.add_argument("--model", help="sentence-transformers model name or path to export (env RAG_MODEL)")
    s.set_defaults(func=cmd_provision)
    s = sub.add_parser("ingest", parents=[common], help="add or update reports (files or folders)")
    s.add_argument("paths", nargs="*")
    s.add_argument("--set", action="append", metavar="KEY=VALUE", help="override metadata, e.g. --set region=运城市")
    s.add_argument("--rebuild", action="store_true", help="delete the index folder first")
    s.add_argument("--batch-docs", type=int, default=Settings.batch_docs, metavar="N",
                   help=f"documents written per batch (default {Settings.batch_docs}; a kill loses at most one batch of work)")
    s.add_argument("-q", "--quiet", action="store_true")
    s.set_defaults(func=cmd_ingest)
    s = sub.add_parser("ask", parents=[common], help="ask a question")
    s.add_argument("question", nargs="+")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_ask)
    s = sub.add_parser("indicators", parents=[common], help="targets and results of the held reports, as a table")
    s.add_argument("--metric", help="e.g. GDP, 社零, 城镇调查失业率 (any word naming it)")
    s.add_argument("--year", type=int, help="the year the value is for")
    s.add_argument("--region", help="a region or one of its names")
    s.add_argument("--level", help="省, 市, 县 … or a tier: 国家, 省级, 地级, 县级")
    s.add_argument("--kind", choices=["target", "result"])
    out = s.add_mutually_exclusive_group()
    out.add_argument("--csv", help="write the rows to this CSV file")
    out.add_argument("--xlsx", help="write the rows to this Excel file")
    s.add_argument("-q", "--quiet", action="store_true")
    s.set_defaults(func=cmd_indicators)
    s = sub.add_parser("remove", parents=[common], help="delete documents by id")
    s.add_argument("doc_ids", nargs="+")
    s.set_defaults(func=cmd_remove)
    sub.add_parser("stats", parents=[common], help="show what the index holds").set_defaults(func=cmd_stats)
    s = sub.add_parser("manifest", help="write corpus/manifest.json")
    s.add_argument("--corpus")
    s.set_defaults(func=cmd_manifest)
    s = sub.add_parser("eval", help="run the evaluation suite")
    s.add_argument("eval_args", nargs=argparse.REMAINDER)
    s.set_defaults(func=cmd_eval)
    s = sub.add_parser("ui", parents=[common], help="start the chat web UI")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=7860)
    s.add_argument("--share", action="store_true", help="create a public share link (off by default)")
    s.set_defaults(func=cmd_ui)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `rag` command."""
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.cmd != "eval":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.cmd == "eval":  # everything after `eval` belongs to the evaluation's own options
        args.eval_args = extra + list(args.eval_args or [])
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    set_runtime_env()
    from rag import DocumentError, IndexBusyError, StoreError

    try:
        return int(args.func(args))
    except (StoreError, IndexBusyError, DocumentError, FileNotFoundError) as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
