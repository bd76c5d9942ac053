"""Scale benchmark: how build time, size, memory, latency and hit@5 grow with the corpus.

    python -m bench.scale --sizes 14,100,1000      # writes bench/scale_results.json

Size 14 is the real corpus, embedded with the real model: it gives the model's throughput. Larger sizes add
synthetic reports (scripts/scale_corpus.py: made-up regions, shuffled sections of the real reports). Their
passages are copies of real ones, so their vectors come from a cache filled at size 14, keyed by a hash of
the passage text (the breadcrumb line, which names the made-up report, is left out of the key); only
passages the cache has never seen (each synthetic header) go through the model. Each phase runs in a child
process, so its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import ROOT, peak_mb, run_child
from eval.embedcache import CachingEmbedder, passage_key
from eval.metrics import percentile

__all__ = ["questions", "main"]

log = logging.getLogger(__name__)
GOLD = ROOT / "eval" / "gold.jsonl"
WORK = ROOT / "data" / "scale"
QUESTION_TYPES = ("target", "result", "plan")
N_QUESTIONS = 20
BATCH_DOCS = 16  # Assistant.ingest's default


def questions(n: int = N_QUESTIONS) -> list[dict[str, Any]]:
    """A fixed set of single-turn target/result/plan gold questions, alternating types and spread over reports."""
    items = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [it for it in items if it["type"] in QUESTION_TYPES and len(it["turns"]) == 1 and len(it["expected"]) == 1]
    queues = []
    for kind in QUESTION_TYPES:
        by_report: dict[str, list[dict[str, Any]]] = {}
        for it in sorted((it for it in items if it["type"] == kind), key=lambda it: it["id"]):
            by_report.setdefault(it["expected"][0]["report"], []).append(it)
        queue = []
        while any(by_report.values()):  # one question per report per pass
            queue += [by_report[r].pop(0) for r in sorted(by_report) if by_report[r]]
        queues.append(queue)
    picked: list[dict[str, Any]] = []
    while len(picked) < n and any(queues):
        picked += [q.pop(0) for q in queues if q][: n - len(picked)]
    return picked


def _size_mb(path: Path) -> float:
    """Disk use of a folder in MB (allocated blocks, so sparse files count as what they hold)."""
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file()) / 2**20


def _regions(folder: Path) -> dict[str, str]:
    """Synthetic report stem -> made-up region, from the generator's regions.json."""
    path = folder / "regions.json"
    return {k: v["region"] for k, v in json.loads(path.read_text(encoding="utf-8")).items()} if path.exists() else {}


def _phase_build(folder: Path, index_dir: Path, cache: Path, record: bool) -> dict[str, Any]:
    """Index every report in folder; with record, embed everything and save the vectors, else reuse them."""
    from rag import Assistant
    from rag.ingest.loading import load_document

    shutil.rmtree(index_dir, ignore_errors=True)
    load_avg = os.getloadavg()[0]  # the machine may be shared: say how busy it was
    started = time.perf_counter()
    base = Assistant().embedder
    embedder = CachingEmbedder(base, key=passage_key)
    if not record:
        embedder.load(cache)
    base.dimension  # load the model before timing the build  # noqa: B018
    loaded = time.perf_counter()
    bot = Assistant(index_dir=index_dir, embedder=embedder)
    regions = _regions(folder)
    files = sorted(folder.glob("*.txt"))
    curve = []  # (documents, chunks, seconds) as the build goes: shows how the cost per document grows
    with bot.index.writing():
        for i in range(0, len(files), BATCH_DOCS):  # as Assistant.ingest does, with a region per report
            batch = []
            for path in files[i:i + BATCH_DOCS]:
                doc = load_document(path)
                batch.append((path, doc.text, doc.sha256, {"region": regions[path.stem]} if path.stem in regions else None))
            bot.index.add_documents(batch)
            curve.append((len(bot.index.documents), len(bot.index.chunks), round(time.perf_counter() - loaded, 1)))
        lexical_start = time.perf_counter()
        bot.index.finish_writes()
    done = time.perf_counter()
    if record:
        embedder.save(cache)
    chunks = len(bot.index.chunks)
    build_s = done - loaded
    return {
        "documents": len(bot.index.documents), "chunks": chunks, "model_load_s": loaded - started,
        "build_s": build_s, "chunks_per_s": chunks / build_s, "model_s": embedder.model_s,
        "embedded_by_model": embedder.counts["embedded"], "from_cache": embedder.counts["reused"],
        "model_chunks_per_s": embedder.counts["embedded"] / embedder.model_s if embedder.model_s else None,
        "lexical_build_s": done - lexical_start, "other_s": build_s - embedder.model_s - (done - lexical_start),
        "disk_mb": _size_mb(index_dir), "chroma_mb": _size_mb(index_dir / "chroma"),
        "lexical_mb": _size_mb(index_dir / "lexical"), "peak_mb": peak_mb(), "load_avg_1m": load_avg,
        "curve": curve[:: max(1, len(curve) // 12)] + curve[-1:],
    }


def _hit(chunks: dict[str, Any], ids: Sequence[str], expected: dict[str, Any]) -> bool:
    """True when a retrieved chunk is from the expected report and holds its gold evidence."""
    from rag.text import fold

    evidence = fold(expected["evidence"])
    return any(cid in chunks and chunks[cid].metadata.get("doc_id") == expected["report"]
               and evidence in fold(chunks[cid].text) for cid in ids)


def _phase_query(folder: Path, index_dir: Path, rounds: int) -> dict[str, Any]:
    """Open the index, time answers, score retrieval hit@5, then time the update paths."""
    from rag import Assistant
    from rag.ask.query import understand
    from rag.ask.retrieval import Retriever

    items = questions()
    load_avg = os.getloadavg()[0]
    started = time.perf_counter()
    bot = Assistant(index_dir=index_dir)
    bot.stats()
    open_s = time.perf_counter() - started
    bot.answer(items[0]["turns"][0])  # loads the model and jieba
    latencies, correct = [], 0
    for r in range(rounds):
        for it in items:
            t0 = time.perf_counter()
            res = bot.answer(it["turns"][0])
            latencies.append((time.perf_counter() - t0) * 1000)
            correct += r == 0 and res.answered and any(a in res.text for a in it["expected"][0]["answers"])
    retriever, chunks = Retriever(bot.index), bot.index.chunks
    scoped = unscoped = 0
    for it in items:
        q, expected = it["turns"][0], it["expected"][0]
        scoped += _hit(chunks, [h.chunk_id for h in retriever.search(bot.understand(q), k=5)], expected)
        plain = understand(q, [], use_understanding=False)  # no region or year scope
        unscoped += _hit(chunks, [h.chunk_id for h in retriever.search(plain, k=5)], expected)
    t0 = time.perf_counter()
    unchanged = bot.ingest([folder])
    reingest_s = time.perf_counter() - t0
    edited = folder / "003-10_liaoning.txt"  # same path as the indexed report, new content
    edited.write_text(edited.read_text(encoding="utf-8") + "\n本报告根据审议意见修订。\n", encoding="utf-8")
    t0 = time.perf_counter()
    replaced = bot.ingest([edited])
    replace_s = time.perf_counter() - t0
    return {
        "open_s": open_s, "questions": len(latencies), "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95), "max_ms": max(latencies),
        "hit_at_5": scoped / len(items), "hit_at_5_unscoped": unscoped / len(items),
        "answer_accuracy": correct / len(items), "n_eval_questions": len(items),
        "reingest_unchanged_s": reingest_s, "reingest_unchanged_docs": len(unchanged.unchanged),
        "replace_one_report_s": replace_s, "replaced": replaced.replaced, "peak_mb": peak_mb(), "load_avg_1m": load_avg,
    }


def _corpus(size: int, work: Path) -> Path:
    """The folder of reports for a size: the real corpus for 14, else a generated one (restored each run)."""
    real = ROOT / "corpus"
    if size == len(list(real.glob("*.txt"))):
        folder = work / "corpus-14"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(real, folder, ignore=shutil.ignore_patterns("*.json"))
        return folder
    script = ROOT / "scripts" / "scale_corpus.py"
    subprocess.run([sys.executable, str(script), "--size", str(size), "--out", str(work / f"corpus-{size}")],
                   check=True, capture_output=True)
    return work / f"corpus-{size}"


def run(sizes: Sequence[int], rounds: int, work: Path, keep: bool, out: Path) -> dict[str, Any]:
    """Build and query an index per size, writing the results to out after each size; return them."""
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "embedding_cache.npz"
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "when": time.strftime("%Y-%m-%d %H:%M:%S"), "model_chunks_per_s": None, "rounds": rounds,
        "batch_docs": BATCH_DOCS, "questions": [it["id"] for it in questions()], "sizes": {},
    }
    if sorted(sizes)[0] != 14:
        raise ValueError("the smallest size must be 14 (the real corpus), which fills the embedding cache")
    for size in sorted(sizes):
        log.warning("size %d: generating corpus", size)
        folder = _corpus(size, work)
        index_dir = work / f"index-{size}"
        record = size == 14
        log.warning("size %d: building (%s)", size, "real model" if record else "cached vectors")
        build = run_child("bench.scale", "build", "--folder", str(folder), "--index-dir", str(index_dir), "--cache", str(cache),
                       *(["--record"] if record else []))
        if record:
            results["model_chunks_per_s"] = build["chunks"] / build["model_s"]
        else:  # what the same build would take if every chunk went through the model
            pipeline_s = build["build_s"] - build["model_s"]
            build["projected_build_s_real_model"] = build["chunks"] / results["model_chunks_per_s"] + pipeline_s
        log.warning("size %d: built %d chunks in %.1f s; querying", size, build["chunks"], build["build_s"])
        query = run_child("bench.scale", "query", "--folder", str(folder), "--index-dir", str(index_dir), "--rounds", str(rounds))
        results["sizes"][str(size)] = {"build": build, "query": query}
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if not keep:
            shutil.rmtree(index_dir, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with --phase, one phase of it in this process)."""
    p = argparse.ArgumentParser(prog="bench.scale", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="14,100,1000", help="comma-separated report counts; the first must be 14")
    p.add_argument("--rounds", type=int, default=3, help="times each question is asked for the latency figures")
    p.add_argument("--work", type=Path, default=WORK, help="folder for generated corpora and indexes (git-ignored)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "scale_results.json")
    p.add_argument("--keep", action="store_true", help="keep the built indexes")
    p.add_argument("--phase", choices=["build", "query"], help=argparse.SUPPRESS)
    p.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--index-dir", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--record", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    if a.phase == "build":
        result = _phase_build(a.folder, a.index_dir, a.cache, a.record)
    elif a.phase == "query":
        result = _phase_query(a.folder, a.index_dir, a.rounds)
    else:
        result = run([int(s) for s in a.sizes.split(",")], a.rounds, a.work, a.keep, a.out)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
