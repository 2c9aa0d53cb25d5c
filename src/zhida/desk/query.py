"""A request's text → weighted search terms (no word segmenter, like the clause index itself).

- every character bigram of the text (weight 1): BM25 over bigrams finds the clauses sharing the
  most (and the rarest) pairs of characters with the request — 留抵退税 finds 留抵 and 退税;
- the 派单目录's keywords found in the text (weight ``KEYWORD``): a known term as a whole phrase;
- the colloquial words of ``data/synonyms.yaml`` found in the text, replaced by the clauses'
  own words (weight ``SYNONYM``): 社保 → 社会保险费, 房租 → 租金.

Bigrams of question words (什么, 怎么, 请问 …) are dropped: they say nothing about the matter.
"""

from __future__ import annotations

from functools import lru_cache

import yaml

from zhida.desk import catalogue
from zhida.desk.units import DATA
from zhida.documents.citation import simplified
from zhida.store.tokens import runs

KEYWORD = 2.0
SYNONYM = 2.0
# Bigrams of the way requests are phrased, not of what they are about.
STOP = frozenset(
    "什么 么时 时候 怎么 么办 请问 问一 一下 我们 我司 们公 公司 司的 咱们 你们 能不 不能 可以 以吗 是否 有没 没有 "
    "哪个 个部 部门 门管 谁管 多久 多长 长时 时间 为什 为何 如何 怎样 知道 想问 想了 了解 咨询 一直 现在 目前 "
    "还没 没到 到底 是不 不是 这个 那个 哪里 需要 要什 么材 吗我 们的 的话 一个 还是 已经 该找".split()
)


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    raw = yaml.safe_load((DATA / "synonyms.yaml").read_text(encoding="utf-8"))
    return {str(key): tuple(str(v) for v in values) for key, values in raw.items()}


def terms(text: str, *, expand: bool = True) -> list[tuple[str, float]]:
    """(term, weight) for ``search_any``: each term once, at its highest weight, in first-seen order.
    ``expand=False``: the bigrams alone (no synonyms, no 派单目录 keywords)."""
    plain = simplified(text)
    weights: dict[str, float] = {}

    def add(term: str, weight: float) -> None:
        term = term.lower()
        if weights.get(term, 0.0) < weight:
            weights[term] = weight

    lowered = plain.lower()
    for word, targets in synonyms().items() if expand else ():
        if word.lower() in lowered:
            for target in targets:
                add(target, SYNONYM)
    for _, keywords in catalogue.matching(plain) if expand else ():
        for keyword in keywords:
            add(keyword, KEYWORD)
    for _, run in runs(plain):
        for i in range(max(1, len(run) - 1)):
            gram = run[i : i + 2]
            if len(gram) == 2 and gram not in STOP:
                add(gram, 1.0)
    return list(weights.items())
