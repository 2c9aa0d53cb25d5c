"""`zhida batch`: every enterprise × every measure in one pass, as a run that is complete or absent.

A run is a directory ``<out>/<run key>/`` holding ``results.parquet`` (packed.py: one row
per enterprise, one integer per measure), ``enterprises.parquet`` (identity columns),
``manifest.json`` (measures, condition bit order, totals; ``"status": "complete"``) and
``pushlists/`` (XLSX). It is built under ``<out>/.<run key>.partial/`` and renamed into place
only when everything is written; the store's run row goes ``running`` → ``complete`` after
that rename, ``failed`` on an error. A killed process leaves a ``.partial`` directory and a
``running`` row, neither of which any reader accepts (``open_run``, ``complete_runs``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from zhida.documents.citation import cite, clause_label
from zhida.matching.match import is_draft
from zhida.batch import dashboard_cube, summary
from zhida.batch.engines import STATUS_CODES, Engine, Progress, make_engine
from zhida.errors import DataError
from zhida.rules import load_policies

MANIFEST = "manifest.json"
RESULTS = "results.parquet"
ENTERPRISES = "enterprises.parquet"
FACTS = "facts.parquet"
PUSHLISTS = "pushlists"


@dataclass
class Run:
    key: str
    path: Path
    manifest: dict

    @property
    def results(self) -> Path:
        return self.path / RESULTS

    @property
    def as_of(self) -> dt.date:
        return dt.date.fromisoformat(self.manifest["as_of"])

    @property
    def enterprises(self) -> Path:
        return self.path / ENTERPRISES

    def pairs(self, columns=None):
        """The long rows of every applicable pair (packed.read_pairs): an Arrow table."""
        from zhida.batch.packed import read_pairs

        return read_pairs(self.results, self.manifest["measures"], columns)

    def results_glob(self) -> str:
        """What DuckDB's read_parquet needs: the file, or the part files of a Spark directory."""
        return str(self.results / "*.parquet") if self.results.is_dir() else str(self.results)

    def enterprises_glob(self) -> str:
        return str(self.enterprises / "*.parquet") if self.enterprises.is_dir() else str(self.enterprises)

    def input_glob(self) -> str:
        path = Path(self.manifest["facts"])
        return str(path / "*.parquet") if path.is_dir() else str(path)


@dataclass
class Outcome:
    run: Run
    rows: int
    engine_seconds: float
    pushlists: list[Path] = field(default_factory=list)
    store_run_id: int | None = None


def measure_entry(m, policies, conditions: list[str], as_of: dt.date | None = None) -> dict:
    doc = policies.library.get(m.document) if m.document in policies.library.keys() else None
    return {
        "id": m.id, "title": m.title, "benefit": m.benefit, "kind": m.kind, "beneficiary": m.beneficiary,
        "enterprise_benefit": m.enterprise_benefit, "document": m.document,
        "document_status": m.document_status,
        "doc_number": getattr(doc, "doc_number", None), "application": m.application,
        "responsible_units": list(m.responsible_units), "period": m.period.label(dt.date.today()),
        "amount_kind": m.amount.kind if m.amount else None, "amount_unit": m.amount.unit if m.amount else None,
        "period_as_of": m.period.label(as_of) if as_of else None,  # the run's date: totals count in_force only
        "draft": is_draft(m, policies),  # a draft document's results are never counted (zhida.rules.totals)
        "conditions": conditions,
        "condition_labels": {c.id: c.label for c in m.conditions},
        "open_criteria": [{"id": o.id, "label": o.label} for o in m.open_criteria],
        "sources": [_source(s, policies) for s in m.sources],
        "document_citation": cite(getattr(doc, "title", None), getattr(doc, "doc_number", None), None, None),
    }


def _source(s, policies) -> dict:
    """A measure's source with how a reader cites it (《短标题》（文号）第三条（八）) and its article."""
    doc = policies.library.get(s.document) if s.document in policies.library.keys() else None
    labels = doc.labels.get(str(s.clause)) if doc is not None else None
    return {"document": s.document, "clause": s.clause, "quote": s.quote,
            "citation": cite(getattr(doc, "title", None), getattr(doc, "doc_number", None), labels, s.clause),
            "article": clause_label(labels, str(s.clause))}


def new_run_key(as_of: dt.date) -> str:
    now = dt.datetime.now(dt.UTC)
    return f"{as_of:%Y%m%d}-{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def run_batch(as_of: dt.date, out_dir: Path, *, input_path: Path | None = None, engine: Engine | str = "duckdb",
              policies=None, measure_ids: list[str] | None = None, store_url: str | None | bool = None,
              store_pairs: bool | None = None, pushlists: bool | None = None, progress: Progress | None = None,
              export_progress=None, say=lambda text: None, job_id: str | None = None) -> Outcome:
    """Run all (or the given) measures over the input Parquet (or the store's enterprises).

    ``store_url``: where enterprises are read from (without ``input_path``) and the run is recorded —
    a URL, an open Store (left open), None (the configured store) or False (not recorded).
    ``progress(fraction)`` reports the engine, ``export_progress(done, total)`` the store export;
    an exception either raises (a cancelled web job) abandons the run like any error. ``job_id``:
    the web job running it, recorded on the run row (a dead job's run is marked interrupted)."""
    from zhida.batch import pushlists as push
    from zhida.batch import store as run_store

    policies = policies or load_policies()
    measures = [policies.measure(i) for i in measure_ids] if measure_ids else list(policies.measures.values())
    if not measures:
        raise DataError("policies", "no measures loaded")
    engine = make_engine(engine) if isinstance(engine, str) else engine
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    key = new_run_key(as_of)
    partial, final = out_dir / f".{key}.partial", out_dir / key
    recorder = run_store.Recorder(store_url) if store_url is not False else None
    try:
        if recorder:  # recorded before the partial directory exists: no directory without its row
            recorder.start(key, as_of, engine.name, str(input_path or "store"), str(final), job_id)
        partial.mkdir()
        if input_path is None:
            say("exporting the store's enterprises …")
            input_path = run_store.export_enterprises(partial / FACTS, as_of, recorder.store if recorder else None,
                                                      export_progress, policies)
            facts_final = final / FACTS
        else:
            input_path = Path(input_path)
            if not input_path.exists():
                raise DataError(str(input_path), "no such file")
            facts_final = input_path.resolve()
        result = engine.run(policies, measures, as_of, input_path, partial / RESULTS, progress,
                            enterprises_out=partial / ENTERPRISES)
        compiled_conditions = {m.id: [c.id for c in m.conditions] for m in measures}
        manifest = {
            "status": "complete", "key": key, "as_of": as_of.isoformat(), "engine": engine.name,
            "facts": str(facts_final), "enterprises": result.rows, "engine_seconds": round(result.seconds, 3),
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "layout": "packed: results.parquet has one row per enterprise: uscc, per measure i (index into "
                      "measures) p{i} = 0 (not_applicable) or status | failing << 2 | unknown << (2 + C) | "
                      "open << (2 + 2C), C = len(conditions), failing/unknown bit k = conditions[k], open bit k = "
                      "open_criteria[k]; amount{i}, upper{i}, least{i} where the measure has them "
                      "(zhida.batch.packed); enterprises.parquet: uscc and identity columns",
            "status_codes": {name: code for name, code in STATUS_CODES.items()},
            "measures": [measure_entry(m, policies, compiled_conditions[m.id], as_of) for m in measures],
        }
        draft = Run(key, partial, manifest)
        draft.manifest["facts"] = str(input_path.resolve())  # while partial; fixed below
        totals = summary.measure_totals(draft)
        manifest["totals"] = {"measures": totals, "overall": summary.overall_totals(draft)}
        dashboard_cube.write(draft, policies=policies)  # the dashboard's figures, grouped once here
        written: list[Path] = []
        eligible_pairs = sum(t["eligible"] for t in totals)
        if pushlists or (pushlists is None and eligible_pairs <= push.AUTO_LIMIT):
            say("writing push lists …")
            written = push.write_pushlists(draft, partial / PUSHLISTS)
        manifest["pushlists"] = [p.name for p in written]
        manifest["facts"] = str(facts_final)
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(partial, final)  # atomic: the run appears whole or not at all
        run = Run(key, final, manifest)
        store_id = None
        if recorder:
            pairs = store_pairs if store_pairs is not None else eligible_pairs <= run_store.AUTO_PAIRS
            store_id = recorder.complete(run, totals, pairs)
        return Outcome(run, result.rows, result.seconds, [final / PUSHLISTS / p.name for p in written], store_id)
    except BaseException as exc:  # KeyboardInterrupt too: nothing half-written survives
        shutil.rmtree(partial, ignore_errors=True)
        if recorder:
            recorder.fail(f"{type(exc).__name__}: {exc}")
        raise
    finally:
        if recorder:
            recorder.close()


def open_run(ref: str | Path, out_dir: Path | None = None) -> Run:
    """A complete run by directory or key (``latest`` = the newest complete one in out_dir)."""
    path = Path(ref)
    if str(ref) == "latest":
        runs = complete_runs(out_dir or Path("."))
        if not runs:
            raise DataError(str(out_dir), "no complete batch run here")
        return runs[-1]
    if not path.is_dir() and out_dir is not None:
        path = out_dir / str(ref)
    manifest_path = path / MANIFEST
    if path.name.endswith(".partial") or not manifest_path.is_file():
        raise DataError(str(path), "not a complete batch run (interrupted, running or absent)")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("status") != "complete":
        raise DataError(str(path), "batch run is not complete")
    return Run(manifest["key"], path, manifest)


def complete_runs(out_dir: Path) -> list[Run]:
    """Complete runs in out_dir, oldest first (partial directories are skipped)."""
    runs = []
    for path in sorted(Path(out_dir).glob("[!.]*")):
        try:
            runs.append(open_run(path))
        except (DataError, ValueError, KeyError):
            continue
    return sorted(runs, key=lambda r: r.manifest.get("created_at", ""))
