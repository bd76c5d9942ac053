"""Make corpus/ from ../shared/seeds/: one raw file per report (the ten-report file split in ten)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
OUT = Path(__file__).resolve().parents[1] / "corpus"
SINGLE = {"000_e7833f34afa2f3f1.txt": "000_yima.txt", "001_0eeec7f8ed086773.txt": "001_houma.txt",
          "002_a998f81fd545e145.txt": "002_yuncheng_abstract.txt", "004_bddc84386e9e697e.txt": "004_jiefang.txt"}
MULTI = ("003_88e7c62cb5127eba.txt", ["xianyang", "dongli", "tianmen", "jizhou", "qinghai", "chenzhou",
                                      "hebei", "xiamen", "xiangyang", "liaoning"])


def split_multi(raw: str) -> list[str]:
    """Split a file of '-', title line, one long report line, date line blocks; keep each block raw."""
    lines = raw.split("\n")
    blocks, i = [], 0
    while i < len(lines):
        if lines[i] == "-" and i + 2 < len(lines) and len(lines[i + 2]) > 1000:
            blocks.append("\n".join(lines[i:i + 4]) + "\n")
            i += 4
        else:
            i += 1
    return blocks


def main() -> int:
    """Write the corpus files."""
    OUT.mkdir(exist_ok=True)
    for src, dst in SINGLE.items():
        shutil.copyfile(SEEDS / src, OUT / dst)
    blocks = split_multi((SEEDS / MULTI[0]).read_text(encoding="utf-8"))
    if len(blocks) != len(MULTI[1]):
        print(f"expected {len(MULTI[1])} reports in {MULTI[0]}, found {len(blocks)}", file=sys.stderr)
        return 1
    for n, (block, name) in enumerate(zip(blocks, MULTI[1]), 1):
        (OUT / f"003-{n:02d}_{name}.txt").write_text(block, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
