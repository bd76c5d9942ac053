"""Speed and memory benchmark: index build, cold first answer, warm latency, peak memory.

Run with `make bench` (or `python -m bench.run`); writes bench/results.json. Each phase runs in its own
process so that its peak memory (ru_maxrss) and cold-start time are its own.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, peak_mb, run_child
from eval.metrics import percentile

__all__ = ["main"]

log = logging.getLogger(__name__)
QUESTIONS = [ROOT / "eval" / "gold.jsonl", ROOT / "eval" / "holdout.jsonl"]
DEV_QUESTIONS = [ROOT / "eval" / "dev" / "gold_a.jsonl", ROOT / "eval" / "dev" / "gold_b.jsonl"]
AGGREGATE_QUESTIONS = [ROOT / "eval" / "indicators" / "aggregate_corpus.jsonl", ROOT / "eval" / "indicators" / "aggregate_dev.jsonl"]


def _phase_build(index_dir: str, extra: str = "") -> dict:
    """Build the corpus index from scratch (plus the dev reports, when given)."""
    from rag import Assistant

    t0 = time.perf_counter()
    bot = Assistant(index_dir=index_dir)
    bot.ensure_index(progress=False)
    corpus_s = time.perf_counter() - t0
    if extra:
        bot.ingest([extra])
    total_s = time.perf_counter() - t0
    return {"build_s": corpus_s, "with_dev_reports_s": total_s if extra else None, **bot.stats(),
            "indicator_extraction_s": _extraction_seconds(bot), "peak_mb": peak_mb()}


def _extraction_seconds(bot: object) -> float:
    """Time indicator extraction alone over every indexed report (it runs inside ingest; this isolates its share)."""
    from rag.ingest.chunking import chunk_report
    from rag.ingest.indicators import extract_indicators

    docs = list(bot.index.documents.values())  # type: ignore[attr-defined]
    chunked = [(d, chunk_report(d.text, years=(d.meta.get("review_year"), d.meta.get("plan_year")))) for d in docs]
    t = time.perf_counter()
    for d, chunks in chunked:
        extract_indicators(d.doc_id, d.text, chunks, d.meta)
    return time.perf_counter() - t


def _phase_cold(index_dir: str, started: float) -> dict:
    """Open an existing index in a fresh process and answer one question."""
    from rag import Assistant
    from rag.index.query_encoder import HEAVY_MODULES

    res = Assistant(index_dir=index_dir).answer("焦作解放区2022年GDP目标")
    took = time.time() - started
    heavy = [m for m in HEAVY_MODULES if m in sys.modules]
    return {"cold_first_answer_s": took, "answered": res.answered, "peak_mb": peak_mb(), "heavy_imports": heavy}


def _phase_warm(index_dir: str, rounds: int, with_dev: bool = False) -> dict:
    """Answer every gold and held-out question after one warm-up; report latency percentiles.

    Distinct questions miss the query-embedding cache, so one round measures uncached answers.
    """
    from rag import Assistant

    paths = QUESTIONS + (DEV_QUESTIONS if with_dev else [])
    items = [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    aggregate = [json.loads(line)["question"] for path in AGGREGATE_QUESTIONS
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    bot = Assistant(index_dir=index_dir)
    bot.answer("焦作解放区2022年GDP目标")
    times = []
    for _ in range(rounds):
        for it in items:
            t0 = time.perf_counter()
            bot.answer(it["turns"][-1], history=it["turns"][:-1])
            times.append((time.perf_counter() - t0) * 1000)
    agg_times = []
    for q in aggregate:
        t0 = time.perf_counter()
        bot.answer(q)
        agg_times.append((time.perf_counter() - t0) * 1000)
    return {"questions": len(times), "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
            "max_ms": max(times), "aggregate_questions": len(agg_times), "aggregate_p50_ms": percentile(agg_times, 50),
            "aggregate_p95_ms": percentile(agg_times, 95), "peak_mb": peak_mb()}


def main(argv: list[str] | None = None) -> int:
    """Run all phases and write bench/results.json."""
    p = argparse.ArgumentParser(prog="bench.run")
    p.add_argument("--phase", choices=["build", "cold", "warm"])
    p.add_argument("--index-dir")
    p.add_argument("--started", type=float, default=0.0)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    p.add_argument("--dev-reports", default=None, help="also index this folder of dev reports (default: Settings.dev_reports_dir if present; '' to skip)")
    a = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if a.phase:
        result = {"build": lambda: _phase_build(a.index_dir, a.dev_reports or ""),
                  "cold": lambda: _phase_cold(a.index_dir, a.started),
                  "warm": lambda: _phase_warm(a.index_dir, a.rounds, bool(a.dev_reports))}[a.phase]()
        sys.stdout.write(json.dumps(result) + "\n")
        return 0
    from rag.settings import Settings

    dev = a.dev_reports if a.dev_reports is not None else str(Settings.from_env().dev_reports_dir)
    dev = dev if dev and Path(dev).is_dir() else ""
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as tmp_dev:
        build = run_child("bench.run", "build", "--index-dir", tmp)
        cold = run_child("bench.run", "cold", "--index-dir", tmp, "--started", repr(time.time()))
        warm = run_child("bench.run", "warm", "--index-dir", tmp, "--rounds", str(a.rounds))
        dev_build = run_child("bench.run", "build", "--index-dir", tmp_dev, "--dev-reports", dev) if dev else None
        dev_warm = run_child("bench.run", "warm", "--index-dir", tmp_dev, "--dev-reports", dev) if dev else None
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "index_build": build, "cold_first_answer": cold, "warm": warm,
        "with_dev_reports": {"build": dev_build, "warm": dev_warm} if dev else "skipped: dev reports absent",
        "peak_memory_mb": max(build["peak_mb"], cold["peak_mb"], warm["peak_mb"]),
        "targets": {"warm_p50_ms": 100, "warm_p95_ms": 300, "cold_first_answer_s": 10, "build_s": 180, "peak_memory_mb": 2048},
    }
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    rows = [("index build (s)", build["build_s"], 180), ("cold first answer (s)", cold["cold_first_answer_s"], 10),
            ("warm p50 (ms)", warm["p50_ms"], 100), ("warm p95 (ms)", warm["p95_ms"], 300),
            ("peak memory (MB)", results["peak_memory_mb"], 2048)]
    sys.stdout.write(f"{'figure':<24}{'measured':>12}{'target':>10}\n")
    for name, val, target in rows:
        sys.stdout.write(f"{name:<24}{val:>12.1f}{'≤ ' + str(target):>10}\n")
    sys.stdout.write(f"{build['chunks']} chunks from {build['documents']} reports; {warm['questions']} warm questions\n")
    if dev_warm:
        sys.stdout.write(f"with the dev reports ({dev_build['documents']} reports, {dev_build['chunks']} chunks): "
                         f"warm p50 {dev_warm['p50_ms']:.1f} ms, p95 {dev_warm['p95_ms']:.1f} ms over {dev_warm['questions']} questions "
                         f"(target p50 ≤ 50 ms); aggregate questions p50 {dev_warm['aggregate_p50_ms']:.1f} ms (target ≤ 50 ms); "
                         f"indicator extraction {dev_build['indicator_extraction_s']:.2f} s of a {dev_build['with_dev_reports_s']:.0f} s ingest\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
