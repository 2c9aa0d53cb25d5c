"""政策体检 for one enterprise: the matching engine's results, grouped the way a user reads them.

- eligible (可享受): with the amount;
- near-miss (差一点): ineligible, with the smallest change that would unlock the measure;
- undetermined (待确认): with the facts to supply (editable in place);
- the rest (不适用 / 不符合) counted and listed compactly.

Results are memoized per (USCC, profile revision, as-of date): a re-check after an edit is a
new key, and repeated views (or the API under load) do not re-run the engine.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from decimal import Decimal
from typing import Any

from zhida.matching.match import MatchResult, load_default_policies, match_enterprise
from zhida.matching.report import report_json
from zhida.web.enterprise_data import StoredEnterprise
from zhida.web.fact_edit import field_for

STATUS_ZH = {"eligible": "可享受", "undetermined": "待确认", "ineligible": "不符合", "not_applicable": "不适用"}
PERIOD_ZH = {"in_force": "有效期内", "expired": "已过期", "not_yet_effective": "尚未生效"}
APPLICATION_ZH = {"免申即享": "免申即享", "申报": "需申报", "unknown": "申报方式未明确"}
CACHE_SIZE = 4096


@dataclass
class Checkup:
    enterprise: StoredEnterprise
    as_of: date
    results: list[MatchResult]
    report: dict[str, Any]  # docs/match-json.md shape
    report_bytes: bytes  # the same, serialized once (the API sends it as is)
    groups: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    missing_facts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, Any]:
        return self.report["summary"]

    @cached_property
    def report_gzip(self) -> bytes:
        # Compressed once per memoized checkup (~10x smaller), never per request.
        return gzip.compress(self.report_bytes, compresslevel=6, mtime=0)


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


def run(enterprise: StoredEnterprise, as_of: date, cache: CheckupCache | None = None) -> Checkup:
    key = (enterprise.uscc, enterprise.revision, as_of)
    if cache is None:
        return _compute(enterprise, as_of)
    return cache.get_or_compute(key, lambda: _compute(enterprise, as_of))


def _compute(enterprise: StoredEnterprise, as_of: date) -> Checkup:
    policies = load_default_policies()
    results = match_enterprise(enterprise.profile, as_of, policies=policies)
    report = report_json(results, as_of, policies, enterprise=enterprise.summary())
    checkup = Checkup(enterprise, as_of, results, report,
                      json.dumps(report, ensure_ascii=False, separators=(",", ":")).encode())
    checkup.groups = _groups(report["results"])
    checkup.missing_facts = _missing_facts(report["results"])
    return checkup


def _view(result: dict[str, Any]) -> dict[str, Any]:
    return {**result, "status_zh": STATUS_ZH[result["status"]], "period_zh": PERIOD_ZH.get(result["period"], ""),
            "application_zh": APPLICATION_ZH.get(result["application"], result["application"]),
            "unlock": [n["text"] for n in result["near_miss"] if n.get("text")]}


def _groups(results: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {"eligible": [], "near_miss": [], "undetermined": [],
                                                 "ineligible": [], "not_applicable": []}
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
