"""Published rules: versioned measures in the store, and the lossless path between them and the
measure files under policies/measures (which stay the reviewed source of truth).

``import_file`` cuts a measure file into its head, one block per measure and its tail — verbatim
text, comments and all — and refuses a file whose blocks do not parse to exactly its measures (so
nothing can be lost silently). A block is stored as a new version only when its text changed.
``export_file`` writes head + the newest block of every measure + tail: a file imported and
exported unchanged is byte-identical. ``publish`` adds a version from a reviewer's YAML, with
``review: {status: reviewed, by: <reviewer>, date: <today>}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import yaml
from sqlalchemy import func, select

from zhida.drafting import yamlform
from zhida.drafting.tables import RuleFile, RuleVersion
from zhida.errors import RuleError
from zhida.rules.yamlio import Loader

_ITEM = re.compile(r"^(?P<indent>[ ]*)- ")
_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_ALIAS = re.compile(r"(?<![\w&*])\*[A-Za-z_][\w-]*")  # *mine (not a product 2 * 3: a letter follows)
_ANCHOR = re.compile(r"(?<![\w&])&[A-Za-z_][\w-]*")


@dataclass
class Split:
    head: str
    items: list[tuple[str, str]]  # (measure id, block text)
    tail: str


def _load(text: str, where: str):
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise RuleError(where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None


def split_file(text: str, where: str) -> Split:
    """A measure file → head, measure blocks, tail (their concatenation is the file)."""
    data = _load(text, where) or {}
    measures = data.get("measures") or [] if isinstance(data, dict) else []
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^measures\s*:\s*(#.*)?$", line)), None)
    if start is None:
        if measures:
            raise RuleError(f"{where} measures", "the measures list must be written in block style (measures: then - id: …)")
        return Split(text, [], "")
    end = next((i for i in range(start + 1, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
    firsts = [i for i in range(start + 1, end) if _ITEM.match(lines[i])]
    if firsts:
        indent = min(len(_ITEM.match(lines[i]).group("indent")) for i in firsts)
        firsts = [i for i in firsts if len(_ITEM.match(lines[i]).group("indent")) == indent]
    head = "".join(lines[:firsts[0] if firsts else end])
    blocks = ["".join(lines[a:b]) for a, b in zip(firsts, [*firsts[1:], end])]
    tail = "".join(lines[end:])
    parsed = []
    anchors: list[str] = []  # earlier blocks defining an anchor
    for i, block in enumerate(blocks):
        # a block may use an anchor defined in the head or an earlier block (&mine … *mine): read
        # it after those (only when it uses one: reading every block after all others is quadratic)
        context = head + "".join(anchors) + block if _ALIAS.search(block) else "measures:\n" + block
        data = _load(context, f"{where} measures[{i}]")
        items = (data or {}).get("measures") if isinstance(data, dict) else None
        if not isinstance(items, list) or not items or not isinstance(items[-1], dict):
            raise RuleError(f"{where} measures[{i}]", "cannot be cut into one block per measure")
        parsed.append(items[-1])
        if _ANCHOR.search(block):
            anchors.append(block)
    if parsed != measures:
        raise RuleError(f"{where} measures", "cannot be cut into one block per measure without changing it")
    return Split(head, [(str(m.get("id")), b) for m, b in zip(parsed, blocks)], tail)


def latest(session, measure_id: str) -> RuleVersion | None:
    return session.scalar(select(RuleVersion).where(RuleVersion.measure_id == measure_id)
                          .order_by(RuleVersion.version.desc()).limit(1))


def _next_version(session, measure_id: str) -> int:
    return (session.scalar(select(func.max(RuleVersion.version)).where(RuleVersion.measure_id == measure_id)) or 0) + 1


def _next_position(session, document: str) -> int:
    return (session.scalar(select(func.max(RuleVersion.position)).where(RuleVersion.document == document)) or -1) + 1


def import_file(session, path: Path, reviewer: str, now: datetime) -> dict:
    """One measure file into the store; returns counts. Unchanged blocks add no version."""
    text = path.read_text(encoding="utf-8")
    document = path.name[: -len(".yaml")]
    split = split_file(text, path.name)
    row = session.get(RuleFile, document)
    if row is None:
        session.add(RuleFile(document=document, head=split.head, tail=split.tail, updated_at=now))
    elif (row.head, row.tail) != (split.head, split.tail):
        row.head, row.tail, row.updated_at = split.head, split.tail, now
    added = same = 0
    for position, (mid, block) in enumerate(split.items):
        current = latest(session, mid)
        if current is not None and current.item == block:
            if current.position != position:
                current.position = position
            same += 1
            continue
        session.add(RuleVersion(measure_id=mid, version=_next_version(session, mid), document=document,
                                position=position, item=block, cases_yaml=current.cases_yaml if current else "",
                                origin="import", reviewer=reviewer, published_at=now))
        session.flush()
        added += 1
    return {"document": document, "measures": len(split.items), "new_versions": added, "unchanged": same}


def documents(session) -> list[str]:
    keys = set(session.scalars(select(RuleFile.document))) | set(session.scalars(select(RuleVersion.document)))
    return sorted(keys)


def file_text(session, document: str) -> str:
    """The measure file of ``document`` as published: head, newest block of each measure, tail."""
    row = session.get(RuleFile, document)
    newest = {}
    for v in session.scalars(select(RuleVersion).where(RuleVersion.document == document)
                             .order_by(RuleVersion.measure_id, RuleVersion.version)):
        newest[v.measure_id] = v
    blocks = [v.item for v in sorted(newest.values(), key=lambda v: (v.position, v.measure_id))]
    if row is None:
        return yamlform.file_text(document, blocks)
    head = row.head
    if blocks and not re.search(r"^measures\s*:", head, re.M):
        head = head + ("" if head.endswith("\n") or not head else "\n") + "measures:\n"
    return head + "".join(blocks) + row.tail


def export_file(session, document: str, directory: Path) -> Path:
    """Write ``<document>.yaml`` into ``directory`` (atomically: a reader never sees half a file)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{document}.yaml"
    tmp = target.with_suffix(".yaml.tmp")
    tmp.write_text(file_text(session, document), encoding="utf-8")
    tmp.replace(target)
    return target


def export_source(session, document: str, directory: Path) -> Path | None:
    """A document only the store holds, written as ``<document>.txt`` into ``directory`` (the
    sources a measure file's quotes are checked against) — only if reading that text gives the same
    clause ids as the stored version, so the exported measures cite what they cited. None when the
    directory has the document already."""
    from zhida.documents.pipeline import parse_text
    from zhida.drafting.source import from_store

    from zhida import config
    from zhida.errors import ZhidaError

    for known in (directory, config.sources_dir()):
        if known.is_dir() and any(p.stem == document for p in known.glob("*")):
            return None
    try:
        stored = from_store(session, document)
    except ZhidaError:
        return None  # not in the store either: nothing to write
    reread = parse_text(stored.original, f"{document}.txt")
    if [c.id for c in reread.walk()] != [c.id for c in stored.clauses if c.kind not in ("preamble", "closing")]:
        raise RuleError(f"{document}.txt", "as plain text the document reads into other clauses; "
                        "copy the published file into the sources directory instead")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{document}.txt"
    tmp = target.with_suffix(".txt.tmp")
    tmp.write_text(stored.original, encoding="utf-8")
    tmp.replace(target)
    return target


def reviewed(mapping: dict, reviewer: str, today: date) -> dict:
    """The mapping with the reviewer's review stamp (every other key as written, in order)."""
    out = dict(mapping)
    out["review"] = {"status": "reviewed", "by": reviewer, "date": today.isoformat()}
    return out


def stamp_review(text: str, reviewer: str, day: date) -> str:
    """The reviewer's YAML text with its top-level ``review:`` entry replaced (or added) — the
    rest, comments included, exactly as the reviewer wrote it."""
    stamp = f"review: {{status: reviewed, by: {yaml.safe_dump(reviewer, allow_unicode=True).splitlines()[0]}, date: {day.isoformat()}}}\n"
    lines = text.splitlines(keepends=True)
    out, skipping, done = [], False, False
    for line in lines:
        if skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        skipping = False
        if re.match(r"^review\s*:", line):
            out.append(stamp)
            skipping, done = True, True
            continue
        out.append(line)
    if not done:
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n"
        out.append(stamp)
    return "".join(out)




def resolved(session, document: str) -> dict[str, dict]:
    """measure id → its mapping as the published file reads (anchors and aliases resolved)."""
    data = _load(file_text(session, document), document) or {}
    return {str(m.get("id")): m for m in (data.get("measures") or []) if isinstance(m, dict)}


def editable(session, version: RuleVersion) -> str:
    """A published block as a reviewer edits it: the text itself when it stands alone, else (it uses
    an anchor of another block) the measure written out in full."""
    text = yamlform.from_item(version.item)
    try:
        alone = yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError:
        alone = None
    whole = resolved(session, version.document).get(version.measure_id)
    if alone == whole:
        return text
    return yamlform.dump_measure(whole)


def _expand_aliases(session, document: str, before: dict[str, dict], skip: str, reviewer: str, now: datetime) -> None:
    """After a new block replaced one that defined an anchor, the blocks using it are written out
    in full (as they read before), each as a new version — the file stays valid and means the same."""
    try:
        _load(file_text(session, document), document)
        return
    except RuleError:
        pass
    for mid, mapping in before.items():
        current = latest(session, mid)
        if mid == skip or current is None or not _ALIAS.search(current.item):
            continue
        session.add(RuleVersion(measure_id=mid, version=current.version + 1, document=document,
                                position=current.position, item=yamlform.as_item(yamlform.dump_measure(mapping)),
                                cases_yaml=current.cases_yaml, origin="expand", reviewer=reviewer,
                                note="引用的锚点随另一措施修改，改为完整写出", published_at=now))
    session.flush()
    _load(file_text(session, document), document)


def publish(session, document: str, mapping_text: str, reviewer: str, now: datetime, *, origin: str,
            draft_id: int | None = None, cases_yaml: str = "", note: str | None = None) -> RuleVersion:
    """A new version of the measure written in ``mapping_text`` (already checked by the caller)."""
    mapping = yamlform.parse_measure(mapping_text, "measure")
    mid = str(mapping["id"])
    current = latest(session, mid)
    if current is not None and current.document != document:
        raise RuleError(f"[{mid}] id", f"already published for document {current.document}")
    before = resolved(session, document) if current is not None else {}
    text = stamp_review(mapping_text, reviewer, now.date())
    if yamlform.parse_measure(text, "measure") != reviewed(mapping, reviewer, now.date()):
        text = yamlform.dump_measure(reviewed(mapping, reviewer, now.date()))  # an unusual layout: written anew
    version = RuleVersion(measure_id=mid, version=_next_version(session, mid), document=document,
                          position=current.position if current else _next_position(session, document),
                          item=yamlform.as_item(text), cases_yaml=cases_yaml, origin=origin, draft_id=draft_id,
                          reviewer=reviewer, note=note, published_at=now)
    session.add(version)
    session.flush()
    if before:
        _expand_aliases(session, document, before, mid, reviewer, now)
    return version


def history(session, measure_id: str) -> list[RuleVersion]:
    return list(session.scalars(select(RuleVersion).where(RuleVersion.measure_id == measure_id)
                                .order_by(RuleVersion.version)))
