"""The pipeline against a real Chroma server on loopback, configured from RAG_* variables and CLI flags."""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import free_port

from eval.embedcache import CachingEmbedder
from rag import Assistant, Settings
from rag.index.store import StoreError

pytestmark = [pytest.mark.server, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
CHROMA = Path(sys.executable).parent / "chroma"
TOKEN = "s3cret-token"


def wait_for_heartbeat(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until the server answers its heartbeat."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no Chroma heartbeat on port {port} after {timeout} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real `chroma run` server on loopback, stopped at teardown; yields its port."""
    port = free_port()
    path = tmp_path_factory.mktemp("chroma_server")
    log = (path / "server.log").open("wb")
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(path / "data"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    try:
        wait_for_heartbeat(port, proc)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


class _TokenProxy(BaseHTTPRequestHandler):
    """Forward requests to the Chroma server only when they carry the bearer token (as an auth proxy would)."""

    upstream = 0

    def _forward(self) -> None:
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "authorization", "connection")}
        conn.request(self.command, self.path, body=body or None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

    def log_message(self, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture(scope="module")
def token_proxy(server: int) -> Iterator[int]:
    """A loopback proxy in front of the server that demands `Authorization: Bearer <TOKEN>`; yields its port."""
    handler = type("Proxy", (_TokenProxy,), {"upstream": server})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield int(httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def embedder() -> CachingEmbedder:
    """The real embedding model, remembering vectors across tests."""
    return CachingEmbedder(Assistant().embedder, cache_queries=True)


def server_env(monkeypatch: pytest.MonkeyPatch, port: int, index_dir: Path, collection: str) -> None:
    """Point the RAG_* variables at the server, a local index folder and a collection of its own."""
    monkeypatch.setenv("RAG_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("RAG_CHROMA_PORT", str(port))
    monkeypatch.setenv("RAG_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("RAG_COLLECTION", collection)
    monkeypatch.delenv("RAG_CHROMA_TOKEN", raising=False)


def child_env(**extra: str) -> dict[str, str]:
    """Environment for a fresh `rag` process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    return {**env, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "PYTHONPATH": str(ROOT), **extra}


def rag(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the `rag` CLI in a fresh process."""
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


def test_settings_from_env_and_flags() -> None:
    """RAG_CHROMA_* variables select the server; explicit values (CLI flags) win over them."""
    env = {"RAG_CHROMA_HOST": "10.0.0.5", "RAG_CHROMA_PORT": "9000", "RAG_CHROMA_TOKEN": "t", "RAG_INDEX_DIR": "/x"}
    s = Settings.from_env(env)
    assert (s.chroma_host, s.chroma_port, s.chroma_token, s.index_dir, s.uses_server) == ("10.0.0.5", 9000, "t", Path("/x"), True)
    s = Settings.from_env(env, chroma_host="127.0.0.1", chroma_port=8001, chroma_token="u", index_dir="/y")
    assert (s.chroma_host, s.chroma_port, s.chroma_token, s.index_dir) == ("127.0.0.1", 8001, "u", Path("/y"))
    assert not Settings.from_env({}).uses_server


def test_pipeline_against_server(server: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 embedder: CachingEmbedder) -> None:
    """Ingest, answer, re-ingest, change and remove reports with Chroma as a server."""
    server_env(monkeypatch, server, tmp_path / "index", "pipeline")
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("000_yima", "002_yuncheng_abstract"):
        shutil.copy(CORPUS / f"{name}.txt", docs)
    bot = Assistant(settings=Settings.from_env(), embedder=embedder)
    assert bot.stats()["store"] == f"chroma://127.0.0.1:{server}"
    assert sorted(bot.ingest([docs]).added) == ["000_yima", "002_yuncheng_abstract"]
    res = bot.answer("义马2023年GDP增长目标多少")
    assert res.answered and "7%以上" in res.text and res.citations[0].doc_id == "000_yima"

    assert sorted(bot.ingest([docs]).unchanged) == ["000_yima", "002_yuncheng_abstract"]

    yima = docs / "000_yima.txt"
    yima.write_text(yima.read_text(encoding="utf-8").replace("地区生产总值增长7%以上", "地区生产总值增长7.5%以上"),
                    encoding="utf-8")
    summary = bot.ingest([docs])
    assert summary.replaced == ["000_yima"] and summary.unchanged == ["002_yuncheng_abstract"]
    stored = {c.id: c.metadata for c in bot.index.store.all()}
    version = bot.index.documents["000_yima"].version
    yima_chunks = [m for m in stored.values() if m["doc_id"] == "000_yima"]
    assert len(yima_chunks) == bot.index.documents["000_yima"].n_chunks
    assert {m["doc_hash"] for m in yima_chunks} == {version}
    assert sorted(bot.index.lexical.ids) == sorted(stored)
    assert "7.5%以上" in bot.answer("义马2023年GDP增长目标多少").text

    assert bot.remove("000_yima")
    stored = {c.id: c.metadata for c in bot.index.store.all()}
    assert stored and {m["doc_id"] for m in stored.values()} == {"002_yuncheng_abstract"}
    fresh = Assistant(settings=Settings.from_env(), embedder=embedder)
    assert set(fresh.index.documents) == {"002_yuncheng_abstract"}
    assert not fresh.answer("义马2023年GDP增长目标多少").answered


def test_second_process_other_index_dir(server: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        embedder: CachingEmbedder) -> None:
    """A second process with its own RAG_INDEX_DIR answers from the server, rebuilding lexical from its contents."""
    server_env(monkeypatch, server, tmp_path / "writer", "shared")
    writer = Assistant(settings=Settings.from_env(), embedder=embedder)
    writer.ingest([CORPUS / "000_yima.txt", CORPUS / "002_yuncheng_abstract.txt"])
    reader_dir = tmp_path / "reader"
    env = child_env(RAG_CHROMA_HOST="127.0.0.1", RAG_CHROMA_PORT=str(server), RAG_INDEX_DIR=str(reader_dir),
                    RAG_COLLECTION="shared")
    proc = rag("ask", "运城2022年GDP多少", env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "2301亿元" in proc.stdout and "运城市2023年政府工作报告" in proc.stdout
    saved = (reader_dir / "lexical" / "ids.json").read_text()
    assert all(cid in saved for cid in writer.index.chunks)
    other = Assistant(settings=Settings.from_env(index_dir=tmp_path / "third"), embedder=embedder)
    assert sorted(other.index.lexical.ids) == sorted(writer.index.chunks)
    res = other.answer("义马2023年GDP增长目标多少")
    assert res.answered and res.citations[0].doc_id == "000_yima"


def test_cli_flags_select_the_server(server: int, tmp_path: Path) -> None:
    """--chroma-host/--chroma-port on the command line reach the server without any RAG_* variable."""
    flags = ["--chroma-host", "127.0.0.1", "--chroma-port", str(server), "--index-dir", str(tmp_path / "index")]
    env = child_env(RAG_COLLECTION="flags")
    proc = rag("ingest", str(CORPUS / "002_yuncheng_abstract.txt"), "-q", *flags, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "added 1" in proc.stdout and f'"store": "chroma://127.0.0.1:{server}"' in proc.stdout
    refused = rag("ingest", "--rebuild", "-q", *flags, env=env)
    assert refused.returncode == 2 and "use `rag remove`" in refused.stderr


def test_token_is_sent(token_proxy: int, tmp_path: Path, embedder: CachingEmbedder) -> None:
    """The token travels as `Authorization: Bearer`; a missing or wrong token is a clear StoreError."""
    base = Settings(index_dir=tmp_path / "index", chroma_host="127.0.0.1", chroma_port=token_proxy, collection="token")
    bot = Assistant(settings=base.with_(chroma_token=TOKEN), embedder=embedder)
    assert bot.ingest([CORPUS / "002_yuncheng_abstract.txt"]).added == ["002_yuncheng_abstract"]
    assert "2301亿元" in bot.answer("运城2022年GDP多少").text
    for token in (None, "wrong"):
        with pytest.raises(StoreError, match="RAG_CHROMA_TOKEN"):
            Assistant(settings=base.with_(chroma_token=token), embedder=embedder).stats()
    flags = ["--chroma-host", "127.0.0.1", "--chroma-port", str(token_proxy), "--index-dir", str(tmp_path / "cli")]
    env = child_env(RAG_COLLECTION="token")
    denied = rag("stats", *flags, env=env)
    assert denied.returncode == 2 and denied.stderr.startswith("error: cannot open the Chroma server at")
    assert "Traceback" not in denied.stderr
    allowed = rag("stats", *flags, "--chroma-token", TOKEN, env=env)
    assert allowed.returncode == 0 and '"documents": 1' in allowed.stdout


def test_server_down_is_a_clear_error(tmp_path: Path) -> None:
    """No server on the port: StoreError says to start one, naming the command."""
    settings = Settings(index_dir=tmp_path / "index", chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(StoreError, match=r"cannot open the Chroma server at 127\.0\.0\.1:\d+: .*chroma run --path"):
        Assistant(settings=settings).stats()
