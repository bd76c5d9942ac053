"""Score indicator extraction against the hand-labelled gold table (eval/indicators/gold_*.jsonl).

    python -m eval.indicators        # writes eval/indicators/REPORT.md and results.json

Extraction runs on the raw files (corpus/ and, when present, ../shared/dev_reports) exactly as ingest does.
A row matches a gold row when (metric, value, qualifier, kind, year) agree; precision is over the rows extracted
from the labelled reports, recall over the gold rows. Per-field figures compare matched-by-metric rows.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.metrics import load_gold

__all__ = ["main", "extract_all", "score"]

EVAL_DIR = Path(__file__).resolve().parent
ROOT = EVAL_DIR.parent
KEY = ("metric", "value", "qualifier", "kind", "year")


def extract_all(folders: Sequence[Path], wanted: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Prepare the wanted documents exactly as ingest does (sidecar metadata included) and return their rows."""
    from rag.ingest.loading import iter_documents, load_sources, sidecar_metadata
    from rag.ingest.metadata import check_overrides
    from rag.ingest.prepare import prepare

    out: dict[str, list[dict[str, Any]]] = {}
    for path in iter_documents(folders):
        for src in load_sources(path):
            doc_id = src.doc_id or path.stem
            if src.problem or doc_id not in wanted:
                continue
            known = sidecar_metadata(path).get(doc_id)
            ready = prepare(doc_id, src.text, src.fields, check_overrides(known) if known else None, "sidecar")
            out[doc_id] = [r.to_dict() for r in ready.indicators]
    return out


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    value = row.get("value")
    return (row["metric"], None if value is None else round(float(value), 3), row.get("qualifier") or "", row["kind"], row.get("year"))


def score(gold: list[dict[str, Any]], got: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Precision and recall on the full key, and per field over rows matched by (report, metric, kind)."""
    by_report: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in gold:
        by_report[g["report"]].append(g)
    tp = extracted = 0
    missed, wrong = [], []
    field_ok: dict[str, list[bool]] = defaultdict(list)
    for report, rows in by_report.items():
        mine = got.get(report, [])
        extracted += len(mine)
        gold_keys = [_key(g) for g in rows]
        mine_keys = [_key(m) for m in mine]
        tp += sum(1 for k in mine_keys if k in gold_keys)
        missed += [f"{report}: {g['quote']}" for g, k in zip(rows, gold_keys, strict=True) if k not in mine_keys]
        wrong += [f"{report}: {m['quote']} → {k}" for m, k in zip(mine, mine_keys, strict=True) if k not in gold_keys]
        for g in rows:
            m = next((m for m in mine if m["metric"] == g["metric"] and m["kind"] == g["kind"]), None)
            if m is None:
                continue
            for f in ("value", "qualifier", "year", "unit", "measure", "period"):
                field_ok[f].append(_key({**g, "metric": "", "kind": ""})[1:] == _key({**m, "metric": "", "kind": ""})[1:]
                                   if f == "value" else (m.get(f) or "") == (g.get(f) or ""))
    recall_hits = sum(1 for g in gold if _key(g) in [_key(m) for m in got.get(g["report"], [])])
    return {"gold_rows": len(gold), "extracted": extracted, "precision": tp / extracted if extracted else None,
            "recall": recall_hits / len(gold) if gold else None,
            "per_field": {f: sum(v) / len(v) for f, v in field_ok.items() if v}, "missed": missed, "wrong": wrong}


def score_aggregate(bot: Any, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Ask each aggregate question; right when every qualifying report is cited with its value and no other is."""
    from rag.text import fold

    rows = []
    for item in items:
        ans = bot.answer(item["question"])
        cited = [c.doc_id for c in ans.citations]
        if item.get("reports_in_scope"):  # the question ranges over the labelled reports only
            scope = set(item["reports_in_scope"])
            cited = [c for c in cited if c in scope]
        want = [e["report"] for e in item["expected"]]
        values_ok = all(fold(str(e["value"])) in fold(ans.text) for e in item["expected"] if e.get("value"))
        exact = set(cited) == set(want) and values_ok
        if item["type"] == "rank" and exact:
            exact = cited == want
        if item["type"] == "count" and "count" in item:
            exact = exact and f"{item['count']}个" in ans.text
        rows.append({"id": item["id"], "type": item["type"], "ok": bool(exact), "question": item["question"],
                     "text": ans.text[:240], "cited": cited, "expected": want})
    ok = [r["ok"] for r in rows]
    by_type: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        by_type[r["type"]].append(r["ok"])
    return {"n": len(rows), "accuracy": sum(ok) / len(ok) if ok else None,
            "per_type": {t: sum(v) / len(v) for t, v in sorted(by_type.items())}, "rows": rows}


def main(argv: Sequence[str] | None = None) -> int:
    """Score extraction on the corpus table and, when the dev reports are present, the dev table."""
    from rag.settings import Settings

    p = argparse.ArgumentParser(prog="python -m eval.indicators", description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, default=EVAL_DIR / "indicators")
    p.add_argument("--no-questions", action="store_true", help="score extraction only, not the aggregate questions")
    args = p.parse_args(list(argv) if argv is not None else None)
    results: dict[str, Any] = {}
    tracks = [("corpus", ROOT / "corpus", EVAL_DIR / "indicators" / "gold_corpus.jsonl"),
              ("dev", Settings.from_env().dev_reports_dir, EVAL_DIR / "indicators" / "gold_dev.jsonl")]
    for name, folder, gold_file in tracks:
        if not Path(folder).is_dir():
            sys.stdout.write(f"{name}: skipped ({folder} is absent)\n")
            continue
        gold = load_gold(gold_file)
        results[name] = score(gold, extract_all([Path(folder)], {g["report"] for g in gold}))
        r = results[name]
        sys.stdout.write(f"{name}: precision {r['precision']:.3f} recall {r['recall']:.3f} "
                         f"({r['extracted']} extracted, {r['gold_rows']} gold)\n")
    if not args.no_questions:
        from eval.baselines import SYSTEMS, CachingEmbedder, PipelineSystem
        from eval.dev_track import open_dev_assistant
        from rag import Assistant

        cache = EVAL_DIR / ".cache"
        embedder = CachingEmbedder.in_folder(Assistant().embedder, cache)
        bots = {"corpus": lambda: PipelineSystem(SYSTEMS["full"], embedder, cache).bot,
                "dev": lambda: open_dev_assistant(Path(Settings.from_env().dev_reports_dir), cache, embedder)}
        for name in ("corpus", "dev"):
            path = EVAL_DIR / "indicators" / f"aggregate_{name}.jsonl"
            if name == "dev" and not Path(Settings.from_env().dev_reports_dir).is_dir():
                continue
            agg = score_aggregate(bots[name](), load_gold(path))
            results[f"aggregate_{name}"] = agg
            sys.stdout.write(f"aggregate {name}: {agg['accuracy']:.3f} of {agg['n']} questions\n")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    lines = ["# Indicator extraction", "", "`python -m eval.indicators`: a row matches when (metric, value, qualifier, kind, year) agree.", "",
             "| table | gold rows | extracted | precision | recall |", "|---|---|---|---|---|"]
    tables = {k: v for k, v in results.items() if not k.startswith("aggregate")}
    for name, r in tables.items():
        lines.append(f"| {name} | {r['gold_rows']} | {r['extracted']} | {r['precision']:.3f} | {r['recall']:.3f} |")
    for name, r in results.items():
        if name.startswith("aggregate"):
            lines += ["", f"## {name} questions: {r['accuracy']:.1%} complete and exact ({r['n']})", "",
                      "| type | accuracy |", "|---|---|", *[f"| {t} | {v:.1%} |" for t, v in r["per_type"].items()], "",
                      *[f"- `{x['id']}` {x['question']} → {x['text'][:100]}" for x in r["rows"] if not x["ok"]]]
            continue
        lines += ["", f"## {name}: per field (rows matched by report, metric and kind)", "",
                  "| field | agreement |", "|---|---|", *[f"| {f} | {v:.3f} |" for f, v in r["per_field"].items()]]
    (args.out / "REPORT.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
