"""Run every system over the gold set, score it, print a table and write results.json and REPORT.md."""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.baselines import SYSTEMS, CachingEmbedder, index_code_digest, open_system
from eval.metrics import aggregate, load_gold, score_item

__all__ = ["main", "evaluate", "select_items", "format_table", "dump_results", "QUICK_SYSTEMS"]

log = logging.getLogger("eval.run")
EVAL_DIR = Path(__file__).resolve().parent
QUICK_SYSTEMS = ("llamaindex-stock", "bm25-only", "full")
QUICK_PER_TYPE = 4
_TEXT_CHARS = 200  # answer text kept per item in results.json (the stock baseline answers with whole chunks)
COLUMNS = [("hit@1", "hit@1", 100), ("hit@5", "hit@5", 100), ("MRR", "mrr", 100), ("answer", "answer_acc", 100),
           ("cite", "citation_acc", 100), ("refuse", "refusal_acc", 100), ("false-ref", "false_refusal", 100),
           ("distract", "distractor_rate", 100), ("num-faith", "number_faithfulness", 100), ("overall", "accuracy", 100),
           ("p50 ms", "latency_p50", 1000), ("p95 ms", "latency_p95", 1000)]


def select_items(items: list[dict[str, Any]], quick: bool = False, ids: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The items to run: the given ids, the first few of each type (quick), or all."""
    if ids:
        wanted = set(ids)
        return [i for i in items if i["id"] in wanted]
    if not quick:
        return items
    seen: dict[str, int] = defaultdict(int)
    picked = []
    for item in items:
        seen[item["type"]] += 1
        if seen[item["type"]] <= QUICK_PER_TYPE:
            picked.append(item)
    return picked


def _peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (ru_maxrss is KB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _clip(text: str) -> str:
    """Shorten long texts kept in results.json."""
    return text if len(text) <= _TEXT_CHARS else text[:_TEXT_CHARS] + "…"


def _item_record(row: dict[str, Any], out: Any) -> dict[str, Any]:
    """A per-item result for results.json: the score row plus what the system said and retrieved."""
    detail = {**out.detail, "citations": [{k: v for k, v in c.items() if k != "quote"} for c in out.detail.get("citations", [])]}
    return {**row, "latency": round(row["latency"], 4), "rr": None if row["rr"] is None else round(row["rr"], 3),
            "text": _clip(out.text), **detail, "retrieved": [[doc for doc, _ in ranking] for ranking in out.rankings]}


def dump_results(results: dict[str, Any]) -> str:
    """JSON text of the results, one line per gold item and per item result so the file diffs well."""
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    head = json.dumps({k: results[k] for k in ("meta", "systems")}, ensure_ascii=False, indent=1)[:-2]  # drop "\n}"
    gold = ",\n".join(f"  {dumps(k)}: {dumps(v)}" for k, v in results["gold"].items())
    items = ",\n".join(f"  {dumps(name)}: [\n" + ",\n".join(f"   {dumps(r)}" for r in rows) + "\n  ]"
                       for name, rows in results["items"].items())
    return f'{head},\n "gold": {{\n{gold}\n }},\n "items": {{\n{items}\n }}\n}}\n'


def evaluate(items: list[dict[str, Any]], systems: Sequence[str], embedder: Any = None,
             cache_root: Path = EVAL_DIR / ".cache", default_index_dir: Path | None = None) -> dict[str, Any]:
    """Run the named systems over the items; return metrics per system and per-item records."""
    import rag.assistant
    import rag.ingest.loading  # noqa: F401 - import all of the pipeline now, then snapshot its indexing code
    from rag.index.embedding import SentenceTransformerEmbedder
    from rag.settings import Settings

    started = time.perf_counter()
    index_code_digest()  # rag/ may be edited while this run goes on; the indexes must match the code loaded
    if embedder is None:
        settings = Settings.from_env()
        embedder = SentenceTransformerEmbedder(settings.model, settings.device)
    t = time.perf_counter()
    cache_root.mkdir(parents=True, exist_ok=True)
    cached = embedder if isinstance(embedder, CachingEmbedder) else CachingEmbedder.in_folder(embedder, cache_root)
    cached.inner.embed(["预热"])  # load the model once, outside every timed step
    model_seconds = time.perf_counter() - t
    results: dict[str, Any] = {"systems": {}, "items": {},
                               "gold": {i["id"]: {"turns": i["turns"], "expected": i["expected"]} for i in items}}
    for name in systems:
        t = time.perf_counter()
        system = open_system(name, cached, cache_root, default_index_dir)
        log.info("%s: index %s in %.1fs (%s)", name, "built" if system.build["built_this_run"] else "opened",
                 time.perf_counter() - t, system.index_dir)
        rows, records = [], []
        for item in items:
            out = system.run(item["turns"])
            row = score_item(item, out)
            rows.append(row)
            records.append(_item_record(row, out))
        summary = aggregate(rows)
        results["systems"][name] = {"about": SYSTEMS[name].about, "changes": SYSTEMS[name].changes,
                                    "index": system.build,
                                    "peak_rss_mb": _peak_rss_mb(), "seconds": round(time.perf_counter() - t, 1), **summary}
        results["items"][name] = records
        log.info("%s: done in %.1fs, overall accuracy %.3f", name, time.perf_counter() - t, summary["overall"]["accuracy"])
    results["meta"] = {"items": len(items), "systems": list(systems), "model": cached.name,
                       "model_load_seconds": round(model_seconds, 1), "total_seconds": round(time.perf_counter() - started, 1),
                       "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
                       "date": time.strftime("%Y-%m-%d %H:%M")}
    return results


def _cell(value: float | None, scale: int) -> str:
    """Format a metric for the table."""
    if value is None:
        return "-"
    return f"{value * scale:.0f}" if scale == 1000 else f"{value * scale:.1f}"


def format_table(results: dict[str, Any]) -> list[list[str]]:
    """Rows of the system × metric table (percentages, latencies in ms, build seconds)."""
    header = ["system", *[c[0] for c in COLUMNS], "build s"]
    rows = [header]
    for name, res in results["systems"].items():
        build = res["index"]
        scratch = build.get("scratch_seconds")
        b = (f"{scratch:.0f}" if scratch is not None else f"{build['seconds']:.0f}*") + ("" if build["built_this_run"] else " (cached)")
        b = "given" if build.get("given") else b
        rows.append([name, *[_cell(res["overall"][key], scale) for _, key, scale in COLUMNS], b])
    return rows


def _write_table(rows: list[list[str]]) -> None:
    """Print an aligned text table to stdout."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        sys.stdout.write("  ".join(cells) + "\n")


def _parser() -> argparse.ArgumentParser:
    """Command-line options."""
    p = argparse.ArgumentParser(prog="python -m eval.run", description=__doc__)
    p.add_argument("--systems", help=f"comma-separated subset of: {', '.join(SYSTEMS)} (default: all)")
    p.add_argument("--quick", action="store_true",
                   help=f"{QUICK_PER_TYPE} items per type and systems {','.join(QUICK_SYSTEMS)}; writes to eval/.cache/quick")
    p.add_argument("--items", help="comma-separated gold item ids to run")
    p.add_argument("--gold", type=Path, default=EVAL_DIR / "gold.jsonl")
    p.add_argument("--out", type=Path, help="where results.json, REPORT.md and plots/ go (default: eval/)")
    p.add_argument("--cache", type=Path, default=EVAL_DIR / ".cache", help="index cache folder")
    p.add_argument("--check", action="store_true", help="exit 1 if the full pipeline misses the project's bar")
    p.add_argument("--no-dev", action="store_true", help="skip the dev-reports track (run by default after the gold set)")
    p.add_argument("-v", "--verbose", action="store_true")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation; return the process exit code."""
    from eval.report import BAR, misses_bar, write_report

    args = _parser().parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("eval").setLevel(logging.INFO)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    names = args.systems.split(",") if args.systems else list(QUICK_SYSTEMS if args.quick else SYSTEMS)
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        sys.stderr.write(f"unknown system(s): {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}\n")
        return 2
    items = select_items(load_gold(args.gold), args.quick, args.items.split(",") if args.items else ())
    if not items:
        sys.stderr.write("no gold items selected\n")
        return 2
    results = evaluate(items, names, cache_root=args.cache)
    out = args.out or (args.cache / "quick" if args.quick or args.items else EVAL_DIR)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(dump_results(results), encoding="utf-8")
    if not (args.no_dev or args.quick or args.items or args.gold != EVAL_DIR / "gold.jsonl"):
        from eval.dev_track import main as dev_main
        from eval.indicators import main as indicators_main

        dev_main(["--cache", str(args.cache)])  # skips with a message when ../shared/dev_reports is absent
        indicators_main([])  # the indicators table and the questions across reports (eval/indicators/)
    write_report(results, out)
    _write_table(format_table(results))
    seconds = results["meta"]["total_seconds"]
    sys.stdout.write(f"{len(items)} items, {len(names)} systems, {seconds:.0f}s; wrote {out}/REPORT.md\n")
    failed = misses_bar(results)
    if failed:
        sys.stdout.write("full pipeline below the bar: " + ", ".join(f"{k} {v:.1%} < {BAR[k]:.0%}" for k, v in failed) + "\n")
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
