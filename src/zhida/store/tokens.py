"""Character bigrams: how Chinese text is indexed and queried without a word segmenter.

Chinese has no spaces, and a dictionary segmenter would miss policy jargon (专精特新, 首台套).
Indexing every overlapping pair of characters makes any query of 2+ characters an exact
substring match: "数字化转型" is the phrase 数字 字化 化转 转型 (adjacent bigrams).
Runs of letters/digits/CJK are split at punctuation and spaces; ASCII is lowercased.
Each run also ends with its last character as a unigram, so every character occurrence
starts some token: a 1-character query is the tokens starting with it (``税收``, ``税务``, ``税``…).
"""

from __future__ import annotations

# CAUTION: the search index stores these tokens; changing token_stream() or suffix_tokens()
# needs search_index.FORMAT bumped, so existing indexes are rebuilt.

import re
from functools import lru_cache
from operator import add

import opencc

WORD_RUN = re.compile(r"[^\W_]+")  # letters, digits and CJK; punctuation/underscore split runs


def runs(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group().lower()) for m in WORD_RUN.finditer(text)]


def bigrams(run: str) -> list[str]:
    """The query side: a term of 2+ characters is the phrase of its adjacent bigrams."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def token_stream(text: str) -> list[str]:
    """The index side: all tokens of ``text`` in order (positions are list indexes)."""
    tokens: list[str] = []
    for match in WORD_RUN.finditer(text):
        run = match.group().lower()
        if len(run) > 1:
            tokens.extend(map(add, run[:-1], run[1:]))  # the adjacent pairs, built in C
        tokens.append(run[-1])  # the run's last character (or a lone one, e.g. 对 between commas)
    return tokens


def suffix_tokens(names: str) -> list[str]:
    """Every suffix of every run of ``names`` ("|市财政局|…|"): a substring of a name is then the
    prefix query ``财政.*``, answered from the term dictionary. Used for the unit and
    beneficiary filter fields, where a bigram phrase over common tokens would be slow."""
    return [run[i:] for _, run in runs(names) for i in range(len(run))]


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def simplified_forms(term: str) -> list[str]:
    """The term as typed plus its simplified forms (character-level t2s and Taiwan-phrase tw2sp).

    Clauses are indexed by their ``normalized`` (simplified) text; trying both conversions
    means 網際網路 finds 互联网 as well as 网际网路, whichever the parser produced.
    """
    forms = [term.lower()]
    for config in ("t2s", "tw2sp"):
        converted = _converter(config).convert(term).lower()
        if converted not in forms:
            forms.append(converted)
    return forms


def query_terms(query: str) -> list[str]:
    """Split a query into AND-ed terms: at whitespace and at punctuation (bigrams never span it)."""
    return [run for _, run in runs(query)]
