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

from app.answer.vocabulary import words
from ingest.script import HANGUL_SYLLABLES, is_hangul

# Word lists: app/answer/data/stopwords.yaml.
STOPWORDS_EN = frozenset(words("stopwords", "english"))
# Words that only shape a question ("how long", "what is"): never content to match.
QUESTION_WORDS_EN = frozenset(words("stopwords", "question_en"))
QUESTION_WORDS_KO = frozenset(words("stopwords", "question_ko") + words("stopwords", "question_ko_stems"))
_KO_SUFFIXES = tuple(sorted(words("stopwords", "korean_endings"), key=len, reverse=True))
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
