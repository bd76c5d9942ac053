"""The catalogue of held reports: what query understanding matches against, and what a refusal names as nearby."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["ReportInfo", "Holding", "Catalogue"]


@dataclass(frozen=True)
class ReportInfo:
    """What query understanding needs to know about one held report."""

    doc_id: str
    region: str
    aliases: tuple[str, ...]
    year: int | None
    plan_year: int | None
    review_year: int | None
    level: str = ""
    title: str = ""
    flagged: bool = False  # ingest judged it may not be a report (a news article about one): used only when named

    def covers(self, year: int) -> bool:
        """True if the report states targets or results for that year."""
        return year in {self.year, self.plan_year, self.review_year}

    def named_at(self, text: str) -> int:
        """Where text first names this report's region (by any of its names); -1 if it does not."""
        return min((i for a in (self.region, *self.aliases) if a and (i := text.find(a)) >= 0), default=-1)


@dataclass(frozen=True)
class Holding:
    """A held report named in a refusal because it is close to what was asked."""

    doc_id: str
    region: str
    year: int | None
    title: str
    why: str  # 'same region' | 'same year'

    def label(self) -> str:
        """'河北省（2023年）', or the region alone when its year is unknown."""
        return f"{self.region}（{self.year}年）" if self.year else self.region


class Catalogue:
    """Every held report's region, aliases and years."""

    def __init__(self, reports: Sequence[ReportInfo]) -> None:
        self.reports = list(reports)

    @classmethod
    def from_documents(cls, metas: Iterable[tuple[str, Mapping[str, Any]]]) -> Catalogue:
        """Build from (doc_id, metadata) pairs as the index stores them."""
        return cls([ReportInfo(doc_id, str(m.get("region") or ""), tuple(m.get("aliases") or ()), m.get("year"),
                               m.get("plan_year"), m.get("review_year"), str(m.get("level") or ""), str(m.get("title") or ""),
                               bool(m.get("not_a_report")))
                    for doc_id, m in metas])

    def __len__(self) -> int:
        return len(self.reports)

    def by_id(self, doc_id: str) -> ReportInfo | None:
        """The report with this id, if held."""
        return next((r for r in self.reports if r.doc_id == doc_id), None)

    def doc_ids(self, regions: Sequence[str] | None = None, years: Sequence[int] | None = None) -> list[str]:
        """Ids of the reports of some regions and covering some years (None: any)."""
        out = []
        for r in self.reports:
            if regions and r.region not in regions:
                continue
            if years and not any(r.covers(int(y)) for y in years):
                continue
            out.append(r.doc_id)
        return out

    def nearby(self, regions: Sequence[str], years: Sequence[int], limit: int = 6) -> list[Holding]:
        """Held reports close to a question: its regions in other years, then its years in other regions.

        Never the whole library: a question that names neither a held region nor a year gets nothing.
        """
        out: list[Holding] = []
        seen: set[str] = set()

        def add(r: ReportInfo, why: str) -> None:
            if r.doc_id not in seen and len(out) < limit:
                seen.add(r.doc_id)
                out.append(Holding(r.doc_id, r.region or "（地区不详）", r.plan_year or r.year, r.title, why))

        for r in sorted((r for r in self.reports if r.region in regions), key=lambda r: -(r.plan_year or r.year or 0)):
            add(r, "same region")
        for r in sorted((r for r in self.reports if years and any(r.covers(y) for y in years) and r.region not in regions),
                        key=lambda r: (r.level, r.region)):
            add(r, "same year")
        return out
