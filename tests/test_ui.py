"""The chat UI: HTML rendering (fast), then the app served in-process and asked through gradio_client."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ui.chat import ALL, ask, new_session
from ui.render import answer_html, excerpt, highlight, refusal_html

CITE = {"n": 1, "report": "某市<2022>报告", "region": "某市", "year": 2022, "section": "一、<b>目标</b>",
        "text": "前文<script>x</script>。目标是增长8%左右。后文", "quote": "目标是增长8%左右。",
        "start": 100, "end": 133, "quote_start": 121, "quote_end": 131}


def test_highlight_marks_the_span_and_escapes_the_rest():
    """Report text is escaped and only the quoted span sits inside <mark>."""
    html = highlight("a<b>c&d", 4, 6)
    assert html == "a&lt;b&gt;<mark>c&amp;</mark>d"


def test_highlight_falls_back_to_the_quote_when_offsets_miss():
    """Offsets out of range fall back to finding the quote text."""
    assert highlight("甲乙丙丁", 10, 20, "乙丙") == "甲<mark>乙丙</mark>丁"


def test_excerpt_keeps_context_around_the_quote():
    """The chat shows the quote with bounded context and ellipses where the passage was cut."""
    text = "甲" * 200 + "目标增长8%" + "乙" * 200
    html = excerpt(text, 200, 206, before=10, after=5)
    assert html == "…" + "甲" * 10 + "<mark>目标增长8%</mark>" + "乙" * 5 + "…"


def test_answer_html_escapes_report_text_and_shows_citations():
    """Titles, sections and passages from reports never reach the page as markup."""
    html = answer_html("增长8%左右[1]。", [CITE])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;目标&lt;/b&gt;" in html and "某市&lt;2022&gt;报告" in html
    assert "<mark>目标是增长8%左右。</mark>" in html
    assert '<sup class="rag-ref">[1]</sup>' in html


def test_refusal_html_is_styled_apart_and_lists_holdings():
    """A refusal gets its own box, the corpus holdings and the active filters."""
    html = refusal_html("资料中没有找到X。", ["甲（2022年）"], "地区 甲")
    assert 'class="rag-refusal"' in html and "rag-answer" not in html
    assert "资料中相近的报告：甲（2022年）" in html and "当前筛选：地区 甲" in html


def test_refusal_html_shows_the_passage_a_figure_is_stated_in_words():
    """A refusal that quotes what the report says in words carries its citation card."""
    cite = {"n": 1, "report": "运城市2023年政府工作报告", "region": "运城市", "year": 2023, "section": "二、工作安排",
            "text": "居民收入增长和经济增长基本同步。", "quote": "居民收入增长和经济增长基本同步", "start": 0,
            "quote_start": 0, "quote_end": 15}
    html = refusal_html("资料中没有找到所问的数字。报告对此只有文字表述：居民收入增长和经济增长基本同步[1]。", [], "", [cite])
    assert "rag-refusal" in html and "rag-cite" in html and '<sup class="rag-ref">[1]</sup>' in html


def _client(url: str):
    """A gradio_client session of its own."""
    from gradio_client import Client

    return Client(url, verbose=False)


@pytest.mark.integration
def test_ask_endpoint_answers_with_citation(ui_url):
    """/ask answers the sample question with the 解放区 report as its citation."""
    res = _client(ui_url).predict("焦作解放区2022年GDP目标", api_name="/ask")
    assert res["answered"] is True and "8%左右" in res["text"]
    assert res["citations"][0]["region"] == "焦作市解放区"
    assert "8%左右" in res["citations"][0]["quote"]


@pytest.mark.integration
def test_ask_endpoint_follows_up_with_history(ui_url):
    """A follow-up resolves against the history, given as a list or as a JSON list."""
    client = _client(ui_url)
    for history in (["焦作解放区2022年GDP目标"], '["焦作解放区2022年GDP目标"]'):
        res = client.predict("那义马呢？", history, api_name="/ask")
        assert res["answered"] is True and "7%以上" in res["text"]
        assert res["citations"][0]["region"] == "义马市"


@pytest.mark.integration
def test_ask_endpoint_refuses_what_the_reports_lack(ui_url):
    """A region the corpus does not hold is refused, not guessed."""
    res = _client(ui_url).predict("洛阳2022年GDP增长目标", api_name="/ask")
    assert res["answered"] is False and res["citations"] == []
    assert "洛阳" in res["text"]
    assert res["holdings"] and all(h["why"] == "same year" for h in res["holdings"])  # near: the same year


@pytest.mark.integration
def test_ask_endpoint_applies_filters(ui_url):
    """A region filter that excludes the asked report turns the answer into a refusal."""
    res = _client(ui_url).predict("焦作解放区2022年GDP目标", None, ["辽宁省"], [2022], api_name="/ask")
    assert res["answered"] is False


@pytest.mark.integration
def test_ask_accepts_loose_history(bot):
    """ask() takes history as a JSON list, one question, or nothing."""
    assert "7%以上" in ask(bot, "那义马呢？", '["焦作解放区2022年GDP目标"]')["text"]
    assert "7%以上" in ask(bot, "那义马呢？", "焦作解放区2022年GDP目标")["text"]
    assert ask(bot, "焦作解放区2022年GDP目标", None)["answered"] is True

CASES = {
    "青海2022年GDP增长目标": "5.5%左右",
    "辽宁2022年GDP增长目标": "5.5%以上",
    "义马2023年GDP增长目标": "7%以上",
    "侯马市长是谁": "尹明星",
    "四早是什么意思": "早发现",
    "辽宁要建多少套保租房": "3.2万套",
    "洛阳2022年GDP增长目标": None,
    "焦作解放区2022年GDP目标": "8%左右",
}


@pytest.mark.integration
def test_eight_concurrent_sessions_get_their_own_answers(ui_url):
    """Eight clients asking at once each get the answer to their own question."""
    start = threading.Barrier(len(CASES))

    def run(question: str) -> dict:
        client = _client(ui_url)
        start.wait(timeout=300)
        return client.predict(question, api_name="/ask")

    with ThreadPoolExecutor(len(CASES)) as pool:
        results = dict(zip(CASES, pool.map(run, CASES), strict=True))
    for question, expected in CASES.items():
        res = results[question]
        assert res["question"] == question
        if expected is None:
            assert res["answered"] is False, question
        else:
            assert res["answered"] is True and expected in res["text"], (question, res["text"])


def _chat(client, question: str, chat: list, region: str = ALL, year: str = ALL) -> tuple[list, dict]:
    """One chat turn through the UI's own events; the session's state stays on the server."""
    _, chat = client.predict(question, chat, api_name="/add_question")
    chat, picker, _viewer = client.predict(chat, region, year, api_name="/respond")
    return chat, picker


def _text(message: dict) -> str:
    """The text of a chat message in Gradio's message format."""
    content = message["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


@pytest.mark.integration
def test_chat_sessions_keep_their_own_history(ui_url):
    """Two browser-like sessions chatting at once resolve follow-ups against their own turns."""
    flows = {"解放区": ("焦作解放区2022年GDP目标", "那义马呢？", "7%以上", ("焦作市解放区", "义马市")),
             "辽宁": ("辽宁2022年GDP增长目标", "那青海呢？", "5.5%左右", ("辽宁省", "青海省"))}
    start = threading.Barrier(len(flows))

    def run(flow: tuple) -> tuple[list, dict]:
        first, follow, _, _ = flow
        client = _client(ui_url)
        start.wait(timeout=300)
        chat, _ = _chat(client, first, [])
        return _chat(client, follow, chat)

    with ThreadPoolExecutor(len(flows)) as pool:
        results = dict(zip(flows, pool.map(run, flows.values()), strict=True))
    for name, (_, _, expected, regions) in flows.items():
        chat, picker = results[name]
        assert [m["role"] for m in chat] == ["user", "assistant"] * 2
        assert expected in _text(chat[-1]) and 'class="rag-cite"' in _text(chat[-1])
        labels = [label for label, _ in picker["choices"]]
        assert len(labels) == 2 and regions[0] in labels[0] and regions[1] in labels[1], labels


@pytest.mark.integration
def test_chat_refusal_names_the_active_filter(ui_url):
    """With a region filter set, a question about another region is refused in the refusal box."""
    chat, _ = _chat(_client(ui_url), "焦作解放区2022年GDP目标", [], region="辽宁省")
    reply = _text(chat[-1])
    assert 'class="rag-refusal"' in reply and "当前筛选：地区 辽宁省" in reply


def test_new_session_is_empty():
    """A fresh session holds no questions or citations."""
    assert new_session() == {"questions": [], "citations": {}, "choices": []}


@pytest.mark.integration
def test_upload_adds_a_report_and_rejects_bad_files(tmp_path, corpus_dir):
    """An uploaded report becomes answerable; wrong types and empty files are refused with a reason."""
    from rag import Assistant
    from ui.app import add_reports

    bot = Assistant(index_dir=tmp_path / "index")
    good = tmp_path / "解放区.txt"
    good.write_bytes((corpus_dir / "004_jiefang.txt").read_bytes())
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ\x00\x00")
    report = add_reports(bot, [str(good), str(empty), str(exe)])
    assert report.startswith("新增 1") and "empty.txt" in report and "tool.exe" in report
    assert "8%左右" in bot.answer("焦作解放区2022年GDP目标").text
    assert add_reports(bot, [str(good)]).startswith("新增 0，替换 0，未变 1")
