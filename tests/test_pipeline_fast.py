"""The whole question path, ingest → search → answer, on the fakes: no model, no Chroma, milliseconds."""

from pathlib import Path

import pytest

from rag import Assistant
from tests.fakes import HashEmbedder, MemoryDocumentStore, MemoryStore

REPORT = """2023年北川市政府工作报告
——2023年1月10日在北川市第十届人民代表大会第三次会议上
北川市人民政府市长 王某某
各位代表：
现在，我代表市人民政府，向大会报告工作，请予审议。
一、2022年工作回顾
过去一年，全市地区生产总值增长4.8%，一般公共预算收入完成18.9亿元。
二、2023年工作安排
今年经济社会发展的主要预期目标是：地区生产总值增长7%以上，一般公共预算收入增长6%。
"""


@pytest.fixture()
def bot(tmp_path: Path) -> Assistant:
    """An assistant over one small report, with the in-memory store and the hash embedder."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "beichuan_2023.txt").write_text(REPORT.replace("北川市", "沧州市"), encoding="utf-8")
    bot = Assistant(index_dir=tmp_path / "index", embedder=HashEmbedder(), store=MemoryStore(), docs=MemoryDocumentStore())
    bot.ingest([folder])
    return bot


def test_target_is_quoted_from_the_plan_part(bot: Assistant) -> None:
    """A target question quotes this year's target, never last year's result."""
    res = bot.answer("沧州2023年GDP增长目标")
    assert res.answered and "7%以上" in res.text and "4.8%" not in res.text
    assert res.citations[0].doc_id == "beichuan_2023"


def test_result_is_quoted_from_the_review(bot: Assistant) -> None:
    """A result question quotes the review."""
    res = bot.answer("沧州2022年地区生产总值实际增长了多少")
    assert res.answered and "4.8%" in res.text


def test_speaker_comes_from_the_header(bot: Assistant) -> None:
    """Who delivered it: the header's post and name, quoted."""
    res = bot.answer("沧州市长是谁")
    assert res.answered and "王某某" in res.text


def test_refusal_names_what_is_near(bot: Assistant) -> None:
    """A year not held is refused, naming the same region's other years, not the whole library."""
    res = bot.answer("沧州2019年GDP目标")
    assert not res.answered and [h.label() for h in res.holdings] == ["沧州市（2023年）"]


def test_remove_forgets_everything(bot: Assistant) -> None:
    """Removing the report leaves nothing to answer from."""
    assert bot.remove("beichuan_2023")
    assert not bot.answer("沧州2023年GDP增长目标").answered


def test_each_rankers_best_passes_fusion(bot: Assistant) -> None:
    """A chunk BM25 ranks first is kept even when fusion would cut it (top_k=1 here)."""
    from dataclasses import replace

    from rag.ask.retrieval import Retriever

    q = bot.trace("沧州一般公共预算收入完成多少").query
    bot.index.settings = replace(bot.index.settings, top_k=1, keep_top_each=2)
    hits = {h.chunk_id for h in Retriever(bot.index).search(q)}
    lexical = [cid for cid, _ in bot.index.lexical.search(q.search_text, 2, None)]
    assert set(lexical) <= hits


def test_places_the_table_has_no_row_for_are_read_one_by_one(tmp_path: Path) -> None:
    """'谁多 各多少' about two places whose figure the indicators table did not read: each report's passage answers."""
    folder = tmp_path / "reports"
    folder.mkdir()
    said = "过去一年，就业形势稳定，全年城镇新增就业3625人，下岗再就业1235人。\n二、2023年工作安排"
    for name, city in (("a_2023", "沧州市"), ("b_2023", "廊坊市")):
        (folder / f"{name}.txt").write_text(REPORT.replace("北川市", city).replace("二、2023年工作安排", said), encoding="utf-8")
    bot = Assistant(index_dir=tmp_path / "index", embedder=HashEmbedder(), store=MemoryStore(), docs=MemoryDocumentStore())
    bot.ingest([folder])
    res = bot.answer("2022年城镇新增就业 沧州和廊坊谁多 各多少人")
    assert res.answered and {c.doc_id for c in res.citations} == {"a_2023", "b_2023"} and "3625人" in res.text
