"""政策体检 for one enterprise: the matching engine's results, grouped the way a user reads them.

- eligible (可享受): with the amount;
- near-miss (差一点): ineligible, with the smallest change that would unlock the measure;
- undetermined (待确认): with the facts to supply (editable in place);
- the rest (不适用 / 不符合) counted and listed compactly.

Results are memoized per (USCC, profile revision, as-of date): a re-check after an edit is a
new key, and repeated views (or the API under load) do not re-run the engine. The web (pages,
API, its memoized fast path) and the CLI both call this module.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, TypeVar

import orjson

from zhida.matching.match import load_default_policies, match_enterprise
from zhida.matching.report import report_bytes, summary_json
from zhida.rules.totals import LABEL_ZH, totals_rows
from zhida.enterprises.fact_edit import field_for
from zhida.rules.vocabulary import APPLICATION_ZH, PERIOD_ZH
from zhida.rules.vocabulary import MATCH_STATUS_ZH as STATUS_ZH

CACHE_SIZE = 4096
# The page's sections, in order; every result is in exactly one (the summary chips count these).
GROUPS = ("eligible", "near_miss", "undetermined", "ineligible", "not_applicable")
# Which reasons explain a result next to it: the conditions met (可享受), failed (不符合, 差一点,
# 不适用: the jurisdiction or beneficiary that excludes it) or undecided (待确认).
WHY_OUTCOMES = {"eligible": (True,), "ineligible": (False,), "undetermined": (None,), "not_applicable": (False, None)}
T = TypeVar("T")


class CheckedEnterprise(Protocol):
    """What a checkup needs of a stored enterprise (the web's StoredEnterprise is one)."""

    uscc: str
    revision: str
    profile: Any  # EnterpriseProfile

    def summary(self) -> dict[str, Any]: ...


@dataclass
class Unstored:
    """A profile checked as it is (the CLI: a .json file or a stored profile read directly)."""

    given: Any  # EnterpriseProfile

    @property
    def profile(self):
        return self.given

    @property
    def uscc(self) -> str:
        return self.profile.uscc

    @property
    def revision(self) -> str:
        return hashlib.sha256(self.profile.to_json().encode()).hexdigest()[:16]

    def summary(self) -> dict[str, Any]:
        return {"uscc": self.profile.uscc, "name": getattr(self.profile, "name", None)}


@dataclass
class Checkup:
    """One memoized checkup. It keeps the serialized report and its summary, little else: every
    container object a memoized checkup keeps is scanned by each of Python's full garbage
    collections (the report as objects was ~4,000 of them; with a few hundred checkups memoized,
    each full collection took ~0.3 s). The report as objects and the groups a page shows are
    parsed again from the bytes when a page or an export asks, and kept for the last few only."""

    enterprise: CheckedEnterprise
    as_of: date
    report_bytes: bytes  # docs/match-json.md, serialized once (orjson: compact UTF-8, keys in order)
    summary: dict[str, Any]
    _prepared: Any = field(default=None, repr=False)

    def prepared(self, make: Callable[[bytes], T]) -> T:
        """``make(report_bytes)`` once per memoized checkup, never per request (the web's HTTP
        representations: gzip and ETags). Not a cached_property: on Python 3.11 that takes one
        lock shared by every instance."""
        if self._prepared is None:  # two threads may both prepare it: the same bytes
            self._prepared = make(self.report_bytes)
        return self._prepared

    @property
    def report(self) -> dict[str, Any]:
        return self._expanded()[0]

    @property
    def groups(self) -> dict[str, list[dict[str, Any]]]:
        return self._expanded()[1]

    @property
    def totals_rows(self) -> list[dict[str, Any]]:
        """The money split (确定可得 / 最高可达 / 减免·抵扣·递延 / 待认定 …) as the page, XLSX and PDF show it."""
        return totals_rows(self.summary["totals"])

    @property
    def counts(self) -> dict[str, int]:
        """Results per section (GROUPS): what the summary chips show, so chips and sections agree."""
        return {g: len(self.groups[g]) for g in GROUPS}

    @property
    def missing_facts(self) -> list[dict[str, Any]]:
        return self._expanded()[2]

    def _expanded(self) -> tuple[dict, dict, list]:
        with _EXPANDED_LOCK:
            found = _EXPANDED.get(id(self))
            if found is not None and found[0] is self:
                _EXPANDED.move_to_end(id(self))
                return found[1]
        report = orjson.loads(self.report_bytes)
        value = (report, _groups(report["results"]), _missing_facts(report["results"]))
        with _EXPANDED_LOCK:
            _EXPANDED[id(self)] = (self, value)
            while len(_EXPANDED) > EXPANDED_SIZE:
                _EXPANDED.popitem(last=False)
        return value


EXPANDED_SIZE = 16  # checkups whose parsed report a page or export used last
_EXPANDED: OrderedDict[int, tuple[Checkup, tuple]] = OrderedDict()
_EXPANDED_LOCK = threading.Lock()


class CheckupCache:
    def __init__(self, size: int = CACHE_SIZE):
        self._items: OrderedDict[tuple, Checkup] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size
        self._computing: dict[tuple, threading.Lock] = {}  # key → lock held while it is computed

    def get_or_compute(self, key: tuple, compute: Callable[[], Checkup]) -> Checkup:
        """The memoized checkup, computed once however many requests ask for it at the same time."""
        if (found := self.get(key)) is not None:
            return found
        with self._lock:
            lock = self._computing.setdefault(key, threading.Lock())
        with lock:  # the first caller computes; the others wait here, then find it memoized
            try:
                if (found := self.get(key)) is not None:
                    return found
                value = compute()
                self.put(key, value)
                return value
            finally:
                with self._lock:
                    self._computing.pop(key, None)

    def get(self, key: tuple) -> Checkup | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple, value: Checkup) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def run(enterprise: CheckedEnterprise, as_of: date, cache: CheckupCache | None = None,
        explain: bool = True) -> Checkup:
    """The checkup of ``enterprise`` on ``as_of``; ``explain=False``: the brief one (statuses, amounts,
    missing facts, sources; no reasons or near-misses — docs/match-json.md), memoized apart."""
    key = memo_key(enterprise.uscc, enterprise.revision, as_of, explain)
    if cache is None:
        return _compute(enterprise, as_of, explain)
    return cache.get_or_compute(key, lambda: _compute(enterprise, as_of, explain))


def memo_key(uscc: str, revision: str, as_of: date, explain: bool = True) -> tuple:
    return (uscc, revision, as_of) if explain else (uscc, revision, as_of, "brief")


# Engine runs at once per process. The engine is pure Python (CPU-bound under the GIL): a second
# concurrent run finishes no sooner, but every extra running thread delays the event loop's turn
# for the GIL (answers from the memo waited ~0.2 s behind 40 computing threads), and under
# processor sharing all queued checkups finish late instead of the first ones early.
ENGINE_SLOTS = threading.BoundedSemaphore(1)


def _compute(enterprise: CheckedEnterprise, as_of: date, explain: bool = True) -> Checkup:
    policies = load_default_policies()
    with ENGINE_SLOTS:
        results = match_enterprise(enterprise.profile, as_of, policies=policies, explain=explain)
        # orjson: ~10x faster than json.dumps on a 230 KB report, the same bytes except that floats
        # below 1e-4 are written without an exponent (5e-05 → 0.00005; the same JSON number).
        report = report_bytes(results, as_of, policies, enterprise=enterprise.summary())
    enterprise.__dict__.pop("profile", None)  # the validated model: re-validated if a page shows it
    return Checkup(enterprise, as_of, report, summary_json(results))


def _view(result: dict[str, Any]) -> dict[str, Any]:
    return {**result, "status_zh": STATUS_ZH[result["status"]], "period_zh": PERIOD_ZH.get(result["period"], ""),
            "application_zh": APPLICATION_ZH.get(result["application"], result["application"]),
            "unlock": [n["text"] for n in result["near_miss"] if n.get("text")],
            "counted_zh": LABEL_ZH.get(result.get("counted_as") or "", ""),
            "why": [x["text"] for x in result["reasons"] if x["outcome"] in WHY_OUTCOMES[result["status"]]]}


def _groups(results: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {g: [] for g in GROUPS}
    for r in results:
        view = _view(r)
        if r["status"] == "ineligible" and view["unlock"]:
            groups["near_miss"].append(view)
        else:
            groups[r["status"]].append(view)
    # Most valuable first: eligible by amount (unknown last), others by title.
    groups["eligible"].sort(key=lambda v: (v["period"] != "in_force", -Decimal(v["amount"]["value"] or 0)))
    return groups


def _missing_facts(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each fact an undetermined result waits for, once, with the measures it would decide."""
    facts: dict[str, dict[str, Any]] = {}
    for r in results:
        if r["status"] != "undetermined":
            continue
        for m in r["missing"]:
            entry = facts.get(m["fact"])
            if entry is None:
                form = field_for(m["fact"])
                entry = facts[m["fact"]] = {"fact": m["fact"], "label": m["label"], "field": form, "measures": []}
            entry["measures"].append({"id": r["measure_id"], "title": r["title"]})
    # The facts that unblock the most measures first; then the editable ones.
    return sorted(facts.values(), key=lambda f: (f["field"] is None, -len(f["measures"]), f["label"]))
