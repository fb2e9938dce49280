"""Hand-built passages and a tiny in-memory retriever for the answer-engine tests (no models, no index)."""

from __future__ import annotations

from index.types import Hit, Passage

SEMINAR = (
    "At the first session of the seminar held on Tuesday at the Westin Chosun in Seoul, Lim Soo Ho, a senior "
    "research fellow at the National Security Strategy Institute, explained that the exemption-and-deferral system "
    "allows certain exceptional activities. Nevertheless, Lim pointed out a crucial clause in the North Korea "
    "Sanctions Enhancement Act, which could be utilized for development cooperation with North Korea. This law "
    "allows for sanctions deferral for humanitarian purposes, ranging from one month to one year. Notably, "
    "promoting democratic and peaceful unification of the Korean Peninsula is classified as a humanitarian objective."
)
WAIVER = (
    "(b) Humanitarian waiver\n\nThe President may waive, for renewable periods of between 30 days and 1 year, the "
    "application of the sanctions authorized under this chapter if the President submits to the appropriate "
    "congressional committees a written determination that the waiver is necessary for humanitarian assistance."
)
FPRI = (
    "On February 27-28, President Trump and Kim Jong-un, North Korea’s leader, will meet in Hanoi. Both need to "
    "bring home concrete results. North Korea is under the strictest sanctions regime it has ever faced."
)
KOREAN = (
    "##### 제5조 (협의회의 구성)\n\n**①** 협의회는 위원장 1명을 포함한 25명 이내의 위원으로 구성한다. <개정 2020.12.8>\n\n"
    "**②** 위원장은 통일부장관이 되며, 협의회의 업무를 총괄한다."
)


def passage(
    chunk_id: str,
    doc_id: str,
    text: str,
    label: str,
    *,
    language: str = "en",
    doc_type: str = "article",
    title: str | None = None,
) -> Passage:
    return Passage(
        chunk_id=chunk_id,
        doc_id=doc_id,
        title=title or doc_id,
        source=f"{doc_id}.md",
        doc_type=doc_type,
        language=language,
        label=label,
        start=0,
        end=len(text),
        text=text,
    )


PASSAGES = [
    passage("seminar#3", "seminar-2025", SEMINAR, "Seminar report, ¶3", title="Seoul seminar report"),
    passage("ch99#40", "22usc_ch99", WAIVER, "22 U.S.C. § 9228(b)", doc_type="law", title="22 U.S.C. ch. 99"),
    passage("fpri#1", "fpri-2019", FPRI, "FPRI article, ¶1", title="FPRI article"),
    passage(
        "kr5#1",
        "kr_exchange_act",
        KOREAN,
        "남북교류협력법 제5조",
        language="ko",
        doc_type="law",
        title="남북교류협력에 관한 법률",
    ),
]


class TinyIndex:
    """Ranks the hand-built passages by shared lowercase words with the query (ties keep list order);
    records the queries it was asked. `embedder` is None: the answer engine runs lexical-only."""

    embedder = None

    def __init__(self, passages: list[Passage] | None = None) -> None:
        self.passages = list(PASSAGES if passages is None else passages)
        self.queries: list[str] = []

    def search(self, query: str, k: int = 10, filters=None, mode: str = "hybrid") -> list[Hit]:
        self.queries.append(query)
        words = set(query.lower().replace("?", " ").split())
        scored = sorted(
            enumerate(self.passages),
            key=lambda ip: (-len(words & set(ip[1].text.lower().split())), ip[0]),
        )
        return [Hit(passage=p, rank=r, score=1.0 / r) for r, (_, p) in enumerate(scored[:k], 1)]
