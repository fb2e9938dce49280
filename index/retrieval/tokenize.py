"""Language-aware tokenisation for BM25.

English (and any non-Hangul text): lowercase, words of two or more characters, bm25s's English stopword list,
Snowball stemming (PyStemmer). Korean: kiwipiepy morphemes, keeping content morphemes only (nouns, verb and
adjective stems, roots, numerals, foreign words) and dropping particles and endings, so 기금의 / 기금은 / 기금을
all become 기금; long compound nouns also give their two-syllable pieces (남북협력기금 → ... 협력, 기금). A text that contains Hangul goes through Kiwi as a whole; the Latin words Kiwi finds in it
(tag SL) are normalised like English, so mixed Korean/English chunks match queries in either script.

Kiwi takes about two seconds to load, so one `LexicalTokenizer` owns one Kiwi instance, created on first use.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from ingest.script import HANGUL_LETTERS, HANGUL_WORD

logger = logging.getLogger(__name__)

# Bump when the token stream for the same text -- or the BM25 state built from it -- changes: an index saved by
# another version is re-tokenised (and its BM25 rebuilt) once, at its next open. lex-4: neighbour-window BM25, k1 0.9, b 0.5.
TOKENIZER_VERSION = "policyqa-lex-4"

_HANGUL = re.compile(f"[{HANGUL_LETTERS}]")
_ALL_HANGUL = HANGUL_WORD
_WORD = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS = frozenset(STOPWORDS_EN)

# Kiwi (Sejong-style) tags kept as content morphemes.
KOREAN_CONTENT_TAGS = frozenset(
    {
        "NNG",  # common noun
        "NNP",  # proper noun
        "NNB",  # bound noun (조 in 제17조, 호, 항)
        "NR",  # numeral
        "VV",  # verb stem
        "VA",  # adjective stem
        "XR",  # root
        "SN",  # number
        "SL",  # foreign (Latin) word
        "SH",  # hanja
    }
)


def has_hangul(text: str) -> bool:
    return _HANGUL.search(text) is not None


def compound_pieces(noun: str) -> list[str]:
    """Overlapping two-syllable pieces of a long Hangul noun. Kiwi keeps compounds such as 남북협력기금 or
    한국수출입은행 whole, so a query for 기금 or 수출 would miss them; the pieces (남북, 북협, 협력, 력기, 기금)
    let BM25 match the parts (the odd cross-boundary pieces are rare, hence low-weight, tokens)."""
    if len(noun) < 4 or not _ALL_HANGUL.fullmatch(noun):
        return []
    return [noun[i : i + 2] for i in range(len(noun) - 1)]


class LexicalTokenizer:
    """Turns texts into BM25 tokens. Owns a lazily created Kiwi analyser (not a global)."""

    version = TOKENIZER_VERSION

    def __init__(self, *, kiwi_workers: int = 1) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        self._kiwi: Any = None
        self._kiwi_workers = kiwi_workers

    @property
    def kiwi(self) -> Any:
        if self._kiwi is None:
            from kiwipiepy import Kiwi

            logger.debug("loading the Kiwi Korean analyser")
            # without the typo and multi-word dictionaries Kiwi loads in ~2.4 s instead of ~7 s here, and BM25
            # needs neither (no typo correction of statutes; multi-word entries would hide their content nouns)
            self._kiwi = Kiwi(num_workers=self._kiwi_workers, load_typo_dict=False, load_multi_dict=False)
        return self._kiwi

    def english(self, text: str) -> list[str]:
        words = [w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]
        return self._stemmer.stemWords(words)

    def _from_morphemes(self, morphemes: Iterable[Any]) -> list[str]:
        out: list[str] = []
        for m in morphemes:
            if m.tag not in KOREAN_CONTENT_TAGS:
                continue
            if m.tag == "SL":
                out.extend(self.english(m.form))
            else:
                out.append(m.form.lower())
                if m.tag in ("NNG", "NNP"):
                    out.extend(compound_pieces(m.form))
        return out

    def tokenize(self, text: str) -> list[str]:
        if not has_hangul(text):
            return self.english(text)
        return self._from_morphemes(self.kiwi.tokenize(text))

    def tokenize_many(self, texts: list[str]) -> list[list[str]]:
        """Tokenise a batch; Korean texts go to Kiwi together (faster than one by one)."""
        result: list[list[str]] = [[] for _ in texts]
        korean: list[int] = []
        for i, t in enumerate(texts):
            if has_hangul(t):
                korean.append(i)
            else:
                result[i] = self.english(t)
        if korean:
            analysed: Iterator[Any] = self.kiwi.tokenize([texts[i] for i in korean])
            for i, morphemes in zip(korean, analysed):
                result[i] = self._from_morphemes(morphemes)
        return result
