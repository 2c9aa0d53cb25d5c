"""Wiring of the enterprise features into the app (called once by ``create_app``).

- ``app.state.as_of``: the date checkups are computed on (``ZHIDA_AS_OF``, default today);
- ``app.state.checkups``: the checkup memo (zhida.matching.checkup);
- ``app.state.enterprise_region``: USCC → district name, for the staff region guard in deps.py;
- ``app.state.jobs``: background batch / simulation jobs.
"""

from __future__ import annotations

import os
from datetime import date

from fastapi import FastAPI

from zhida.errors import ZhidaError


def default_as_of() -> date:
    text = os.environ.get("ZHIDA_AS_OF")
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ZhidaError("ZHIDA_AS_OF", f"{text!r} is not a date YYYY-MM-DD") from None


def install(app: FastAPI) -> None:
    from zhida.web import enterprise_data
    from zhida.matching.checkup import CheckupCache
    from zhida.jobs.batch import JobRegistry

    store = app.state.store
    app.state.as_of = default_as_of()
    app.state.checkups = CheckupCache()
    app.state.enterprise_region = lambda uscc: enterprise_data.region_of(store, uscc)
    app.state.jobs = JobRegistry(store=store)  # marks jobs of dead processes interrupted
    from zhida.web.import_jobs import clean_uploads

    clean_uploads(store)  # upload copies of imports no longer running
