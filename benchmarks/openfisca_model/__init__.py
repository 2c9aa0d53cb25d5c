"""Five zhida measures written as an OpenFisca model (openfisca-core), for benchmarks only.

One entity (企业). Facts are input variables; a missing fact is carried by a ``*_known`` input
(OpenFisca has no NULL), and conditions are three-valued int8 arrays (1 TRUE, 0 FALSE, -1
UNKNOWN) combined with Kleene AND/OR, exactly zhida's semantics. Per measure: ``<m>_status``
(0 eligible, 1 ineligible, 2 undetermined, 3 not_applicable) and ``<m>_amount`` (yuan;
OpenFisca floats are float32, so amounts are compared to zhida's to within 1 yuan) with
``<m>_amount_known``. Measures (same ids as policies/measures):
  xz2022.first-set-equipment-subsidy, cy2022.bse-listing-subsidy, xz2022.six-taxes-two-fees,
  xz2022.small-scale-vat-exemption, zjtx2021.listing-subsidy.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.periods import DateUnit
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

Enterprise = build_entity(key="enterprise", plural="enterprises", label="企业", is_person=True)
YEAR = DateUnit.YEAR
T, F, U = 1, 0, -1
STATUS = ("eligible", "ineligible", "undetermined", "not_applicable")

# input facts: name → value type (strings for codes, float for money/counts, int for dates as days)
FACTS = {
    "region_code": str, "special_zone": str, "entity_type": str, "taxpayer_type": str, "listing__board": str,
    "srdi_level": str, "little_giant_level": str,
    "first_set_purchase__price": float, "taxable_income": float, "employees": float, "total_assets": float,
    "six_taxes_two_fees_due": float, "small_scale_sales_at_3pct": float,
    "restricted_industry": bool, "srdi_valid_until": int, "little_giant_valid_until": int,
}
MEASURES = ("xz2022.first-set-equipment-subsidy", "cy2022.bse-listing-subsidy", "xz2022.six-taxes-two-fees",
            "xz2022.small-scale-vat-exemption", "zjtx2021.listing-subsidy")


def var(name: str) -> str:
    return name.replace(".", "_").replace("-", "_")


def k_and(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = np.where((out == F) | (x == F), F, np.where((out == T) & (x == T), T, U))
    return out.astype(np.int8)


def k_or(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = np.where((out == T) | (x == T), T, np.where((out == F) & (x == F), F, U))
    return out.astype(np.int8)


def k_not(x):
    return np.where(x == U, U, 1 - x).astype(np.int8)


def tv(test, known):
    """A comparison as a three-valued array."""
    return np.where(known, np.where(test, T, F), U).astype(np.int8)


def fact(e, period, name):
    return e(name, period), e(name + "_known", period)


def status(applicable, conditions):
    allc = k_and(*conditions) if conditions else np.full(applicable.shape, T, np.int8)
    eligible = k_and(applicable, allc)
    return np.select([applicable == F, allc == F, eligible == T], [3, 1, 0], 2).astype(np.int32)


def _jur_prefix(e, period, prefix: str):
    region, known = fact(e, period, "region_code")
    return tv(np.char.startswith(region.astype(str), prefix), known)


def _ben(e, period, allowed):
    kind, known = fact(e, period, "entity_type")
    return tv(np.isin(kind, allowed), known)


# --- the five measures: applicability + conditions ------------------------------------------------

def first_set(e, period):
    price, pk = fact(e, period, "first_set_purchase__price")
    app = k_and(_jur_prefix(e, period, "1409"), _ben(e, period, ["enterprise"]))
    return app, [tv(price > 0, pk)]


def bse_listing(e, period):
    region, rk = fact(e, period, "region_code")
    board, bk = fact(e, period, "listing__board")
    app = k_and(tv(region == "110105", rk), _ben(e, period, ["enterprise"]))
    return app, [tv(board == "bse", bk)]


def small_low_profit(e, period):
    kind, kk = fact(e, period, "entity_type")
    restricted, rk = fact(e, period, "restricted_industry")
    income, ik = fact(e, period, "taxable_income")
    staff, sk = fact(e, period, "employees")
    assets, ak = fact(e, period, "total_assets")
    return k_and(tv(kind == "enterprise", kk), k_not(tv(restricted, rk)), tv(income <= 3_000_000, ik),
                 tv(staff <= 300, sk), tv(assets <= 50_000_000, ak))


def six_taxes(e, period):
    taxpayer, tk = fact(e, period, "taxpayer_type")
    kind, kk = fact(e, period, "entity_type")
    app = k_and(_jur_prefix(e, period, "1409"), _ben(e, period, ["enterprise", "individual_business"]))
    return app, [k_or(tv(taxpayer == "small_scale", tk), small_low_profit(e, period),
                      tv(kind == "individual_business", kk))]


def small_scale_vat(e, period):
    taxpayer, tk = fact(e, period, "taxpayer_type")
    app = k_and(_jur_prefix(e, period, "1409"), _ben(e, period, ["enterprise", "individual_business"]))
    return app, [tv(taxpayer == "small_scale", tk)]


AS_OF_DAYS = 19357  # 2022-12-31 as days since 1970-01-01 (the batch's as_of)


def listing_subsidy(e, period):
    srdi, sk = fact(e, period, "srdi_level")
    srdi_to, stk = fact(e, period, "srdi_valid_until")
    giant, gk = fact(e, period, "little_giant_level")
    giant_to, gtk = fact(e, period, "little_giant_valid_until")
    board, bk = fact(e, period, "listing__board")
    scope = k_or(k_and(tv(np.isin(srdi, ["national", "provincial"]), sk), tv(srdi_to >= AS_OF_DAYS, stk)),
                 k_and(tv(np.isin(giant, ["national", "provincial"]), gk), tv(giant_to >= AS_OF_DAYS, gtk)))
    overseas = tv(board == "overseas", bk)  # CASE WHEN board = 'overseas' THEN open.major_exchange (met) ELSE …
    listed = np.where(overseas == T, T, tv(np.isin(board, ["main", "star", "chinext", "bse"]), bk)).astype(np.int8)
    app = k_and(_jur_prefix(e, period, "11"), _ben(e, period, ["enterprise"]))
    return app, [scope, listed]


RULES = {
    "xz2022.first-set-equipment-subsidy": (first_set, lambda e, p: (np.minimum(e("first_set_purchase__price", p) * 0.10, 300_000), e("first_set_purchase__price_known", p))),
    "cy2022.bse-listing-subsidy": (bse_listing, lambda e, p: (np.full(e("region_code_known", p).shape, 5_000_000.0), np.full(e("region_code_known", p).shape, True))),
    "xz2022.six-taxes-two-fees": (six_taxes, lambda e, p: (e("six_taxes_two_fees_due", p) * 0.5, e("six_taxes_two_fees_due_known", p))),
    "xz2022.small-scale-vat-exemption": (small_scale_vat, lambda e, p: (e("small_scale_sales_at_3pct", p) * 0.03, e("small_scale_sales_at_3pct_known", p))),
    "zjtx2021.listing-subsidy": (listing_subsidy, lambda e, p: (np.full(e("region_code_known", p).shape, 3_000_000.0), np.full(e("region_code_known", p).shape, True))),
}


def _input(name: str, vtype) -> type:
    return type(name, (Variable,), {"value_type": vtype, "entity": Enterprise, "definition_period": YEAR,
                                    "label": name})


def _status_var(mid: str) -> type:
    rule = RULES[mid][0]

    def formula(enterprise, period, parameters):
        app, conds = rule(enterprise, period)
        return status(app, conds)

    return type(var(mid) + "_status", (Variable,), {"value_type": int, "entity": Enterprise,
                                                     "definition_period": YEAR, "label": mid, "formula": formula})


def _amount_vars(mid: str) -> list[type]:
    amount = RULES[mid][1]
    status_name = var(mid) + "_status"

    def value(enterprise, period, parameters):
        v, known = amount(enterprise, period)
        return np.where((enterprise(status_name, period) == 0) & known, v, 0)

    def known(enterprise, period, parameters):
        _, k = amount(enterprise, period)
        return (enterprise(status_name, period) == 0) & k

    common = {"entity": Enterprise, "definition_period": YEAR, "label": mid}
    return [type(var(mid) + "_amount", (Variable,), {"value_type": float, "formula": value, **common}),
            type(var(mid) + "_amount_known", (Variable,), {"value_type": bool, "formula": known, **common})]


def tax_benefit_system() -> TaxBenefitSystem:
    system = TaxBenefitSystem([Enterprise])
    for name, vtype in FACTS.items():
        system.add_variable(_input(name, vtype))
        system.add_variable(_input(name + "_known", bool))
    for mid in MEASURES:
        system.add_variable(_status_var(mid))
        for v in _amount_vars(mid):
            system.add_variable(v)
    return system
