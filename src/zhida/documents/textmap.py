"""Text that remembers where each character came from.

Cleaning deletes furniture and rejoins words split across page breaks; script
normalization rewrites phrases. Every such edit goes through ``MappedText`` so any
[start, end) of the edited text maps back to ``ParsedDocument.original``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter, sub
from typing import Iterable


# what ends a line: the page break (\f) of PDFs included
LINE_BREAK = re.compile(r"\r\n|\r|\n|\f|\v|\x1c|\x1d|\x1e|\x85|\u2028|\u2029")


@dataclass(frozen=True)
class MappedText:
    text: str
    starts: tuple[int, ...]  # original offset of each character
    ends: tuple[int, ...]  # original end offset of each character (exclusive)

    def __post_init__(self):
        if not (len(self.text) == len(self.starts) == len(self.ends)):
            raise ValueError("MappedText: text and offsets differ in length")

    @classmethod
    def identity(cls, text: str, base: int = 0) -> MappedText:
        return cls(text, tuple(range(base, base + len(text))), tuple(range(base + 1, base + len(text) + 1)))

    @classmethod
    def inserted(cls, text: str, at: int) -> MappedText:
        """Characters with no source of their own (e.g. a paragraph separator) pinned to ``at``."""
        return cls(text, (at,) * len(text), (at,) * len(text))

    @classmethod
    def concat(cls, parts: Iterable[MappedText]) -> MappedText:
        parts = list(parts)
        if len(parts) == 1:
            return parts[0]  # immutable: nothing to copy
        return cls(
            "".join(p.text for p in parts),
            tuple(chain.from_iterable(p.starts for p in parts)),
            tuple(chain.from_iterable(p.ends for p in parts)),
        )

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, key: slice) -> MappedText:
        if not isinstance(key, slice):
            raise TypeError("MappedText supports slicing only")
        return MappedText(self.text[key], self.starts[key], self.ends[key])

    def span(self, start: int = 0, end: int | None = None) -> tuple[int, int]:
        """Original [start, end) covering characters [start, end) of this text."""
        end = len(self.text) if end is None else end
        if start >= end:
            anchor = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return anchor, anchor
        return min(self.starts[start:end]), max(self.ends[start:end])

    def delete(self, spans: Iterable[tuple[int, int]]) -> MappedText:
        """A copy without the characters in ``spans`` (overlaps allowed)."""
        drop = bytearray(len(self.text))
        for a, b in spans:
            drop[max(a, 0) : max(b, 0)] = b"\x01" * (max(b, 0) - max(a, 0))
        keep = [i for i in range(len(self.text)) if not drop[i]]
        return MappedText(
            "".join(self.text[i] for i in keep),
            tuple(self.starts[i] for i in keep),
            tuple(self.ends[i] for i in keep),
        )

    def delete_pattern(self, pattern: re.Pattern[str] | str) -> MappedText:
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        spans = [(m.start(), m.end()) for m in regex.finditer(self.text)]
        return self.delete(spans) if spans else self

    def strip(self, chars: str | None = None) -> MappedText:
        stripped_left = len(self.text) - len(self.text.lstrip(chars))
        end = len(self.text.rstrip(chars))
        if end <= stripped_left:
            return self[0:0]
        return self[stripped_left:end]

    def lines(self) -> list[MappedText]:
        """Split on line breaks (the breaks themselves are dropped)."""
        out, begin = [], 0
        for m in LINE_BREAK.finditer(self.text):
            out.append(self[begin : m.start()])
            begin = m.end()
        out.append(self[begin:])
        return out

    def remap(self, inner: MappedText) -> MappedText:
        """``inner`` has offsets into ``self.text``; return it with offsets into self's original."""
        own_starts, own_ends = self.starts, self.ends
        if not inner.starts:
            return MappedText(inner.text, (), ())
        if list(map(sub, inner.ends, inner.starts)).count(1) == len(inner.starts):
            # one character for one throughout (what conversion nearly always gives): look them up in C
            pick = itemgetter(*inner.starts)
            starts, ends = pick(own_starts), pick(own_ends)
            if len(inner.starts) == 1:
                starts, ends = (starts,), (ends,)
            return MappedText(inner.text, starts, ends)
        starts, ends = [], []
        for s, e in zip(inner.starts, inner.ends):
            if e == s + 1:  # one character for one: the common case, no span to compute
                starts.append(own_starts[s])
                ends.append(own_ends[s])
                continue
            a, b = self.span(s, e) if e > s else self.span(s, s)
            starts.append(a)
            ends.append(b)
        return MappedText(inner.text, tuple(starts), tuple(ends))
