"""PDF 体检报告: the checkup rendered from an HTML template by WeasyPrint.

Fonts are the system's CJK fonts (Debian fonts-noto-cjk, else WenQuanYi), found by fontconfig;
nothing is fetched: any URL WeasyPrint would follow is refused.
"""

from __future__ import annotations

from datetime import datetime, timezone


def _no_network(url: str, *args, **kwargs):
    raise ValueError(f"external resource refused in PDF reports: {url}")


def checkup_pdf(checkup, templates) -> bytes:
    from weasyprint import HTML

    html = templates.env.get_template("reports/checkup_pdf.html").render(
        c=checkup, e=checkup.enterprise, report=checkup.report,
        generated=datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M"))
    return HTML(string=html, url_fetcher=_no_network).write_pdf()
