"""Paraphrase groups of policy language for lexical matching in the answer engine (pure functions).

Questions rarely use the words of the provision they ask about: "When did the treaty take effect?" is answered by
"… entered into force on December 4, 2024", "How often must the minister report?" by "… shall report annually",
"an interim report" by "a midterm report". Stemming does not join these. Each group below names one meaning and
the phrases (English and Korean) that say it; matching then works on the meaning:

- `canonical_question(q)` replaces each phrase of a group in the question by the group's token (so "come into
  force" counts as one matched idea, not three words of which two are missing);
- `with_meanings(text)` appends the tokens of the groups a sentence or passage states (its own words stay);
- `expanded_query(q)` adds to the answer engine's retrieval query the words documents use for a few of its
  meanings ("come into force" → "effective"), since lexical retrieval matches words (session 5, dev sets: 3 more
  answers right, 1 lost; the `search` API is not expanded).

The token is an ASCII pseudo-word (`zzeffective`), kept by both tokenizers (a Korean text's Latin words are
tokenized as English), so a Korean sentence with "시행" also matches an English question saying "take effect".
Only phrases that mean the same in legal and policy texts are grouped: "end", "return" or "sanction" say too many
things to stand for "expire", "repatriate" or "designate", and a waiver (a government's) is not an exemption (the
Security Council committee's).
"""

from __future__ import annotations

import re

from ingest.script import HANGUL as _HANGUL

_GROUPS: dict[str, str] = {
    "effective": r"\b(?:takes?|took|taken|taking) effect\b|\b(?:enter|enters|entered|entering|come|comes|came|coming)"
    r" into (?:force|effect)\b|\bentry into (?:force|effect)\b|\beffective\b|\bin force\b|시행(?!령|규칙)|발효",
    "expire": r"\b(?:expir(?:e|es|ed|ing|y|ation)|laps(?:e|es|ed|ing)|sunsets?|terminat(?:e|es|ed|ion))\b|만료|소멸",
    "interim": r"\b(?:interim|midterm|mid-term)\b|중간보고",
    "annual": r"\b(?:annual(?:ly)?|yearly|per year|a year|each year|every year|per annum|(?:twelve|12)[- ]month)\b"
    r"|매년|연간|해마다",
    "ceiling": r"\b(?:ceilings?|caps?|capped|upper limits?|limits?|maximum|up to|not to exceed|no more than|"
    r"not more than|at most)\b|상한|한도|최대",
    "prohibit": r"\b(?:prohibit(?:s|ed|ing|ion|ions)?|ban|bans|banned|banning|forbid(?:s|den|ding)?)\b|금지",
    "repatriate": r"\b(?:repatriat(?:e|es|ed|ing|ion)|sen[dt](?:ing|s)? (?:\w+ )?home|return(?:ed|ing|s)? home)\b|송환",
    "pledge": r"\b(?:promis(?:e|es|ed|ing)|pledg(?:e|es|ed|ing)|commit(?:s|ted|ting|ment|ments)?|agree(?:s|d)? to)\b"
    r"|약속|공약",
    "penalty": r"\b(?:penalt(?:y|ies)|punish(?:es|ed|ing|ment|ments|able)?|imprison(?:ed|ment)?|prison terms?|jail)\b"
    r"|처벌|형량|징역|벌금|과태료",
    "chair": r"\b(?:chair(?:man|woman|person|s)?|presid(?:e|es|ed|ing) over)\b|위원장|의장",
    "operate": r"\b(?:operat(?:e|es|ed|ing|ion|ional|ionalize|ionalized)|up and running|running|in operation)\b"
    r"|운영|가동",
    "deadline": r"\b(?:deadlines?|no later than|time limits?)\b|시한|기한",
    "establish": r"\b(?:establish(?:es|ed|ing|ment)?|set(?:s|ting)? up|creat(?:e|es|ed|ing|ion))\b|설치|설립|신설",
    "repeal": r"\b(?:repeal(?:s|ed|ing)?|abolish(?:es|ed|ing)?|rescind(?:s|ed|ing)?|revok(?:e|es|ed|ing))\b|폐지",
    "worker": r"\b(?:workers?|labou?r(?:er|ers)?)\b|노동자|근로자",
    "infotech": r"(?-i:\bIT\b)|\binformation technology\b|\bIT\b(?= (?:workers?|companies|company|industry|sector))",
}
# The same idea across languages: an English question about a Korean statute ("Which article requires a yearly
# report to the National Assembly?") shares no word with "매년 … 국회 … 보고하여야 한다". A glossary of the terms
# of inter-Korean and sanctions law gives both sides one token (dictionary-based cross-language matching).
_GLOSSARY: dict[str, str] = {
    "assembly": r"\bNational Assembly\b|국회",
    "committee": r"\bcommittees?\b|위원회",
    "member": r"\bmembers?\b|위원(?!회|장)",
    "report": r"\breport(?:s|ed|ing)?\b|보고(?!서)",
    "reconsider": r"\breconsider(?:s|ed|ation)?\b|\bre-?examin\w*|재심의|재심사",
    "apply": r"\bappl(?:y|ies|ied|ying|icants?|ications?)\b|신청",
    "compensate": r"\bcompensat\w*|보상",
    "abduct": r"\babduct\w*|납북",
    "defector": r"\bdefectors?\b|\bNorth Korean refugees?\b|북한이탈주민|탈북",
    "separated": r"\b(?:separated|divided) famil\w*|이산가족",
    "infectious": r"\binfectious diseases?\b|\bepidemics?\b|감염병",
    "military": r"\bmilitary\b|군사",
    "hotline": r"\bhotlines?\b|\bdirect (?:telephone |phone )?lines?\b|직통전화",
    "unification": r"\bunification\b|통일",
    "fund": r"\bfunds?\b|기금",
    "basicplan": r"\b(?:basic|master) plans?\b|기본계획",
    "support": r"\bsupport(?:s|ed|ing)?\b|\bassist(?:s|ed|ing|ance)?\b|지원",
    "settle": r"\bsettle(?:s|d|ment)?\b|정착",
    "cooperate": r"\bcooperat\w*|협력",
    "exchange": r"\bexchang\w*|교류",
    "agreement": r"\bagreements?\b|\baccords?\b|합의서|협정",
    "president": r"\bpresident\b|대통령(?!령)",
    "government": r"\bgovernments?\b|정부",
    "information": r"\binformation\b|정보",
    "secret": r"\bsecrets?\b|\bconfidential\w*|비밀",
    "disclose": r"\bdisclos\w*|\bleak(?:s|ed|ing)?\b|누설",
    "purpose": r"\bpurposes?\b|목적",
    "approve": r"\bapprov\w*|승인",
    "permit": r"\bpermi(?:t|ts|tted|ssion)\b|\bauthori[sz]\w*|허가",
    "organize": r"\bcompos(?:e|ed|es|ition)\b|\bconsists? of\b|구성",
    "visit": r"\bvisit\w*|방문",
    "contact": r"\bcontacts?\b|접촉",
    "educate": r"\beducat\w*|\btraining\b|교육",
    "employ": r"\bemploy\w*|\bjobs?\b|취업|고용",
    "housing": r"\bhousing\b|주거|주택",
    "medical": r"\bmedical\b|\bhealth care\b|의료",
    "protect": r"\bprotect\w*|보호",
    "humanrights": r"\bhuman rights\b|인권",
    "within": r"\bwithin\b|이내",
    "sanction": r"\bsanction\w*|제재",
    "local": r"\blocal governments?\b|지방자치단체",
    "dmz": r"\bdemilitari[sz]ed zone\b|\bDMZ\b|비무장지대",
    "liaison": r"\bliaison offices?\b|연락사무소",
    "register": r"\bregist(?:er|ers|ered|ration|ry)\b|등록",
    "genetic": r"\bgenetic\b|\bDNA\b|유전자",
    "reunion": r"\breunions?\b|상봉",
    "peace": r"\bpeace\w*|평화",
    "economic": r"\beconom\w*|경제",
    "nuclear": r"\bnuclear\b|핵",
    "missile": r"\bmissiles?\b|미사일",
    "minister": r"\bministers?\b|장관",
    "ministry": r"\bministry\b|\bministries\b|부처",
    "delegate": r"\bdelegat\w*|대표",
    "talks": r"\btalks\b|\bdialogue\b|회담|대화",
    "aid": r"\bhumanitarian aid\b|\baid\b|인도적 지원|지원물자",
    "food": r"\bfood\b|식량",
    "fertilizer": r"\bfertili[sz]er\b|비료",
    "budget": r"\bbudgets?\b|예산",
    "execute": r"\bexecution rate\b|\bspent\b|집행",
    "entry": r"\barriv(?:e|ed|als?)\b|\bentered South Korea\b|입국",
}
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("zz" + name, re.compile(pattern, re.IGNORECASE)) for name, pattern in {**_GROUPS, **_GLOSSARY}.items()
]
_GLOSSARY_TOKENS = frozenset("zz" + name for name in _GLOSSARY)


def meanings(text: str) -> list[str]:
    """The tokens of the paraphrase groups `text` states, in group order."""
    return [token for token, pattern in _PATTERNS if pattern.search(text)]


def with_meanings(text: str) -> str:
    """`text` followed by the tokens of the groups it states (its own words are kept)."""
    found = meanings(text)
    return f"{text} {' '.join(found)}" if found else text


def canonical_question(question: str) -> str:
    """The question with each phrase of a group replaced by the group's token. The cross-language glossary serves
    English questions only: a Korean question shares its own words with Korean sentences (cut out of
    "남북협력기금은", its morphemes would be lost; measured: worse)."""
    korean = bool(_HANGUL.search(question))
    for token, pattern in _PATTERNS:
        if not (korean and token in _GLOSSARY_TOKENS):
            question = pattern.sub(f" {token} ", question)
    return question


# The words a document uses for a group's meaning, added to a retrieval query that says it otherwise ("come into
# force" → "effective"): lexical retrieval matches words, not meanings.
_EXPANSIONS: dict[str, str] = {
    "zzeffective": "effective force",
    "zzexpire": "expire terminate",
    "zzinterim": "midterm interim",
    "zzannual": "annually annual",
    "zzceiling": "maximum limit cap",
    "zzprohibit": "prohibit ban",
    "zzrepatriate": "repatriate",
    "zzpledge": "commit pledge agree",
    "zzdeadline": "deadline later",
    "zzestablish": "establish",
    "zzrepeal": "repeal revoke",
}


def expanded_query(question: str) -> str:
    """`question` with the other words its paraphrase groups are said with (`_EXPANSIONS`), for retrieval; English
    questions only (a Korean question's words are matched by their morphemes)."""
    if _HANGUL.search(question):
        return question
    extra = [
        w
        for t in meanings(question)
        if t in _EXPANSIONS
        for w in _EXPANSIONS[t].split()
        if not re.search(rf"\b{w}", question, re.IGNORECASE)
    ]
    return f"{question} {' '.join(dict.fromkeys(extra))}" if extra else question


def is_meaning_token(token: str) -> bool:
    """True for a paraphrase group's token as a tokenizer returns it ("zzeffective" stems to "zzeffect")."""
    return token.startswith("zz")
