"""Make a larger corpus for the scale benchmark: the real reports plus synthetic ones built from them.

Each synthetic report has a parseable header (title, date, session, speaker) naming a made-up region
such as 甲乙市, followed by the top-level sections of one real report in a shuffled order (renumbered so
the chunker still reads them as sections), then that report's glossary if it has one.

    python scripts/scale_corpus.py --size 1000 --out data/scale/1000

writes the 14 real reports, `size - 14` synthetic ones (syn_0001.txt …) and `regions.json`, which maps each
synthetic report to its region and source, for ingesting with a region override (the made-up names are not
in the gazetteer, so the metadata reader cannot resolve them from the text).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.ingest.chunking import chunk_report  # noqa: E402
from rag.ingest.cleaning import clean_text  # noqa: E402
from rag.ingest.metadata import extract_metadata  # noqa: E402
from rag.ingest.places import gazetteer  # noqa: E402

# Characters for made-up place names: common in real names, so the names look plausible, but the pairs
# below are checked against the gazetteer so none is a real place.
_NAME_CHARS = "甲乙丙丁戊己庚辛壬癸金木水火土东西南北中青白丹云松柏桃李梅兰竹菊江河湖海山川石泉"
_SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
_GIVEN = "建国立新明华伟强军平志红文斌海波宁峰"
_NUM = "一二三四五六七八九十"
_PART_NUMBER = re.compile(rf"^(\s*)[{_NUM}]{{1,3}}、")


def _cn(n: int) -> str:
    """1..99 in Chinese numerals."""
    if n <= 10:
        return _NUM[n - 1]
    tens, ones = divmod(n, 10)
    return (_NUM[tens - 1] if tens > 1 else "") + "十" + (_NUM[ones - 1] if ones else "")


def region_names(count: int) -> list[str]:
    """Distinct made-up region names (甲乙市, 丙丁县 …) that are not real places."""
    gaz = gazetteer()
    names = []
    for a in _NAME_CHARS:
        for b in _NAME_CHARS:
            if a == b or (a + b) in gaz:
                continue
            name = a + b + ("县" if (len(names) % 3 == 2) else "市")
            if name not in gaz:
                names.append(name)
    if len(names) < count:
        raise ValueError(f"only {len(names)} synthetic region names available, {count} asked")
    return names[:count]


def split_report(text: str) -> tuple[list[str], str]:
    """Split a cleaned report into its top-level sections (with headings) and its glossary tail."""
    chunks = chunk_report(text)
    body = [c for c in chunks if c.kind == "body" and c.section and c.section[0] != "开场"]
    if not body:
        return [text], ""
    gloss = [c for c in chunks if c.kind == "glossary"]
    ends: list[tuple[str, int]] = []
    for c in body:
        if ends and ends[-1][0] == c.section[0]:
            ends[-1] = (c.section[0], c.end)
        else:
            ends.append((c.section[0], c.end))
    lead = [c for c in chunks if c.kind == "header" or (c.section and c.section[0] == "开场")]
    start = max((c.end for c in lead), default=0)
    parts = []
    for _, end in ends:
        parts.append(text[start:end].strip("\n"))
        start = end
    if gloss:  # the glossary (with its heading) stays last
        return parts, text[start:].strip("\n")
    parts[-1] = (parts[-1] + text[start:]).strip("\n")
    return parts, ""


def _renumber(part: str, position: int) -> str:
    """Give a top-level section heading its new number (三、… → 一、…)."""
    return _PART_NUMBER.sub(lambda m: f"{m.group(1)}{_cn(position)}、", part, count=1)


def synthetic_report(source: str, region: str, rng: random.Random) -> str:
    """A report naming region, made of the source report's sections in a shuffled order."""
    meta = extract_metadata(source)
    year = meta.year or meta.plan_year or 2023
    parts, tail = split_report(source)
    order = list(range(len(parts)))
    rng.shuffle(order)
    body = "\n\n".join(_renumber(parts[i], pos) for pos, i in enumerate(order, 1))
    post = "县长" if region.endswith("县") else "市长"
    speaker = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)
    header = (
        f"{region}{year}年政府工作报告\n\n"
        f"——{year}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日在{region}第{_cn(rng.randint(10, 18))}届"
        f"人民代表大会第{_cn(rng.randint(1, 5))}次会议上\n\n"
        f"{region}人民政府{post}  {speaker}\n\n"
        "各位代表：\n\n"
        f"现在，我代表{region}人民政府向大会报告工作，请予审议，并请政协委员和其他列席人员提出意见。\n\n"
    )
    return header + body + ("\n\n" + tail if tail else "") + "\n"


def make_corpus(size: int, out: Path, corpus: Path = ROOT / "corpus", seed: int = 7) -> Path:
    """Write the real reports and size - len(real) synthetic ones into out; return out."""
    real = sorted(corpus.glob("*.txt"))
    if size < len(real):
        raise ValueError(f"size must be at least the {len(real)} real reports")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for path in real:
        shutil.copy(path, out / path.name)
    sources = [(p.stem, clean_text(p.read_text(encoding="utf-8"))) for p in real]
    regions = region_names(size - len(real))
    manifest = {}
    for i, region in enumerate(regions, 1):
        stem, text = sources[(i - 1) % len(sources)]
        name = f"syn_{i:04d}"
        (out / f"{name}.txt").write_text(synthetic_report(text, region, random.Random(seed * 100_003 + i)),
                                         encoding="utf-8")
        manifest[name] = {"region": region, "source": stem}
    (out / "regions.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, required=True, help="total number of reports, real ones included")
    parser.add_argument("--out", type=Path, help="output folder (default data/scale/<size>)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    out = make_corpus(args.size, args.out or ROOT / "data" / "scale" / str(args.size), seed=args.seed)
    print(f"wrote {args.size} reports to {out}")


if __name__ == "__main__":
    main()
