"""Crash safety: a killed ingest, two ingests at once, interrupted writes and a corrupt index folder."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from filelock import FileLock

from eval.embedcache import CachingEmbedder
from rag import Assistant
from rag.index.index import ORPHAN_GRACE_S
from rag.index.store import DocumentRecord, StoredChunk, StoreError

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "PYTHONPATH": str(ROOT)}

# Opens an index in a fresh process and prints what Chroma, the lexical index and an answer say.
CHECK = r"""
import json, sys
from rag import Assistant
bot = Assistant(index_dir=sys.argv[1])
idx = bot.index
chunks = {c.id: [c.metadata["doc_id"], c.metadata["doc_hash"]] for c in idx.store.all()}
docs = {r.id: {"n": r.metadata["n_chunks"], "version": r.metadata.get("version") or r.metadata["sha256"],
              "sha256": r.metadata["sha256"]} for r in idx.docs_store.records(with_text=False)}
res = bot.answer(sys.argv[2])
print(json.dumps({"docs": docs, "chunks": chunks, "lexical": sorted(idx.lexical.ids), "served": sorted(idx.chunks),
                  "answered": res.answered, "text": res.text, "cited": [c.doc_id for c in res.citations]},
                 ensure_ascii=False))
"""


def rag(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the `rag` CLI in a fresh process."""
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, timeout=timeout)


def check(index_dir: Path, question: str) -> dict:
    """Open the index in a fresh process; return its state and an answer."""
    proc = subprocess.run([sys.executable, "-c", CHECK, str(index_dir), question], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def assert_whole(state: dict, versions: dict[str, set[str]]) -> None:
    """Every document is wholly one of its allowed file versions (sha256); no orphan or partial chunks."""
    assert set(state["docs"]) == set(versions)
    for did, rec in state["docs"].items():
        assert rec["sha256"] in versions[did], did
        mine = [h for d, h in state["chunks"].values() if d == did]
        assert len(mine) == rec["n"] and set(mine) == {rec["version"]}, did
    assert {d for d, _ in state["chunks"].values()} <= set(state["docs"]), "orphan chunks"
    assert state["lexical"] == sorted(state["chunks"]) == state["served"]


def sha(path: Path) -> str:
    """sha256 of a file, as the index records it."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_reports(folder: Path, names: list[str]) -> Path:
    """Copy corpus reports into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(CORPUS / f"{name}.txt", folder / f"{name}.txt")
    shutil.copy(CORPUS / "metadata.json", folder / "metadata.json")  # what the collector knows (运城's region)
    return folder


class Watched:
    """A CLI process whose stderr (tqdm progress) is collected as it arrives."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "rag.cli", *args], cwd=ROOT, env=ENV,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.err = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        while chunk := self.proc.stderr.read(1):
            self.err += chunk

    def wait_for(self, text: str, timeout: float = 300) -> bool:
        """Wait until stderr shows text; False if the process ended first."""
        deadline = time.monotonic() + timeout
        while text not in self.err:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                return text in self.err
            time.sleep(0.02)
        return True


def test_killed_ingest_leaves_every_document_whole(tmp_path: Path) -> None:
    """SIGKILL after the first document commits: reopening serves each report wholly old or wholly new."""
    names = ["000_yima", "002_yuncheng_abstract", "003-05_qinghai"]
    docs = copy_reports(tmp_path / "docs", names)
    index = tmp_path / "index"
    built = rag("ingest", str(docs), "--index-dir", str(index), "-q")
    assert built.returncode == 0, built.stderr[-3000:]
    old = {n: sha(docs / f"{n}.txt") for n in names}
    yima = docs / "000_yima.txt"
    yima.write_text(yima.read_text(encoding="utf-8").replace("地区生产总值增长7%以上", "地区生产总值增长7.5%以上"),
                    encoding="utf-8")
    for n in names[1:]:
        with (docs / f"{n}.txt").open("a", encoding="utf-8") as fh:
            fh.write("\n本报告根据审议意见修订。\n")
    new = {n: sha(docs / f"{n}.txt") for n in names}

    writer = Watched("ingest", str(docs), "--index-dir", str(index), "--batch-docs", "1")  # commit per report
    reached = writer.wait_for(" 1/3 ")
    writer.proc.send_signal(signal.SIGKILL)
    writer.proc.wait(timeout=60)
    assert reached and writer.proc.returncode == -signal.SIGKILL, writer.err[-2000:]

    state = check(index, "义马2023年GDP增长目标多少")
    assert_whole(state, {n: {old[n], new[n]} for n in names})
    assert state["docs"]["000_yima"]["sha256"] == new["000_yima"]  # committed before the kill
    assert state["answered"] and "7.5%以上" in state["text"] and state["cited"][0] == "000_yima"

    resumed = rag("ingest", str(docs), "--index-dir", str(index), "-q")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "unchanged 1" in resumed.stdout and "skipped 0" in resumed.stdout
    state = check(index, "运城2022年GDP多少")
    assert_whole(state, {n: {new[n]} for n in names})
    assert state["answered"] and "2301亿元" in state["text"]


def test_two_ingests_at_once(tmp_path: Path) -> None:
    """Of two ingests started together, one runs and the other exits 2 naming the running ingest."""
    names = ["000_yima", "002_yuncheng_abstract", "003-05_qinghai", "003-08_xiamen"]
    docs = copy_reports(tmp_path / "docs", names)
    index = tmp_path / "index"
    args = ("ingest", str(docs), "--index-dir", str(index), "-q")
    first, second = (subprocess.Popen([sys.executable, "-m", "rag.cli", *args], cwd=ROOT, env=ENV,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2))
    results = sorted((p.communicate(timeout=600) + (p.returncode,) for p in (first, second)), key=lambda r: r[2])
    (ok_out, _, ok_code), (_, busy_err, busy_code) = results
    assert (ok_code, busy_code) == (0, 2), results
    assert "error: another ingest is writing to" in busy_err and "wait for it to finish" in busy_err
    assert "Traceback" not in busy_err
    assert "added 4" in ok_out
    state = check(index, "运城2022年GDP多少")
    assert_whole(state, {n: {sha(docs / f"{n}.txt")} for n in names})
    assert state["answered"] and "2301亿元" in state["text"]


@pytest.fixture()
def small_bot(tmp_path: Path) -> Assistant:
    """An index of the Yuncheng report, built in this process with the real model."""
    bot = Assistant(index_dir=tmp_path / "index", embedder=CachingEmbedder(Assistant().embedder, cache_queries=True))
    bot.ingest([copy_reports(tmp_path / "docs", ["002_yuncheng_abstract"])])
    return bot


def _uncommitted(bot: Assistant, n: int = 3, age_s: float = 0) -> list[str]:
    """Write chunks of a version no document record names, as a kill between add and commit leaves them."""
    vec = bot.embedder.embed(["未提交的段落"])[0]
    meta = {"doc_id": "002_yuncheng_abstract", "doc_hash": "f" * 64, "added_at": int(time.time() - age_s)}
    chunks = [StoredChunk(f"002_yuncheng_abstract:ffffffffffff:{i:04d}", "未提交的段落", dict(meta), vec) for i in range(n)]
    bot.index.store.add(chunks)
    return [c.id for c in chunks]


def test_uncommitted_chunks_are_dropped_on_open(small_bot: Assistant) -> None:
    """Chunks written before a kill at the commit point are never served and are deleted at the next open."""
    before = set(small_bot.index.chunks)
    ghost = _uncommitted(small_bot)
    fresh = Assistant(settings=small_bot.settings, embedder=small_bot.embedder)
    assert set(fresh.index.chunks) == before
    stored = {c.id for c in fresh.index.store.all()}
    assert not (set(ghost) & stored) and stored == before
    assert fresh.answer("运城2022年GDP多少").answered


def test_chunks_of_a_running_ingest_are_left_alone(small_bot: Assistant) -> None:
    """While another ingest holds the lock, opening ignores its not-yet-committed chunks but does not delete them."""
    before = set(small_bot.index.chunks)
    ghost = _uncommitted(small_bot)
    lock = FileLock(str(Path(small_bot.settings.index_dir) / ".ingest.lock"))
    with lock:
        reader = Assistant(settings=small_bot.settings, embedder=small_bot.embedder)
        assert set(reader.index.chunks) == before
        assert set(ghost) <= {c.id for c in reader.index.store.all()}
    after = Assistant(settings=small_bot.settings, embedder=small_bot.embedder)
    assert not set(ghost) & {c.id for c in after.index.store.all()}


def test_server_mode_keeps_young_orphans(small_bot: Assistant) -> None:
    """With a shared server, only orphans older than the grace period are deleted (a writer elsewhere may own them)."""
    young = _uncommitted(small_bot, 2)
    old = [cid.replace("ffffffffffff", "eeeeeeeeeeee") for cid in young]
    vec = small_bot.embedder.embed(["旧的未提交段落"])[0]
    small_bot.index.store.add([StoredChunk(cid, "旧的未提交段落", {"doc_id": "002_yuncheng_abstract", "doc_hash": "e" * 64,
                                                           "added_at": int(time.time() - ORPHAN_GRACE_S - 60)}, vec)
                               for cid in old])
    index = small_bot.index
    orphans = [c for c in index.store.all() if c.id in set(young) | set(old)]
    index.settings = index.settings.with_(chroma_host="127.0.0.1")  # judge them as a server-backed index would
    try:
        index._drop_orphans(orphans)
    finally:
        index.settings = small_bot.settings
    left = {c.id for c in index.store.all()}
    assert set(young) <= left and not set(old) & left


def test_interrupted_after_commit_drops_old_chunks(small_bot: Assistant) -> None:
    """A kill after the new record commits but before old chunks go: the old version's chunks are dropped on open."""
    index = small_bot.index
    old_ids = set(index.chunks)
    doc = index.documents["002_yuncheng_abstract"]
    new_chunks = [StoredChunk(cid.replace(doc.version[:12], "d" * 12), c.text, {**c.metadata, "doc_hash": "d" * 64},
                              small_bot.embedder.embed([c.text])[0]) for cid, c in index.chunks.items()]
    index.store.add(new_chunks)
    record = {"sha256": "d" * 64, "version": "d" * 64, "path": doc.path, "n_chunks": len(new_chunks),
              "overrides": "{}", "_meta": json.dumps(doc.meta, ensure_ascii=False)}
    index.docs_store.upsert([DocumentRecord(doc.doc_id, doc.text, record)])
    fresh = Assistant(settings=small_bot.settings, embedder=small_bot.embedder)
    assert set(fresh.index.chunks) == {c.id for c in new_chunks}
    assert {c.id for c in fresh.index.store.all()} == {c.id for c in new_chunks} and not old_ids & set(fresh.index.chunks)
    assert sorted(fresh.index.lexical.ids) == sorted(fresh.index.chunks)
    assert fresh.answer("运城2022年GDP多少").answered


@pytest.fixture(scope="module")
def cli_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Reports folder and an index of it built by the CLI in another process (this process never opens it)."""
    root = tmp_path_factory.mktemp("cli_built")
    docs = copy_reports(root / "docs", ["002_yuncheng_abstract"])
    proc = rag("ingest", str(docs), "--index-dir", str(root / "index"), "-q")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return docs, root / "index"


def assert_store_error(proc: subprocess.CompletedProcess[str]) -> None:
    """The CLI failed with exit 2 and one clear line telling how to rebuild, no traceback."""
    assert proc.returncode == 2, (proc.stdout, proc.stderr[-2000:])
    assert proc.stderr.startswith("error: cannot open the Chroma store in")
    assert "rag ingest --rebuild" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_store_gives_clear_error(tmp_path: Path, cli_built: tuple[Path, Path], damage: str) -> None:
    """A garbage or half-written chroma.sqlite3 gives one clear error naming `rag ingest --rebuild`."""
    docs, built = cli_built
    index = tmp_path / "index"
    shutil.copytree(built, index)
    db = index / "chroma" / "chroma.sqlite3"
    if damage == "garbage":
        db.write_bytes(os.urandom(64 * 1024))
    else:
        with db.open("r+b") as fh:
            fh.truncate(db.stat().st_size // 3)
    with pytest.raises(StoreError, match=r"rag ingest --rebuild"):
        Assistant(index_dir=index).stats()
    assert_store_error(rag("ask", "运城2022年GDP多少", "--index-dir", str(index)))


def test_rebuild_repairs_a_corrupt_store(tmp_path: Path, cli_built: tuple[Path, Path]) -> None:
    """After garbage in chroma.sqlite3, a plain ingest refuses clearly and `rag ingest --rebuild` repairs it."""
    docs, built = cli_built
    index = tmp_path / "index"
    shutil.copytree(built, index)
    (index / "chroma" / "chroma.sqlite3").write_bytes(os.urandom(64 * 1024))
    assert_store_error(rag("ingest", str(docs), "--index-dir", str(index), "-q"))
    rebuilt = rag("ingest", str(docs), "--index-dir", str(index), "--rebuild", "-q")
    assert rebuilt.returncode == 0 and "added 1" in rebuilt.stdout, rebuilt.stderr[-2000:]
    state = check(index, "运城2022年GDP多少")
    assert_whole(state, {"002_yuncheng_abstract": {sha(docs / "002_yuncheng_abstract.txt")}})
    assert state["answered"] and "2301亿元" in state["text"]


def test_damaged_lexical_index_is_rebuilt(small_bot: Assistant) -> None:
    """A garbled or half-saved lexical index is rebuilt from Chroma at open, not trusted."""
    lexical = Path(small_bot.settings.index_dir) / "lexical"
    for f in lexical.iterdir():
        if f.name != "ids.json":
            f.write_bytes(b"\x00garbage")
    fresh = Assistant(settings=small_bot.settings, embedder=small_bot.embedder)
    assert fresh.answer("运城2022年GDP多少").answered
    assert sorted(fresh.index.lexical.ids) == sorted(fresh.index.chunks)
    (lexical / "ids.json").write_text("{half", encoding="utf-8")
    again = Assistant(settings=small_bot.settings, embedder=small_bot.embedder)
    assert again.index.lexical.search("地区生产总值", 3)
