"""The document a question names (app.answer.rules.named): a source named by its kind ("the interview", "경축사") or by two words
of its name ("State Department") is answered from; a topic word that happens to be in one title is no name."""

from __future__ import annotations

from app.answer.rules.named import document_name, index_names, named_documents
from app.answer.tokens import Tokenizer

TOKENS = Tokenizer().tokens


class _Doc:
    def __init__(self, doc_id: str, title: str, source: str) -> None:
        self.doc_id, self.title, self.source = doc_id, title, source


NAMES = index_names(
    [
        _Doc("briefing", "Department Press Briefing", "docs/state-department-press-briefing-2024-03-28.txt"),
        _Doc("interview", "Five Questions on the North Korea–Russia Treaty", "interview-dprk-russia-treaty.html"),
        _Doc("panel", "Letter dated 8 September 2023 from the Panel of Experts", "poe-midterm-report-2023.txt"),
        _Doc("address", "제79주년 광복절 경축사", "liberation-day-address-2024.txt"),
        _Doc("statute", "남북한 감염병 공동대응 협력에 관한 법률", "inter-korean-act.txt"),
    ],
    TOKENS,
)


def _retrieved(**texts: str) -> dict[str, set[str]]:
    return {doc: set(TOKENS(text)) for doc, text in texts.items()}


def test_a_document_name_is_its_title_and_file_name():
    assert (
        document_name("Department Press Briefing", "a/state-department_briefing.txt")
        == "Department Press Briefing state department briefing"
    )


def test_a_source_named_by_two_words_or_by_its_kind():
    retrieved = _retrieved(briefing="Russia vetoed the draft.", interview="More than 13,000 containers were shipped.")
    q = TOKENS("According to the State Department spokesperson, how many containers were shipped?", question=True)
    assert named_documents(q, NAMES, retrieved) == {"briefing"}
    q = TOKENS("How many soldiers were sent, according to the interview?", question=True)
    assert named_documents(q, NAMES, retrieved) == {"interview"}
    q = TOKENS("광복절 경축사에서 제안된 대화협의체는 몇 명으로 구성되나?", question=True)
    assert named_documents(
        q, NAMES, _retrieved(address="대화협의체 설치를 제안합니다.", statute="위원회는 20명 이내")
    ) == {"address"}


def test_topic_words_and_shared_words_name_nothing():
    retrieved = _retrieved(interview="Troops were sent.", panel="The Panel reported 43 deliveries to the DPRK.")
    # "North" is in one title only, but it is the question's topic, not a source
    assert (
        named_documents(TOKENS("How many North Korean troops went to Russia?", question=True), NAMES, retrieved)
        == set()
    )
    # "panel" is in the Panel's name but also in another retrieved passage: it tells no source apart
    retrieved = _retrieved(briefing="The Panel of Experts mandate ends.", panel="The Panel's report.")
    assert named_documents(TOKENS("What did the Panel find?", question=True), NAMES, retrieved) == set()
    # … while "the Panel report" names the report by its kind
    assert named_documents(TOKENS("When does the Panel report?", question=True), NAMES, retrieved) == {"panel"}
    # a named document that was not retrieved is no help
    assert (
        named_documents(TOKENS("What did the interview say?", question=True), NAMES, _retrieved(briefing="x")) == set()
    )
