"""Page furniture dropped from HTML: related-article lists, sidebars, share bars, board navigation (pure)."""

from __future__ import annotations

from ingest.html_text import html_to_text

PAGE = """<html><body><div id="container"><article>
<h1>정부, 북한 IT 인력 관여 개인 5명 독자제재</h1>
<div class="article-body"><p>정부는 10일 개인 5명과 기관 2곳을 독자제재 대상으로 지정했다.</p>
<p class="copyright">김소연 기자 &lt;저작권자 © 한반도경제신문, 무단 전재 및 재배포 금지&gt;</p></div>
<div class="share-box"><a href="#">공유</a></div>
<div class="related-news"><h3>관련 기사</h3><ul><li><a href="/1">미 재무부, 북한 IT 노동자 지원 업체 제재 2025.01.17</a></li></ul></div>
<div class="release-footer-links"><h3>Related</h3>
<ul><li><a href="/2">Treasury Targets DPRK IT Worker Facilitators (January 16, 2025)</a></li></ul></div>
<div class="board-nav"><p>이전글: 남북회담 사료 공개</p><p>다음글: 장관 간담회 개최</p></div>
</article><aside class="sidebar"><p>많이 본 뉴스</p></aside></div></body></html>"""


def test_only_the_article_remains():
    text = html_to_text(PAGE).text
    assert "개인 5명과 기관 2곳" in text
    for furniture in (
        "관련 기사",
        "2025.01.17",
        "Related",
        "January 16, 2025",
        "이전글",
        "공유",
        "저작권자",
        "많이 본",
    ):
        assert furniture not in text, furniture


def test_a_related_heading_inside_the_text_stays_when_no_link_list_follows():
    page = "<html><body><article><h2>Related measures</h2><p>The EU adopted related measures in June.</p></article></body></html>"
    assert "The EU adopted related measures in June." in html_to_text(page).text
