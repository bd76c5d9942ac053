"""The dev-reports track: the assistant on real reports it was not built on (../shared/dev_reports).

    python -m eval.dev_track            # writes eval/dev/results.json and eval/dev/REPORT.md

The reports are read from Settings.dev_reports_dir (RAG_DEV_REPORTS); when that folder is absent the track
skips with a message. The index holds the dev reports only (the gold's refusals assume that), and is cached
under eval/.cache keyed by the reports and the indexing code. Scores are given per split: `tune` is what the
answerer may be tuned on, `test` is untouched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.metrics import K, Outcome, load_gold, score_item

__all__ = ["main", "run_track", "open_dev_assistant", "GOLD_FILES", "summarise"]

log = logging.getLogger("eval.dev_track")
EVAL_DIR = Path(__file__).resolve().parent
_LATER_SETS = ["za", "zb", "zc", "zd", "ze", "zf", "zg", "zh", "zi", "zj", "zk", "zl", "zm", "zn", "zo", "zp"]
GOLD_FILES = [EVAL_DIR / "dev" / f"gold_{part}.jsonl" for part in [*"abcdefghijklmnopqrstuvwxy", *_LATER_SETS]]
_RATES = {"answer": "answer_ok", "citation": "citation_ok", "refusal": "refusal_ok", "overall": "correct",
          "hit@5": "hit5", "num-faith": "numbers_ok"}


def _reports_digest(folder: Path) -> str:
    """Hash of the dev reports' names and sizes (they are read-only third-party files)."""
    parts = sorted((p.name, p.stat().st_size) for p in folder.iterdir() if p.is_file())
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:10]


def _code_digest() -> str:
    """Hash of the code that shapes an index (so a changed pipeline rebuilds it)."""
    root = Path(__file__).resolve().parent.parent / "rag"
    files = sorted(p for p in root.rglob("*.py") if "ask" not in p.parts) + sorted(root.rglob("*.toml"))
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()[:10]


def _outcome(bot: Any, turns: Sequence[str]) -> Outcome:
    """Run one gold item through the assistant."""
    t = time.perf_counter()
    trace = bot.trace(turns[-1], history=list(turns[:-1])) if hasattr(bot, "trace") else None
    ans = trace.answer if trace else bot.answer(turns[-1], history=list(turns[:-1]))
    latency = time.perf_counter() - t
    chunks = bot.index.chunks
    ranked = [g.ranking for g in trace.groups] if trace else list(getattr(ans, "retrieved", []) or [])
    rankings = [[(str(chunks[c].metadata.get("doc_id")), chunks[c].text) for c in r[:K] if c in chunks] for r in ranked]
    return Outcome(ans.text, ans.answered, [(c.doc_id, c.text) for c in ans.citations], rankings, latency,
                   {"standalone": ans.question, "reason": ans.reason,
                    "citations": [{"doc_id": c.doc_id, "section": c.section} for c in ans.citations]})


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Rates and counts for a group of scored items."""
    out: dict[str, Any] = {"n": len(rows)}
    for name, key in _RATES.items():
        vals = [bool(r[key]) for r in rows if r.get(key) is not None]
        out[name] = sum(vals) / len(vals) if vals else None
    return out


def open_dev_assistant(reports_dir: Path, cache: Path, embedder: Any = None) -> Any:
    """An Assistant over the dev reports only, its index cached by the reports and the indexing code."""
    from rag import Assistant

    index_dir = cache / f"dev-{_reports_digest(reports_dir)}-{_code_digest()}"
    for old in cache.glob("dev-*"):
        if old != index_dir and old.is_dir():
            import shutil

            shutil.rmtree(old, ignore_errors=True)
    bot = Assistant(index_dir=index_dir, embedder=embedder) if embedder else Assistant(index_dir=index_dir)
    if not bot.index.documents:
        summary = bot.ingest([reports_dir], progress=True)
        log.info("indexed %d documents (%d skipped)", len(bot.index.documents), len(summary.skipped))
    return bot


def run_track(reports_dir: Path, gold: list[dict[str, Any]], cache: Path, embedder: Any = None) -> dict[str, Any]:
    """Index the dev reports (cached) and score every gold item; return summaries and per-item rows."""
    t = time.perf_counter()
    bot = open_dev_assistant(reports_dir, cache, embedder)
    built = time.perf_counter() - t > 30
    build_s = time.perf_counter() - t
    rows = []
    for item in gold:
        out = _outcome(bot, item["turns"])
        row = score_item(item, out)
        row.update(split=item.get("split", ""), level=item.get("level", ""), text=out.text[:200],
                   standalone=out.detail.get("standalone"), cited=[d for d, _ in out.citations])
        rows.append(row)
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {"split": defaultdict(list), "level": defaultdict(list),
                                                          "type": defaultdict(list)}
    for r in rows:
        for key in groups:
            groups[key][r[key]].append(r)
    by_split_type = defaultdict(list)
    for r in rows:
        by_split_type[f"{r['split']}/{r['type']}"].append(r)
    return {"meta": {"items": len(rows), "documents": len(bot.index.documents), "index_built": built,
                     "index_seconds": round(build_s, 1), "date": time.strftime("%Y-%m-%d %H:%M")},
            "overall": summarise(rows),
            **{f"per_{k}": {g: summarise(v) for g, v in sorted(d.items())} for k, d in groups.items()},
            "per_split_type": {g: summarise(v) for g, v in sorted(by_split_type.items())},
            "rows": rows}


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f}"


def write_report(res: dict[str, Any], out: Path, title: str) -> None:
    """Write REPORT.md: the figures per split, level and type, and every wrong item."""
    cols = ["n", "answer", "citation", "refusal", "overall", "hit@5"]
    lines = [f"# {title}", "", f"{res['meta']['items']} questions over {res['meta']['documents']} dev documents "
             f"({res['meta']['date']}). `test` is the untouched half; `tune` is the half the answerer may be tuned on.", ""]
    for key, label in (("per_split", "split"), ("per_level", "level"), ("per_type", "type"), ("per_split_type", "split/type")):
        lines += [f"## Per {label}", "", "| " + label + " | " + " | ".join(cols) + " |", "|" + "---|" * (len(cols) + 1)]
        for g, s in res[key].items():
            lines.append(f"| {g} | {s['n']} | " + " | ".join(_pct(s[c]) for c in cols[1:]) + " |")
        lines.append("")
    lines += ["## Overall", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols),
              f"| {res['overall']['n']} | " + " | ".join(_pct(res['overall'][c]) for c in cols[1:]) + " |", "",
              "## Wrong items", ""]
    for r in res["rows"]:
        if not r.get("correct"):
            lines.append(f"- `{r['id']}` ({r['split']}, {r['type']}): {r['standalone']} → {r['text'][:120]!r}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "REPORT.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the dev-reports track; exit 0 (with a message) when the reports are absent."""
    from rag.settings import Settings

    p = argparse.ArgumentParser(prog="python -m eval.dev_track", description=__doc__.split("\n")[0])
    p.add_argument("--reports", type=Path, help="folder of dev reports (default: Settings.dev_reports_dir)")
    p.add_argument("--out", type=Path, default=EVAL_DIR / "dev")
    p.add_argument("--cache", type=Path, default=EVAL_DIR / ".cache")
    p.add_argument("--split", choices=["tune", "test"], help="run one split only")
    p.add_argument("--title", default="Dev-reports track")
    p.add_argument("--gold", type=Path, nargs="+", help="gold files to run (default: every eval/dev/gold_*.jsonl)")
    args = p.parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    reports = args.reports or Settings.from_env().dev_reports_dir
    if not Path(reports).is_dir():
        sys.stdout.write(f"dev-reports track skipped: {reports} is absent (set RAG_DEV_REPORTS to its folder)\n")
        return 0
    gold = [g for f in (args.gold or GOLD_FILES) for g in load_gold(f) if not args.split or g.get("split") == args.split]
    res = run_track(Path(reports), gold, args.cache)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_report(res, args.out, args.title)
    for split, s in res["per_split"].items():
        sys.stdout.write(f"{split}: n={s['n']} answer {_pct(s['answer'])} citation {_pct(s['citation'])} "
                         f"refusal {_pct(s['refusal'])} overall {_pct(s['overall'])}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
