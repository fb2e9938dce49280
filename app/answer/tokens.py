"""Content-word tokens for lexical matching in the answer engine (question vs sentence, sentence vs passage).

When the index's `index.retrieval.tokenize.LexicalTokenizer` is given (`lexical=`), its tokens are used (English stemmed
minus stopwords, Korean content morphemes from Kiwi), so answer scoring matches what BM25 matched. Without it:
English lower-cased words minus stopwords, Snowball-stemmed (PyStemmer); Korean a dependency-free fallback, each
Hangul word with common particles/endings stripped, as character bigrams (robust to agglutination).
`question=True` also drops the words that only shape a question ("how long", "무엇"). Numbers are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ingest.script import HANGUL_SYLLABLES, is_hangul

STOPWORDS_EN = frozenset(
    """a an the and or but if then else of to in on at by for with from into onto upon about above below over under
    between among through during before after since until as than so such that this these those there here it its
    is are was were be been being am do does did doing have has had having can could may might must shall should will
    would not no nor only own same too very just also any all both each few more most other some i me my we our you
    your he him his she her they them their what which who whom whose when where why how whether while again further
    once out off up down per via etc s t ve re ll d""".split()
)
# Words that only shape a question ("how long", "what is"): never content to match.
QUESTION_WORDS_EN = frozenset(
    "what which who whom whose when where why how long many much often kind type does do did is are was were "
    "according under tell please".split()
)
QUESTION_WORDS_KO = frozenset("무엇 무슨 어떤 어느 누구 누가 언제 어디 얼마 얼마나 몇 왜 어떻게 경우 있 하".split())
_KO_SUFFIXES = tuple(
    sorted(
        """은 는 이 가 을 를 의 에 에서 에게 께 으로 로 와 과 도 만 까지 부터 이나 나 란 이란 이라 라 이며 며 하고
        한다 하는 하여 하여야 해야 하면 할 한 된다 되는 되어 되며 된 될 이다 입니까 습니까 합니까 인가 인가요 나요 가요
        있다 있는 없다 없는 으로서 로서 으로써 로써 에는 에서는 에게는 으로는 로는 이라는 라는 이라고 라고 마다 씩 들""".split(),
        key=len,
        reverse=True,
    )
)
_WORD = re.compile(rf"[0-9]+(?:[.,][0-9]+)*|[A-Za-z][A-Za-z'’-]*|[{HANGUL_SYLLABLES}]+")


def _strip_korean(word: str) -> str:
    for suffix in _KO_SUFFIXES:
        if len(word) > len(suffix) + 1 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _bigrams(word: str) -> list[str]:
    if len(word) <= 2:
        return [word]
    return [word[i : i + 2] for i in range(len(word) - 1)]


class Tokenizer:
    """`tokens(text)` -> content tokens. `lexical`: the index's tokenizer (anything with `tokenize(text)`), shared
    so Kiwi is loaded once; `stemmer`: anything with `stemWords(list[str])` (PyStemmer) for the fallback."""

    def __init__(self, lexical: Any | None = None, stemmer: Any | None = None) -> None:
        if stemmer is None:
            import Stemmer

            stemmer = Stemmer.Stemmer("english")
        self._stemmer = stemmer
        self._lexical = lexical
        self._question_stems = frozenset(stemmer.stemWords(sorted(QUESTION_WORDS_EN))) | QUESTION_WORDS_KO

    def tokens(self, text: str, *, question: bool = False) -> list[str]:
        if self._lexical is not None:
            toks = [t.lower() for t in self._lexical.tokenize(text)]
            return [t for t in toks if t not in self._question_stems] if question else toks
        return self._fallback(text, question=question)

    def _fallback(self, text: str, *, question: bool) -> list[str]:
        english: list[str] = []
        out: list[str] = []
        korean_text: list[str] = []
        for m in _WORD.finditer(text):
            word = m.group()
            if word[0].isdigit():
                out.append(word.replace(",", ""))
            elif is_hangul(word[0]):
                korean_text.append(word)
            else:
                w = word.lower().replace("’", "'").rstrip("'").removesuffix("'s")
                if w in STOPWORDS_EN or (question and w in QUESTION_WORDS_EN) or len(w) < 2:
                    continue
                english.append(w)
        if english:
            out.extend(self._stemmer.stemWords(english))
        for word in korean_text:
            stem = _strip_korean(word)
            if question and stem in QUESTION_WORDS_KO:
                continue
            out.extend(_bigrams(stem))
        return out


TokenizeFn = Callable[[str], list[str]]
