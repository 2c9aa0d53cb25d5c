"""`zhida generate`: a reproducible synthetic population, columnar, ready for set-based matching.

Everything is drawn with one numpy Generator seeded by ``seed`` in a fixed order, so the same
(count, seed, as_of) gives a byte-identical Parquet file. The columns are the fact catalogue's
(see facts.arrow_schema), as of ``as_of``: yearly figures are those of ``as_of.year - 1``, events
happen in ``as_of.year`` on or before ``as_of``. Distributions are plausible, not statistics:
heavy-tailed head counts (mostly micro), an industry mix per kind of area, qualification and
event rates of the right order, and a share of missing values so that 'undetermined' occurs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zhida.enterprises import facts, industries, regions, uscc

EPOCH = dt.date(1970, 1, 1)

# Industry mixes (GB/T 4754-2017 digits, weight) per kind of area; enterprises only.
_CORE = {  # 东城 西城 朝阳 海淀 丰台 石景山: services
    "51": 14, "52": 9, "6513": 7, "65": 6, "64": 5, "63": 1, "72": 12, "7212": 3, "71": 2, "73": 3, "74": 4,
    "75": 5, "62": 4, "61": 1, "7010": 1.5, "7020": 1.5, "67": 1, "69": 1.5, "86": 1, "87": 1.5, "88": 2,
    "80": 2, "82": 1, "83": 2, "84": 1, "54": 1, "58": 1.5, "59": 0.8, "60": 0.3, "48": 1, "50": 2,
    "39": 0.8, "35": 0.5, "27": 0.4, "40": 0.3, "24": 0.3, "77": 0.5, "78": 0.4, "90": 0.5, "01": 0.2,
}
_OUTER = {  # the other ten districts: more industry, construction, logistics, farming
    "51": 12, "52": 9, "65": 5, "6513": 2, "72": 9, "71": 2, "74": 3, "75": 4, "62": 4, "61": 1.5,
    "7010": 1.5, "7020": 1.5, "80": 3, "83": 1, "54": 3, "58": 2, "59": 2, "47": 2, "48": 3, "50": 3,
    "13": 1, "14": 1, "26": 1, "27": 1.5, "29": 1, "30": 1, "33": 1.5, "34": 1.5, "35": 2, "36": 1.5,
    "38": 1.5, "39": 1.5, "40": 1, "01": 3, "02": 1, "03": 1.5, "05": 0.5, "44": 0.5, "77": 1, "88": 1,
}
_BDA = {  # 北京经济技术开发区: high-tech manufacturing
    "27": 6, "35": 7, "36": 5, "3911": 3, "39": 7, "40": 4, "38": 5, "34": 4, "26": 2, "29": 1.5, "33": 2,
    "73": 6, "74": 4, "75": 6, "65": 5, "6513": 3, "51": 8, "52": 2, "72": 6, "7212": 1, "54": 1,
    "58": 1.5, "59": 2, "62": 2, "7020": 1, "48": 1, "50": 1,
}
_XINZHOU = {  # 忻州: farming, coal and minerals, basic manufacturing, trade
    "01": 8, "02": 2, "03": 5, "05": 1, "06": 4, "08": 1.5, "10": 1.5, "13": 2, "14": 1, "15": 1.5,
    "30": 2.5, "31": 1, "32": 0.5, "33": 2, "34": 0.8, "35": 0.8, "44": 2, "46": 0.5, "47": 3, "48": 4,
    "50": 2, "51": 9, "52": 14, "54": 4, "59": 1, "61": 2, "62": 6, "65": 1, "72": 5, "7010": 2,
    "7020": 1, "74": 1, "80": 4, "83": 1, "88": 0.8, "77": 1,
}
_INDIVIDUAL = {"52": 48, "62": 18, "80": 12, "81": 5, "51": 6, "54": 4, "61": 2, "01": 3, "72": 2}
_CORE_DISTRICTS = {"110101", "110102", "110105", "110106", "110107", "110108"}

# Revenue per head (yuan, median) by 大类 prefix; default for the rest.
_REVENUE_PER_HEAD = [("51", 3.0e6), ("52", 8e5), ("06", 1.5e6), ("08", 1.5e6), ("10", 1e6),
                     ("65", 6e5), ("64", 8e5), ("63", 1e6), ("70", 3e6), ("67", 1.5e6), ("69", 1.5e6),
                     ("62", 2.5e5), ("61", 3e5), ("01", 2e5), ("02", 2e5), ("03", 3e5), ("44", 2e6),
                     ("72", 5e5), ("71", 8e5), ("54", 5e5), ("58", 1.2e6)]
_TECH = tuple(f"{n:02d}" for n in range(26, 41)) + ("63", "64", "65", "73", "74", "75")
_INDUSTRIAL = tuple(f"{n:02d}" for n in range(6, 47))
_SERVICE = tuple(f"{n:02d}" for n in range(51, 91)) + tuple(f"{n:02d}" for n in range(91, 97))

_WORDS = np.array("星辰 华信 瑞丰 博远 中科 恒通 金桥 远航 鼎盛 汇智 天元 宏达 启明 佳禾 蓝海 云杉 泰和 永安 卓越 联创 "
                  "新锐 嘉诚 润泽 华茂 康宁 盛世 海纳 正元 同创 明德 信达 立恒 安泰 弘毅 九州 东方 长城 晨光 万象 锦程"
                  .split())
_SECTION_WORD = {"A": "农业", "B": "矿业", "C": "科技", "D": "能源", "E": "建设工程", "F": "商贸", "G": "物流",
                 "H": "餐饮", "I": "信息技术", "J": "投资", "K": "置业", "L": "商务咨询", "M": "技术服务",
                 "N": "环保", "O": "家政服务", "P": "教育咨询", "Q": "健康", "R": "文化传媒", "S": "服务"}


@dataclass(frozen=True)
class Population:
    table: pa.Table  # identity + catalogue fact columns, as of ``as_of``
    as_of: dt.date
    seed: int


# Categorical columns are carried as small-int indices into a label list (sorting millions of
# strings is what would make this slow), and decoded to Arrow strings at the end.
_INDUSTRY_KEYS = sorted({*_CORE, *_OUTER, *_BDA, *_XINZHOU, *_INDIVIDUAL, "95"})
_INDUSTRY_INDEX = {k: i for i, k in enumerate(_INDUSTRY_KEYS)}
_INDUSTRY_SECTIONS = [industries.section_of_division()[k[:2]] for k in _INDUSTRY_KEYS]  # 门类 of each
ENTITY_LABELS = ["enterprise", "individual_business", "social_organization"]
OWNERSHIP_LABELS = ["state", "foreign", "hmt", "collective", "other", "private"]
LISTING_LABELS = ["unlisted", "listed_domestic", "listed_overseas", "neeq"]
BOARD_LABELS = ["main", "star", "chinext", "bse", "neeq", "overseas"]


def _pick(rng: np.random.Generator, n: int, weights: dict[str, float]) -> np.ndarray:
    """Industry indices (into _INDUSTRY_KEYS) drawn with the given weights."""
    keys = np.array([_INDUSTRY_INDEX[k] for k in weights])
    p = np.array(list(weights.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def _key_flags(prefixes: tuple[str, ...]) -> np.ndarray:
    """Per industry key: does it start with one of the prefixes? Index it with an industry array."""
    return np.array([k.startswith(prefixes) for k in _INDUSTRY_KEYS])


def generate(count: int, seed: int, as_of: dt.date) -> Population:
    rng = np.random.default_rng(seed)
    n = count

    # --- where: county-level divisions and zones, by weight --------------------------------------
    areas = [(d.code, None, d.weight) for d in regions.county_level()]
    areas += [(z.host, z.code, z.weight) for z in regions.zones().values()]
    weights = np.array([a[2] for a in areas])
    area = rng.choice(len(areas), size=n, p=weights / weights.sum())
    area_labels = [a[0] for a in areas]
    zone_labels = [a[1] or "none" for a in areas]
    xinzhou = np.array([a[0].startswith("1409") for a in areas])[area]
    bda = np.array([a[1] == "bda" for a in areas])[area]
    core = np.array([a[0] in _CORE_DISTRICTS and a[1] is None for a in areas])[area]
    haidian = np.array([a[0] == "110108" for a in areas])[area]

    # --- what: entity type and industry ---------------------------------------------------------
    u = rng.random(n)
    individual_share = np.where(xinzhou, 0.62, 0.28)
    entity = np.where(u < individual_share, 1, np.where(u > 0.99, 2, 0)).astype(np.int8)
    individual = entity == 1
    industry = np.empty(n, dtype=np.int16)
    for mask, mix in ((individual, _INDIVIDUAL), (~individual & core, _CORE), (~individual & bda, _BDA),
                      (~individual & xinzhou, _XINZHOU), (~individual & ~core & ~bda & ~xinzhou, _OUTER)):
        industry[mask] = _pick(rng, int(mask.sum()), mix)
    industry[entity == 2] = _INDUSTRY_INDEX["95"]
    tech = _key_flags(_TECH)[industry]
    industrial = _key_flags(_INDUSTRIAL)[industry]
    service = _key_flags(_SERVICE)[industry]

    # --- size: Pareto head counts (mostly micro), revenue per head by industry -------------------
    employees = np.floor(rng.pareto(0.85, n) + 1).astype(np.int64)
    employees[rng.random(n) < 0.14] = 0  # registered, nobody on the payroll yet
    employees[individual] = 1 + rng.poisson(1.0, int(individual.sum()))
    np.minimum(employees, 150_000, out=employees)
    key_per_head = np.full(len(_INDUSTRY_KEYS), 4e5)
    for prefix, median in _REVENUE_PER_HEAD:
        key_per_head[_key_flags((prefix,))] = median
    per_head = key_per_head[industry]
    per_head[individual] = 1.5e5
    revenue = per_head * np.maximum(employees, 0.3) * rng.lognormal(0.0, 1.0, n)
    revenue[(employees == 0) & (rng.random(n) < 0.4)] = 0
    revenue_yuan = np.round(revenue).astype(np.int64)
    asset_ratio = np.where(_key_flags(("70", "6"))[industry], 4.0, 1.0)
    assets_yuan = np.round(np.maximum(revenue, 3e4) * asset_ratio * rng.lognormal(0.0, 0.8, n)).astype(np.int64)
    margin = rng.normal(0.05, 0.08, n)
    taxable_yuan = np.round(revenue * margin).astype(np.int64)
    wage = np.where(xinzhou, 6.5e4, 1.8e5)
    ui_yuan = np.round(employees * wage * 0.01 * rng.uniform(0.8, 1.1, n)).astype(np.int64)
    rd_share = np.where(tech, rng.uniform(0.03, 0.2, n), np.where(rng.random(n) < 0.1, rng.uniform(0, 0.03, n), 0))
    rd_yuan = np.round(revenue * rd_share).astype(np.int64)

    missing_employees = rng.random(n) < 0.06
    missing_revenue = rng.random(n) < 0.08
    missing_assets = rng.random(n) < np.where(individual, 0.6, 0.25)
    missing_taxable = rng.random(n) < np.where(individual, 0.8, 0.35)
    missing_rd = rng.random(n) < np.where(tech, 0.3, 0.6)
    missing_ui = rng.random(n) < np.where(individual, 0.8, 0.3)

    # --- classification ---------------------------------------------------------------------------
    u = rng.random(n)
    ownership = np.searchsorted(np.array([0.03, 0.06, 0.075, 0.085, 0.10, 0.95]), u, side="right")
    ownership[individual] = OWNERSHIP_LABELS.index("private")
    missing_ownership = ownership == len(OWNERSHIP_LABELS)  # the last 5%: not reported
    ownership[missing_ownership] = 0
    general_vat = (revenue_yuan >= 5_000_000) | (rng.random(n) < 0.15)
    taxpayer = (general_vat & ~individual).astype(np.int8)  # 1 general, 0 small_scale
    missing_taxpayer = rng.random(n) < 0.05
    above_size = industrial & (revenue_yuan >= 20_000_000)
    core_ip = np.where(tech, rng.random(n) < 0.45, rng.random(n) < 0.03)
    missing_core_ip = rng.random(n) < 0.3
    restricted = rng.random(n) < 0.01
    missing_restricted = rng.random(n) < 0.02

    # --- qualifications (valid on as_of; certificates issued over the last years) ------------
    enterprise = entity == 0
    boost = np.where(xinzhou, 0.3, np.where(bda | haidian, 1.6, 1.0))
    p_high_tech = np.where(tech & (employees >= 5) & (revenue_yuan >= 1_000_000), 0.12, 0.004) * boost
    high_tech_issued = enterprise & (rng.random(n) < p_high_tech)
    # issued in one of the last four years; a certificate lasts three years (some have lapsed)
    ht_from = _days(dt.date(as_of.year - 3, 1, 1)) + rng.integers(0, 4 * 365, n)
    ht_to = ht_from + 3 * 365 - 1
    as_of_day = _days(as_of)
    high_tech = high_tech_issued & (ht_from <= as_of_day) & (as_of_day <= ht_to)
    small_enough = employees < 500
    tech_sme = enterprise & small_enough & (rng.random(n) < np.where(tech, 0.15, 0.003) * boost)
    tech_sme_to = np.full(n, _days(dt.date(as_of.year, 12, 31)))
    zjtx_p = np.where((tech | industrial) & (employees >= 10) & (employees < 1000) & (revenue_yuan >= 10_000_000),
                      0.05, 0.0004) * boost
    zjtx = enterprise & (rng.random(n) < zjtx_p)
    zjtx_municipal = xinzhou & (rng.random(n) < 0.4)  # else provincial (北京市级 / 山西省级)
    zjtx_to = _days(dt.date(as_of.year, 1, 1)) + rng.integers(0, 3 * 365, n)
    giant = zjtx & (rng.random(n) < 0.12)
    giant_to = _days(dt.date(as_of.year, 7, 1)) + rng.integers(0, 3 * 365, n)
    missing_quals = rng.random(n) < 0.1

    # --- listing ---------------------------------------------------------------------------------
    u = rng.random(n)
    big = employees >= 300
    mid = (employees >= 50) & ~big
    listing = np.zeros(n, dtype=np.int8)  # LISTING_LABELS
    listing[enterprise & big & (u < 0.08)] = 1
    listing[enterprise & big & (u >= 0.08) & (u < 0.09)] = 2
    listing[enterprise & big & (u >= 0.09) & (u < 0.13)] = 3
    listing[enterprise & mid & (u < 0.002)] = 1
    listing[enterprise & mid & (u >= 0.002) & (u < 0.007)] = 3
    listed_this_year = (listing != 0) & (rng.random(n) < 0.1)
    board = np.where(listing == 3, 4, np.where(listing == 2, 5, rng.integers(0, 4, n)))  # BOARD_LABELS

    # --- events in as_of's year, on or before as_of ---------------------------------------------
    year_start = _days(dt.date(as_of.year, 1, 1))
    span = max(as_of_day - year_start + 1, 1)

    def event_day():
        return year_start + rng.integers(0, span, n)

    p_equipment = np.where(industrial, 0.3, np.where(_key_flags(("47", "48", "49", "50", "54", "58", "59"))[industry],
                                                      0.1, 0.03))
    p_equipment[individual] = 0.005
    equipment = rng.random(n) < p_equipment
    equipment_day = event_day()
    equipment_yuan = np.round(rng.lognormal(np.log(3e5), 1.6, n)).astype(np.int64)
    depreciation = rng.choice(np.array([3, 4, 5, 10]), n, p=[0.3, 0.15, 0.25, 0.3])
    first_set = enterprise & (rng.random(n) < np.where(_key_flags(_INDUSTRIAL[7:])[industry], 0.01, 0.0005))
    first_set_day = event_day()
    first_set_yuan = np.round(rng.lognormal(np.log(3e6), 1.0, n)).astype(np.int64)
    small_service = service & (employees < 100)
    rent_relief = small_service & (rng.random(n) < np.where(core | xinzhou, 0.05, 0.03))
    relief_months = rng.choice(np.array([3, 6]), n, p=[0.3, 0.7])
    relief_day = year_start + rng.integers(0, min(span, 181), n)
    relief_yuan = np.round(rng.lognormal(np.log(2e4), 0.9, n)).astype(np.int64) * relief_months
    listing_day = event_day()
    graduates = rng.poisson(np.maximum(employees, 0) * np.where(xinzhou, 0.01, 0.03))
    missing_graduates = (employees < 10) | (rng.random(n) < 0.5)

    # --- identity ---------------------------------------------------------------------------------
    authority = np.where(entity == 2, "5", "9").astype("S1")
    type_code = np.where(individual, "2", "1").astype("S1")
    # an affine bijection of 0..10^8-1 spreads serials without a 10^8-element permutation
    multiplier = int(rng.integers(1, 10**7)) * 20 + 1  # odd and not a multiple of 5: coprime to 10^8
    offset = int(rng.integers(0, 10**8))
    serial = (np.arange(n, dtype=np.int64) * multiplier + offset) % 10**8
    codes = uscc.generate_many(authority, type_code, np.array([int(c) for c in area_labels])[area], serial)
    name = _names(rng, n, area, area_labels, industry, individual)

    columns: dict[str, pa.Array] = {
        "uscc": pa.FixedSizeBinaryArray.from_buffers(pa.binary(18), n, [None, pa.py_buffer(codes.tobytes())])
        .cast(pa.binary()).cast(pa.string()),
        "name": name,
        "entity_type": _labels(entity, ENTITY_LABELS),
        "region_code": _labels(area, area_labels),
        "special_zone": _labels(area, zone_labels),
        "subdistrict_code": _streets(codes, np.array([int(c) for c in area_labels])[area]),
        "industry_code": _labels(industry, _INDUSTRY_KEYS),
        "industry_section": _labels(industry, _INDUSTRY_SECTIONS),
        "ownership": _labels(ownership, OWNERSHIP_LABELS, missing_ownership),
        "taxpayer_type": _labels(taxpayer, ["small_scale", "general"], missing_taxpayer),
        "above_designated_size": pa.array(above_size, mask=missing_revenue),
        "listing_status": _labels(listing, LISTING_LABELS),
        "employees": pa.array(employees, mask=missing_employees),
        "revenue": _money(revenue_yuan, missing_revenue),
        "total_assets": _money(assets_yuan, missing_assets),
        "taxable_income": _money(taxable_yuan, missing_taxable | missing_revenue),
        "rd_expense": _money(rd_yuan, missing_rd | missing_revenue),
        "unemployment_insurance_paid_last_year": _money(ui_yuan, missing_ui | missing_employees),
        "graduates_hired": pa.array(graduates.astype(np.int64), mask=missing_graduates),
        "restricted_industry": pa.array(restricted, mask=missing_restricted),
        "core_ip": pa.array(core_ip, mask=missing_core_ip),
        "high_tech_enterprise": pa.array(high_tech, mask=missing_quals),
        "high_tech_valid_until": _dates(ht_to, ~high_tech | missing_quals),
        "tech_sme": pa.array(tech_sme, mask=missing_quals),
        "tech_sme_valid_until": _dates(tech_sme_to, ~tech_sme | missing_quals),
        "srdi_level": _labels(np.where(zjtx, np.where(zjtx_municipal, 2, 1), 0), ["none", "provincial", "municipal"],
                              missing_quals),
        "srdi_valid_until": _dates(zjtx_to, ~zjtx | missing_quals),
        "little_giant_level": _labels(giant.astype(np.int8), ["none", "national"], missing_quals),
        "little_giant_valid_until": _dates(giant_to, ~giant | missing_quals),
        "equipment_purchase__date": _dates(equipment_day, ~equipment),
        "equipment_purchase__unit_value": _money(equipment_yuan, ~equipment),
        "equipment_purchase__min_depreciation_years": pa.array(depreciation.astype(np.int64), mask=~equipment),
        "first_set_purchase__date": _dates(first_set_day, ~first_set),
        "first_set_purchase__price": _money(first_set_yuan, ~first_set),
        "rent_relief__date": _dates(relief_day, ~rent_relief),
        "rent_relief__amount": _money(relief_yuan, ~rent_relief),
        "rent_relief__months": pa.array(relief_months.astype(np.int64), mask=~rent_relief),
        "listing__date": _dates(listing_day, ~listed_this_year),
        "listing__board": _labels(board, BOARD_LABELS, ~listed_this_year),
    }
    period_names = facts.default_period_names()
    by_period = _period_columns(np.random.default_rng([seed, 7]), n, columns, period_names, as_of, seed)
    columns.update(by_period)
    read = facts.arrow_schema(period_names)
    # months and quarters of a window (the columns its figure is completed from: rules/period_parts.py)
    schema = facts.arrow_schema(period_names, extra=[pa.field(c, a.type) for c, a in by_period.items()
                                                    if c not in read.names])
    nulls: dict[pa.DataType, pa.Array] = {}  # one all-null array per type, shared (arrays are immutable)
    arrays = [columns[f.name] if f.name in columns else nulls.setdefault(f.type, pa.nulls(n, f.type))
              for f in schema]
    table = pa.Table.from_arrays(arrays, schema=schema)
    table = table.replace_schema_metadata({
        "zhida.as_of": as_of.isoformat(), "zhida.seed": str(seed), "zhida.count": str(n),
        "zhida.generator": "zhida.enterprises.generate/1",
    })
    return Population(table, as_of, seed)


def _streets(codes: np.ndarray, districts: np.ndarray) -> pa.Array:
    """A plausible 街道 of each enterprise's district, fixed by its USCC (streets.pick): drawn
    without the generator's random stream, so every other column is what it was before."""
    from zhida.enterprises import streets

    raw = np.ascontiguousarray(codes).tobytes()  # n USCCs of 18 ASCII bytes each
    return pa.array([streets.pick(str(d), raw[18 * i:18 * i + 18].decode()) for i, d in enumerate(districts)],
                    pa.string())


def write_parquet(population: Population, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".part")
    pq.write_table(population.table, temporary, compression="zstd", row_group_size=262_144)
    temporary.replace(out)  # a half-written file never carries the final name
    return out


# --- column builders -------------------------------------------------------------------------------

def _days(day: dt.date) -> int:
    return (day - EPOCH).days


def _labels(index: np.ndarray, labels: list[str], missing: np.ndarray | None = None) -> pa.Array:
    """Small-int codes → Arrow strings, via a dictionary array (no per-row Python objects)."""
    indices = pa.array(np.asarray(index, dtype=np.int32), mask=missing)
    return pa.DictionaryArray.from_arrays(indices, pa.array(labels, pa.string())).dictionary_decode()


def _period_columns(rng: np.random.Generator, n: int, columns: dict, names: list[str], as_of: dt.date,
                    seed: int) -> dict:
    """Columns of the period-qualified facts the rules read (``revenue__year_m2``,
    ``small_scale_sales_at_3pct__p20220401_20221231`` …): earlier years drift from the last year's
    figure, parts of a year are its share of it (flows) or about it (stocks); ~10% unknown. Drawn
    from their own generator, after everything else, so the other columns do not change — except
    a bare yearly fact not generated otherwise, which is its own @last_year column."""
    from zhida.rules import period_parts, periods

    out = {}
    for name in names:
        fact = facts.catalogue().get(name)
        base_name, spec = periods.split(name)
        period = periods.resolve(spec, as_of)
        missing = rng.random(n) < 0.10
        base = columns.get(base_name)
        if isinstance(base, pa.Array) and period == periods.year(facts.year_of(facts.catalogue().get(base_name), as_of)):
            out[fact.column] = base  # the bare yearly fact is last year's: the same figure
            continue
        if isinstance(base, pa.Array) and base.null_count < len(base) and fact.type in ("money", "integer", "decimal", "percent"):
            values = np.nan_to_num(np.array(base.to_numpy(zero_copy_only=False), dtype=float))
            missing |= np.array(base.is_null().to_numpy(zero_copy_only=False))
        elif fact.type == "percent":
            values = rng.uniform(0.1, 0.6, n)
        elif fact.type == "boolean":
            out[fact.column] = pa.array(rng.random(n) < 0.3, mask=missing)
            continue
        else:
            values = rng.lognormal(13.0, 1.5, n)  # about 44万元, heavy-tailed
        years_back = (as_of.year - 1) - period.start.year
        values = values * rng.lognormal(0.0, 0.15, n) ** max(abs(years_back), 1)
        if fact.flow and period.kind != "year":
            values = values * ((period.end - period.start).days + 1) / 365
        if fact.type == "percent":
            out[fact.column] = pa.array(np.round(np.clip(values, 0, 1), 4).astype(str), mask=missing).cast(facts.DECIMAL)
        elif fact.type == "money" and fact.flow and period.kind != "year" and period_parts.parts_of(period):
            out.update(_window_by_parts(np.random.default_rng([seed, 8, len(out)]), base_name, period,
                                        np.round(values).astype(np.int64), missing))
        elif fact.type == "money":
            out[fact.column] = _money(np.round(values).astype(np.int64), missing)
        elif fact.type == "integer":
            out[fact.column] = pa.array(np.round(values).astype(np.int64), mask=missing)
        else:
            out[fact.column] = pa.array(np.round(values, 4).astype(str), mask=missing).cast(facts.DECIMAL)
        base_fact = facts.catalogue().get(base_name)
        if base is None and base_fact is not None and base_fact.temporal == "yearly" \
                and period == periods.year(facts.year_of(base_fact, as_of)):
            # the bare yearly fact IS this figure (a profile cannot hold one without the other)
            out[base_fact.column] = out[fact.column]
    return out


WINDOW_FORMS = (0.45, 0.30, 0.15, 0.10)  # the window's figure as: one figure, months, quarters, a quarter + months


def _window_by_parts(rng: np.random.Generator, base: str, period, yuan: np.ndarray, missing: np.ndarray) -> dict:
    """A flow over a window shorter than a year (the VAT window's 3% sales, 2022-04..12), as a
    profile gives it: the window's own figure (45 %), its months (30 %), its quarters (15 %) or its
    first quarter and then months (10 %) — parts that add up exactly (to the yuan) to the figure
    the window would have; in one in twenty enterprises given months one month is missing (the
    window is unknown then, as in a checkup). Columns ``base__p…`` for the window and every part."""
    from zhida.rules import periods

    n = len(yuan)
    quarters = [p for p in period.parts() if p.kind == "quarter"]
    months = [m for p in period.parts() for m in (p.parts() if p.kind == "quarter" else [p])]
    form = rng.choice(len(WINDOW_FORMS), size=n, p=WINDOW_FORMS)
    weights = np.cumsum(rng.gamma(4.0, 1.0, (n, len(months))), axis=1)
    ends = np.round(yuan[:, None] * weights / weights[:, -1:]).astype(np.int64)
    by_month = np.diff(ends, axis=1, prepend=0)  # whole yuan, summing exactly to the window's figure
    gap = rng.integers(0, len(months), n)
    drop = (form == 1) & (rng.random(n) < 0.05)
    column = lambda p: facts.catalogue().get(f"{base}{periods.SEP}{p.key}").column  # noqa: E731
    out = {column(period): _money(yuan, missing | (form != 0))}
    first_quarter_months = {m.key for m in quarters[0].parts()} if quarters else set()
    for j, m in enumerate(months):
        given = (form == 1) | ((form == 3) & (m.key not in first_quarter_months))
        out[column(m)] = _money(by_month[:, j], missing | ~given | (drop & (gap == j)))
    for q in quarters:
        inside = [j for j, m in enumerate(months) if q.start <= m.start and m.end <= q.end]
        given = (form == 2) | ((form == 3) & (q is quarters[0]))
        out[column(q)] = _money(by_month[:, inside].sum(axis=1), missing | ~given)
    return out


def _money(yuan: np.ndarray, missing: np.ndarray) -> pa.Array:
    """Exact decimal128(18,2) from whole yuan: the unscaled value is fen, written as 128-bit ints."""
    fen = yuan.astype(np.int64) * 100
    words = np.empty((len(fen), 2), dtype=np.int64)
    words[:, 0] = fen
    words[:, 1] = fen >> 63  # sign extension into the high word
    validity = pa.array(~missing, pa.bool_()).buffers()[1]
    return pa.Array.from_buffers(facts.MONEY, len(fen), [validity, pa.py_buffer(words.tobytes())],
                                 null_count=int(missing.sum()))


def _dates(days: np.ndarray, missing: np.ndarray) -> pa.Array:
    return pa.array(days.astype(np.int32), type=pa.int32(), mask=missing).cast(pa.date32())


def _names(rng: np.random.Generator, n: int, area: np.ndarray, area_labels: list[str], industry: np.ndarray,
           individual: np.ndarray) -> pa.Array:
    from zhida.enterprises.industries import section_of_division

    place = _labels(area, [_place(code, regions.name_of(code)) for code in area_labels])
    word = _labels(rng.integers(0, len(_WORDS), n), _WORDS.tolist())
    trade = _labels(industry, [_SECTION_WORD[section_of_division()[k[:2]]] for k in _INDUSTRY_KEYS])
    suffix = _labels(individual.astype(np.int8), ["有限公司", "经营部"])
    return pc.binary_join_element_wise(place, word, trade, suffix, "")


def _place(code: str, name: str) -> str:
    if code.startswith("11"):
        return "北京" + name.rstrip("区")
    return "忻州" + (name[:-1] if len(name) > 2 else name)


# --- loading a population into the store (`zhida generate --store`) ----------------------------

def row_to_profile(row: dict, as_of: dt.date):
    """A generated row back to a profile (figures of as_of.year - 1 and of every period column the
    row has, events as dated events)."""
    from zhida.enterprises.industries import normalize
    from zhida.enterprises.population_store import add_period_figures
    from zhida.enterprises.profile import EnterpriseProfile

    year = as_of.year - 1
    figures = {k: row[c] for k, c in (("employees", "employees"), ("revenue", "revenue"),
                                      ("total_assets", "total_assets"), ("taxable_income", "taxable_income"),
                                      ("rd_expense", "rd_expense"), ("above_designated_size", "above_designated_size"),
                                      ("unemployment_insurance_paid", "unemployment_insurance_paid_last_year"))
               if row[c] is not None}
    quals = None
    if row["high_tech_enterprise"] is not None:
        quals = []
        if row["high_tech_enterprise"]:
            quals.append({"type": "high_tech", "level": "national", "valid_to": row["high_tech_valid_until"]})
        if row["tech_sme"]:
            quals.append({"type": "tech_sme", "level": "national", "valid_to": row["tech_sme_valid_until"]})
        if row["srdi_level"] not in (None, "none"):
            quals.append({"type": "zjtx_sme", "level": row["srdi_level"], "valid_to": row["srdi_valid_until"]})
        if row["little_giant_level"] not in (None, "none"):
            quals.append({"type": "little_giant", "level": row["little_giant_level"],
                          "valid_to": row["little_giant_valid_until"]})
    events = []
    if row["equipment_purchase__date"] is not None:
        events.append({"type": "equipment_purchase", "date": row["equipment_purchase__date"],
                       "unit_value": row["equipment_purchase__unit_value"],
                       "min_depreciation_years": row["equipment_purchase__min_depreciation_years"]})
    if row["first_set_purchase__date"] is not None:
        events.append({"type": "first_set_purchase", "date": row["first_set_purchase__date"],
                       "price": row["first_set_purchase__price"]})
    if row["rent_relief__date"] is not None:
        events.append({"type": "rent_relief", "date": row["rent_relief__date"], "amount": row["rent_relief__amount"],
                       "months": row["rent_relief__months"]})
    if row["listing__date"] is not None:
        events.append({"type": "listing", "date": row["listing__date"], "board": row["listing__board"]})
    year_figures = {str(year): figures}
    if row["graduates_hired"] is not None:
        year_figures[str(as_of.year)] = {"graduates_hired": row["graduates_hired"]}
    add_period_figures(year_figures, row, as_of)  # earlier years, the VAT window … as the Parquet row
    return EnterpriseProfile.model_validate({
        "uscc": row["uscc"], "name": row["name"], "region_code": row["region_code"],
        "special_zone": None if row["special_zone"] == "none" else row["special_zone"],
        "subdistrict_code": row.get("subdistrict_code"),
        "industry_code": normalize(row["industry_code"]), "entity_type": row["entity_type"],
        "ownership": row["ownership"], "taxpayer_type": row["taxpayer_type"],
        "listing_status": row["listing_status"], "restricted_industry": row["restricted_industry"],
        "core_ip": row["core_ip"], "figures": year_figures, "qualifications": quals,
        "qualifications_complete": quals is not None, "events": events,
    })


def store_population(population: Population, store, batch_size: int = 10_000) -> tuple[int, int]:
    """Insert the population's profiles; USCCs already in the store are skipped. (stored, skipped).
    Bulk and set-based: see population_store."""
    from zhida.enterprises.population_store import store_population as store_in_bulk

    return store_in_bulk(population, store, batch_size)
