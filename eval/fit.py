"""Fit the answerer's feature weights on gold data, validate by leaving one source out, and keep a rule ledger.

    python -m eval.fit                 # fit on the corpus gold set + the dev track's tune half; write rag/ask/weights.json
    python -m eval.fit --ledger-only   # only recompute the ledger (eval/fit/LEDGER.md) with the current weights

Training data: every candidate sentence the answerer considers for a gold question (after its guards), labelled
1 when it is from the expected report and quotes every gold answer, else 0. A pairwise logistic regression
(scikit-learn) over the named features' differences gives one weight per feature. Validation leaves one source (report)
out at a time: fit on the others, then count the held-out questions whose top-scored candidate is right.
The untouched dev `test` half is never used here.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from eval.metrics import load_gold
from rag.ask.features import FEATURES, WEIGHTS_FILE, features, weights
from rag.text import fold

__all__ = ["main", "collect", "fit", "ledger"]

log = logging.getLogger("eval.fit")
EVAL_DIR = Path(__file__).resolve().parent
NAMES = list(FEATURES)


@dataclass
class Question:
    """One gold question's candidates for one expected report: feature rows, labels, and where it came from."""

    item: str
    source: str
    x: np.ndarray
    y: np.ndarray


def _good(quote: str, doc: str, entry: dict[str, Any]) -> bool:
    """True when a quote is from the expected report and holds every gold answer."""
    return doc == entry["report"] and all(fold(a) in fold(quote) for a in entry["answers"])


def collect(bot: Any, items: Sequence[dict[str, Any]]) -> list[Question]:
    """Run each answerable gold item's question to the candidates; one Question per (item, group) with a right one."""
    out = []
    for item in items:
        if not item["expected"]:
            continue
        trace = bot.trace(item["turns"][-1], history=list(item["turns"][:-1]))
        for group in trace.groups:
            q = trace.query if not group.intent or group.intent == trace.query.intent else replace(trace.query, intent=group.intent)
            if q.intent == "meta":
                continue  # answered from header spans, not scored
            cands = bot.answerer.candidates(q, group.passages)
            if not cands:
                continue
            for entry in item["expected"]:
                y = np.array([_good(c.quoted, c.passage.doc_id, entry) for c in cands], dtype=int)
                if not y.any():
                    continue  # retrieval or guards lost it: no weight can fix that
                x = np.array([[features(q, c)[n] for n in NAMES] for c in cands], dtype=float)
                out.append(Question(item["id"], entry["report"], x, y))
    return out


def fit(questions: Sequence[Question], c: float = 1.0) -> dict[str, float]:
    """Pairwise logistic regression: each right candidate against each wrong one of the same question.

    The answerer keeps the top-scored candidate of a question, so what matters is the order within a
    question; fitting on feature differences (right − wrong → 1, wrong − right → 0, no intercept) learns
    exactly that order. The coefficients are the weights.
    """
    from sklearn.linear_model import LogisticRegression

    rows, labels = [], []
    for q in questions:
        pos, neg = q.x[q.y == 1], q.x[q.y == 0]
        for p in pos[:3]:
            for n in neg[:40]:
                rows += [p - n, n - p]
                labels += [1, 0]
    model = LogisticRegression(C=c, max_iter=5000, fit_intercept=False)
    model.fit(np.array(rows), np.array(labels))
    return {n: round(float(w), 4) for n, w in zip(NAMES, model.coef_[0], strict=True)}


def top1(questions: Sequence[Question], table: dict[str, float]) -> float:
    """Share of questions whose top-scored candidate is a right one."""
    w = np.array([table[n] for n in NAMES])
    ok = [bool(q.y[int(np.argmax(q.x @ w))]) for q in questions]
    return sum(ok) / len(ok) if ok else 0.0


def leave_one_source_out(questions: Sequence[Question]) -> dict[str, Any]:
    """Fit without each source in turn and score its questions; return the pooled top-1 accuracy."""
    by_source: dict[str, list[Question]] = defaultdict(list)
    for q in questions:
        by_source[q.source].append(q)
    right = total = 0
    for source, held in by_source.items():
        rest = [q for q in questions if q.source != source]
        if not rest or len({int(v) for q in rest for v in q.y}) < 2:
            continue
        table = fit(rest)
        right += round(top1(held, table) * len(held))
        total += len(held)
    return {"sources": len(by_source), "questions": total, "top1": right / total if total else None}


def ledger(questions: Sequence[Question], table: dict[str, float]) -> dict[str, dict[str, list[str]]]:
    """For each feature, the questions whose pick it decides: right only with it ('helps') or wrong only with it ('hurts')."""
    w = np.array([table[n] for n in NAMES])
    out: dict[str, dict[str, list[str]]] = {}
    for i, name in enumerate(NAMES):
        w0 = w.copy()
        w0[i] = 0.0
        helps, hurts = [], []
        for q in questions:
            with_it = bool(q.y[int(np.argmax(q.x @ w))])
            without = bool(q.y[int(np.argmax(q.x @ w0))])
            if with_it and not without:
                helps.append(q.item)
            elif without and not with_it:
                hurts.append(q.item)
        out[name] = {"helps": sorted(set(helps)), "hurts": sorted(set(hurts))}
    return out


def _write_ledger(path: Path, table: dict[str, float], led: dict[str, dict[str, list[str]]], n: int) -> None:
    """Write the rule ledger: each feature's weight, what it is, and the questions it decides."""
    lines = ["# Rule ledger", "", f"What each feature of the answerer decides, over {n} gold questions (corpus gold + dev tune half):",
             "a question is listed under a feature when removing that feature alone changes whether the top-scored",
             "candidate is right. Features that decide only one or two questions are candidates for removal.", "",
             "| feature | weight | what it measures | helps | hurts |", "|---|---|---|---|---|"]
    for name in NAMES:
        doc = " ".join((FEATURES[name].__doc__ or "").split()).rstrip(".")  # one table row, however the docstring wraps
        h, u = led[name]["helps"], led[name]["hurts"]
        lines.append(f"| `{name}` | {table[name]:+.3f} | {doc} | {len(h)}: {', '.join(h[:12])}{' …' if len(h) > 12 else ''} "
                     f"| {len(u)}: {', '.join(u[:12])}{' …' if len(u) > 12 else ''} |")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _gold() -> list[dict[str, Any]]:
    """The corpus gold set."""
    return [dict(g, _track="corpus") for g in load_gold(EVAL_DIR / "gold.jsonl")]


def main(argv: Sequence[str] | None = None) -> int:
    """Collect candidates, validate, fit and write the weights and the ledger."""
    from eval.dev_track import GOLD_FILES, open_dev_assistant
    from rag import Assistant
    from rag.settings import Settings

    p = argparse.ArgumentParser(prog="python -m eval.fit", description=__doc__.split("\n")[0])
    p.add_argument("--ledger-only", action="store_true")
    p.add_argument("--cache", type=Path, default=EVAL_DIR / ".cache")
    args = p.parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from eval.baselines import SYSTEMS, CachingEmbedder, PipelineSystem

    t = time.perf_counter()
    base = Assistant()
    cached = CachingEmbedder.in_folder(base.embedder, args.cache)
    corpus_bot = PipelineSystem(SYSTEMS["full"], cached, args.cache).bot
    questions = collect(corpus_bot, _gold())
    reports = Settings.from_env().dev_reports_dir
    if Path(reports).is_dir():
        dev_items = [g for f in GOLD_FILES for g in load_gold(f) if g.get("split") == "tune"]
        questions += collect(open_dev_assistant(Path(reports), args.cache, cached), dev_items)
    else:
        log.warning("dev reports absent (%s): fitting on the corpus gold set only", reports)
    current = weights()
    if args.ledger_only:
        _write_ledger(EVAL_DIR / "fit" / "LEDGER.md", current, ledger(questions, current), len(questions))
        return 0
    loso = leave_one_source_out(questions)
    table = fit(questions)
    scale = 4.0 / table["cover"] if table.get("cover", 0) > 0 else 1.0  # keep cover's weight at its old size, for reading
    table = {k: round(v * scale, 3) for k, v in table.items()}
    report = {"about": "Fitted by `python -m eval.fit`: pairwise logistic regression over the answerer's candidates "
                       "(corpus gold + dev tune half), scaled so that cover weighs 4.",
              "fitted": time.strftime("%Y-%m-%d %H:%M"), "questions": len(questions),
              "top1_fitted_in_sample": round(top1(questions, table), 4), "top1_hand_weights": round(top1(questions, current), 4),
              "leave_one_source_out": loso, "weights": table}
    WEIGHTS_FILE.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    weights.cache_clear()
    _write_ledger(EVAL_DIR / "fit" / "LEDGER.md", table, ledger(questions, table), len(questions))
    sys.stdout.write(json.dumps({k: v for k, v in report.items() if k != "weights"}, ensure_ascii=False) + "\n")
    log.info("done in %.0fs", time.perf_counter() - t)
    return 0


if __name__ == "__main__":
    sys.exit(main())
