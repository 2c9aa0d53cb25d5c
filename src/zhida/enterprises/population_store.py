"""Storing a generated population in bulk (`zhida generate --store`, `zhida demo`).

Why not generate.row_to_profile + importer rows per enterprise: a pydantic validate/dump round
trip per row and a scalar size-class evaluation per row made 20,000 enterprises take minutes.
The generator's own columns are already typed and valid, so the stored ``profile_json`` is
built straight from them, with exactly the content ``row_to_profile(...).model_dump(mode="json",
exclude_none=True)`` gives (tests compare both), and the size classes of the whole population
come from one DuckDB query (size_class.size_classes_of_table).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import pyarrow as pa

from zhida.enterprises import industries, regions
from zhida.enterprises.profile import SCHEMA_VERSION
from zhida.enterprises.size_class import INPUTS, size_classes_of_table

# (figures key, population column), in YearFigures field order
_FIGURES = (("employees", "employees"), ("revenue", "revenue"), ("total_assets", "total_assets"),
            ("taxable_income", "taxable_income"), ("rd_expense", "rd_expense"),
            ("unemployment_insurance_paid", "unemployment_insurance_paid_last_year"),
            ("above_designated_size", "above_designated_size"))
_QUALIFICATIONS = (("high_tech", "high_tech_enterprise", "high_tech_valid_until"),
                   ("tech_sme", "tech_sme", "tech_sme_valid_until"),
                   ("zjtx_sme", "srdi_level", "srdi_valid_until"),
                   ("little_giant", "little_giant_level", "little_giant_valid_until"))
# (event type, population column prefix, attributes in the event model's field order)
_EVENTS = (("equipment_purchase", ("unit_value", "min_depreciation_years")),
           ("first_set_purchase", ("price",)),
           ("rent_relief", ("amount", "months")),
           ("listing", ("board",)))


def period_figures(r: dict, as_of: dt.date) -> list[tuple[str, str, str, object]]:
    """The population's period-qualified columns (``revenue__year_m2``, the 3% sales of the VAT
    window …: facts.default_period_names) as profile figures: (period key, YearFigures field or
    "other", fact name, value), so a stored profile holds every figure its Parquet row has."""
    from zhida.enterprises.facts import FIGURE_FIELDS

    out = []
    for column, base, key in _period_columns(as_of):
        value = r.get(column)
        if value is not None:
            out.append((key, FIGURE_FIELDS.get(base, "other"), base, value))
    return out


@cache
def _period_columns(as_of: dt.date) -> list[tuple[str, str, str]]:
    """(column, fact, period key) of every period-qualified fact the rules read and of each of its
    parts (the months and quarters a generated window is given by: rules/period_parts.py)."""
    from zhida.enterprises.facts import catalogue, default_period_names
    from zhida.rules import period_parts, periods

    out = []
    for name in default_period_names():
        base, spec = periods.split(name)
        period = periods.resolve(spec, as_of)
        if period is None:
            continue
        out.append((catalogue().get(name).column, base, str(period.key)))
        out += [(catalogue().get(part).column, base, periods.split(part)[1])
                for part in period_parts.part_names(base, period)]
    return list(dict.fromkeys(out))


def add_period_figures(figures: dict, r: dict, as_of: dt.date, convert=lambda v: v) -> dict:
    """``figures`` (period key → YearFigures fields, ``other``) with period_figures(r) added."""
    for key, field, name, value in period_figures(r, as_of):
        entry = figures.setdefault(key, {"other": {}})
        entry.setdefault("other", {})
        if field == "other":
            entry["other"][name] = convert(value)
        else:
            entry[field] = convert(value)
    return figures


@cache
def _industry(digits: str) -> str:
    return industries.normalize(digits)


@cache
def _region(code: str) -> str:
    return regions.resolve(code).region_code


@cache
def _zone(code: str) -> str | None:
    return None if code == "none" else regions.resolve(code).zone_code


def _json(value):
    """pydantic's JSON mode for the value types of a population column."""
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    if isinstance(value, (bool, int, str)):
        return value
    return str(value)  # Decimal: pydantic writes str(value)


def _profile_json(r: dict, as_of: dt.date) -> dict:
    out = {"schema_version": SCHEMA_VERSION, "uscc": r["uscc"], "name": r["name"], "region_code": _region(r["region_code"])}
    zone = _zone(r["special_zone"])
    if zone is not None:
        out["special_zone"] = zone
    if r.get("subdistrict_code"):
        out["subdistrict_code"] = r["subdistrict_code"]
    out["industry_code"] = _industry(r["industry_code"])
    out["entity_type"] = r["entity_type"]
    for key in ("ownership", "taxpayer_type", "listing_status", "restricted_industry", "core_ip"):
        if r[key] is not None:
            out[key] = r[key]
    out["other_facts"] = {}
    figures = {k: _json(r[c]) for k, c in _FIGURES if r[c] is not None}
    figures["other"] = {}
    out["figures"] = {str(as_of.year - 1): figures}
    if r["graduates_hired"] is not None:
        out["figures"][str(as_of.year)] = {"graduates_hired": r["graduates_hired"], "other": {}}
    add_period_figures(out["figures"], r, as_of, _json)
    if r["high_tech_enterprise"] is not None:  # None: qualifications not reported
        quals = []
        for qtype, held, until in _QUALIFICATIONS:
            value = r[held]
            if value in (None, False, "none"):
                continue
            q = {"type": qtype, "level": "national" if value is True else value}
            if r[until] is not None:
                q["valid_to"] = r[until].isoformat()
            quals.append(q)
        out["qualifications"] = quals
    # the four qualification columns are known (or unknown) together
    out["qualifications_complete"] = r["high_tech_enterprise"] is not None
    events = []
    for etype, attributes in _EVENTS:
        day = r[f"{etype}__date"]
        if day is None:
            continue
        event = {"type": etype, "date": day.isoformat()}
        for a in attributes:
            value = r[f"{etype}__{a}"]
            if value is not None:
                event[a] = _json(value)
        events.append(event)
    out["events"] = events
    return out


def population_rows(table, as_of: dt.date, now: dt.datetime, size: list[str | None]) -> list[dict]:
    """Rows of the enterprises table for a slice of a population table (``size``: its size classes)."""
    columns = table.to_pydict()
    names = list(columns)
    rows = []
    sized_year = as_of.year - 1  # generated figures are all of as_of's previous year
    for values, size_class in zip(zip(*columns.values(), strict=True), size, strict=True):
        r = dict(zip(names, values, strict=True))
        has_sizes = any(r[c] is not None for c in INPUTS[1:])
        profile = _profile_json(r, as_of)
        rows.append({
            "uscc": r["uscc"], "name": r["name"], "region_code": profile["region_code"],
            "special_zone": profile.get("special_zone"), "industry_code": profile["industry_code"],
            "entity_type": r["entity_type"], "size_class": size_class if has_sizes else None,
            "size_class_year": sized_year if has_sizes else None, "schema_version": SCHEMA_VERSION,
            "profile_json": profile, "import_id": None, "source_row": None, "created_at": now,
        })
    return rows


def store_population(population, store, batch_size: int = 10_000) -> tuple[int, int]:
    """Insert the population's profiles; USCCs already in the store are skipped. (stored, skipped).
    One transaction per batch (executemany of prepared rows)."""
    from sqlalchemy import insert

    from zhida.enterprises.importer import _existing
    from zhida.enterprises.tables import Enterprise

    table = population.table
    size = size_classes_of_table(table)  # the whole population, one query
    stored = skipped = 0
    now = dt.datetime.now(dt.UTC)
    for start in range(0, table.num_rows, batch_size):
        batch = table.slice(start, batch_size)
        usccs = batch["uscc"].to_pylist()
        with store.transaction() as session:
            existing = _existing(session, usccs)
            keep = [i for i, u in enumerate(usccs) if u not in existing]
            if len(keep) < len(usccs):
                batch = batch.take(pa.array(keep, pa.int64()))
            rows = population_rows(batch, population.as_of, now, [size[start + i] for i in keep]) if keep else []
            if rows:
                session.execute(insert(Enterprise.__table__), rows)
        stored += len(rows)
        skipped += len(usccs) - len(rows)
    return stored, skipped
