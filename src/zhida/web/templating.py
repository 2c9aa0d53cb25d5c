"""Jinja2 for the pages: autoescape on for every template, helpers for Chinese display."""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates

from zhida import money_format
from zhida.matching.amount_display import amount_display
from zhida.pushlists.choices import industry_label
from zhida.documents import citation
from zhida.rules.vocabulary import PARSING_ZH, zh


def _zh_date(value) -> str:
    if not value:
        return "—"
    text = str(value)[:10]
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"
    return text


def _beijing_time(instant) -> str:
    """An instant (UTC) as Beijing wall time: 2026年12月3日 09:05."""
    from zhida.workflow.calendar import BEIJING

    if not instant:
        return "—"
    if instant.tzinfo is None:
        from datetime import UTC

        instant = instant.replace(tzinfo=UTC)
    local = instant.astimezone(BEIJING)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _event_label(code) -> str:
    from zhida.notify.events import label

    return label(str(code))


def _region_label(code) -> str:
    """A stored region code as 名称（代码）: users see 朝阳区, the code stays visible."""
    from zhida.enterprises import regions

    if not code:
        return "—"
    name = regions.label(str(code))
    return name if name == code else f"{name}（{code}）"


def _clause_location(clause_id, labels=None) -> str:
    """{{ n.id | clause_location(n.labels) }} → 第三条（八）, 序言, 结尾部分 (zhida.documents.citation)."""
    return citation.clause_label(labels, str(clause_id)) or "条款"


COVERAGE_ZH = PARSING_ZH  # clause states in the words staff and enterprises read (政策解析进度)


def make_templates(directory: Path) -> Jinja2Templates:
    # autoescape=True (not select_autoescape) so that even a template with an unusual suffix
    # is escaped; nothing in zhida's templates uses |safe.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["zh_date"] = _zh_date
    env.filters["region_label"] = _region_label
    env.filters["beijing_time"] = _beijing_time
    env.filters["event_label"] = _event_label
    # money: one formatter everywhere (zhida.money_format): |money → 1,335.09 万元, |money_exact →
    # 13,350,862.00 元, |amount_display → a result's amount line (金额待核定 and why, never 0)
    env.filters["money"] = money_format.money
    env.filters["money_exact"] = money_format.yuan
    env.filters["amount_display"] = amount_display
    env.filters["industry_label"] = industry_label
    env.filters["zh"] = zh  # every code shown goes through the one vocabulary: {{ code | zh("review_status") }}
    env.filters["clause_location"] = _clause_location
    env.filters["simplified"] = citation.simplified  # traditional-script titles read in simplified first
    env.filters["short_title"] = citation.short_title
    env.filters["is_traditional"] = citation.is_traditional
    env.globals["COVERAGE_ZH"] = COVERAGE_ZH
    # tojson still escapes < > & ' (HTML-safe); Chinese stays readable instead of \uXXXX.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return Jinja2Templates(env=env)
