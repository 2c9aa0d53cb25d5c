"""Reading many files on every core while one process stores them (``ingest_paths``).

Parsing is pure CPU and each file is independent, so files are parsed — and turned into the rows
the store writes (``zhida.store.ingest.prepare``) — in a pool of worker processes
(``forkserver``: a fresh interpreter per worker, nothing of the parent's connections or threads
inherited) and handed back in order; storing stays in the calling process, one transaction per
document. At most ``AHEAD`` chunks are in flight, so a slow store never lets parsed documents pile
up in memory. A file that fails to parse comes back as its one-line error (where, reason), exactly
as the serial path reports it. With ``draft`` the worker also drafts the document's measures
(``zhida.drafting``: rows ready to store with the document, in its transaction).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from zhida.documents.model import ParsedDocument
from zhida.errors import IngestError, ZhidaError

if TYPE_CHECKING:
    from zhida.store.ingest import Prepared

CHUNK = 8  # files per task: amortizes the round trip
AHEAD = 4  # chunks per worker submitted ahead of the one being stored
MIN_FILES = 32  # fewer files: parse in this process (starting workers costs ~1 s)


def default_workers(files: int) -> int:
    """Worker processes for ``files`` files: every core the process may use (1: parse here)."""
    if files < MIN_FILES:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, files // CHUNK))


def parse_one(parse: Callable[[Path], ParsedDocument], path: Path) -> ParsedDocument:
    """``parse(path)``; any failure as an IngestError naming the file (one line)."""
    if not path.exists():
        raise IngestError(str(path), "no such file or directory")
    try:
        return parse(path)
    except ZhidaError:
        raise
    except Exception as exc:  # a reader bug on one file must not stop a batch of thousands
        first = (str(exc).strip().splitlines() or [""])[0]
        raise IngestError(str(path), f"internal error while reading ({type(exc).__name__}: {first})") from exc


def parsed(files: list[Path], parse: Callable[[Path], ParsedDocument] | None, workers: int | None = None,
           draft: bool = False, cpu: dict | None = None) -> Iterator[tuple[Path, Prepared | ZhidaError, list[dict] | None]]:
    """(path, prepared document or its error, its draft rows when ``draft``) for every file, in order.
    ``parse`` None: the reading pipeline, in ``workers`` processes (default: ``default_workers``); a
    given ``parse`` runs here. ``cpu``, if given, adds up the CPU seconds of reading ('read') and
    drafting ('draft') wherever they ran (a worker's CPU is not the caller's rusage)."""
    workers = default_workers(len(files)) if workers is None else workers
    cpu = {} if cpu is None else cpu
    if parse is not None or workers <= 1:
        for path in files:
            outcome, drafts, used = _read(path, draft, parse)
            _add(cpu, used)
            yield path, outcome, drafts
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["zhida.documents.pipeline"])
    chunks = [files[i:i + CHUNK] for i in range(0, len(files), CHUNK)]
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending: deque = deque()
        upcoming = iter(chunks)
        for chunk in upcoming:
            pending.append((chunk, pool.submit(_read_chunk, chunk, draft)))
            if len(pending) >= AHEAD * workers:
                break
        while pending:
            chunk, future = pending.popleft()
            following = next(upcoming, None)
            if following is not None:
                pending.append((following, pool.submit(_read_chunk, following, draft)))
            for path, (outcome, drafts, used) in zip(chunk, future.result()):
                _add(cpu, used)
                yield path, IngestError(*outcome) if isinstance(outcome, tuple) else outcome, drafts
        _add(cpu, {"workers": sum(map(_process_cpu, list(pool._processes)))})  # start-up and transfer too


def _process_cpu(pid: int) -> float:
    """CPU seconds a live process has used (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _add(total: dict, used: dict) -> None:
    for name, seconds in used.items():
        total[name] = total.get(name, 0.0) + seconds


def _read_chunk(paths: list[Path], draft: bool) -> list[tuple]:
    """In a worker: ``_read`` of each file, errors as (where, reason) (exceptions of classes with
    two-argument constructors do not survive pickling)."""
    out = []
    for path in paths:
        outcome, drafts, used = _read(path, draft)
        out.append(((outcome.where, outcome.reason) if isinstance(outcome, ZhidaError) else outcome, drafts, used))
    return out


def _read(path: Path, draft: bool, parse: Callable[[Path], ParsedDocument] | None = None
          ) -> tuple[Prepared | ZhidaError, list[dict] | None, dict]:
    """One file parsed (and drafted), with the CPU seconds each took."""
    if parse is None:
        from zhida.documents.pipeline import parse_file as parse
    from zhida.store.ingest import prepare

    started = time.process_time()
    try:
        document = parse_one(parse, path)
        prepared = prepare(document)
    except ZhidaError as exc:
        return exc, None, {"read": time.process_time() - started}
    read = time.process_time()
    drafts = _drafts(path, document) if draft else None
    return prepared, drafts, {"read": read - started, "draft": time.process_time() - read}


_POLICIES: list = []  # loaded once per process


def _drafts(path: Path, document: ParsedDocument) -> list[dict]:
    from zhida.drafting import drafts, source
    from zhida.drafting.draft import draft_document
    from zhida.rules import load_policies
    from zhida.store.ingest import document_key

    if not _POLICIES:
        _POLICIES.append(load_policies())
    return drafts.rows(draft_document(source.from_parsed(document_key(path.name), document), _POLICIES[0]))
