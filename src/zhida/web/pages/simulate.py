"""模拟测算 page: pick a measure and one of its numbers, set a new value, and compare coverage
and cost by district and industry (ECharts), with the enterprises that gain or lose."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request

from zhida.web import simulation_ops
from zhida.web.deps import Principal, require
from zhida.web.errors import WebError
from zhida.web.pages.common import render

router = APIRouter(include_in_schema=False)
runner = require("simulations", "run")


@router.get("/simulations")
def simulations_page(request: Request, measure: str = Query("", max_length=128), principal: Principal = Depends(runner)):
    measures = simulation_ops.measures_with_parameters(principal)
    chosen = measure or (measures[0]["id"] if measures else "")
    params = simulation_ops.parameters(principal, chosen) if chosen else []
    return render(request, "sections/simulations.html", {"title": "模拟测算", "measures": measures, "chosen": chosen,
                                                         "params": params, "result": None, "error": None},
                  active="simulations")


@router.get("/simulations/parameters")
def parameters_fragment(request: Request, measure: str = Query(..., max_length=128), principal: Principal = Depends(runner)):
    return render(request, "simulations/_parameters.html", {"params": simulation_ops.parameters(principal, measure)})


@router.post("/simulations/run")
def run_page(request: Request, measure: str = Form(..., max_length=128), parameter: str = Form(..., max_length=128),
             value: str = Form(..., max_length=40), principal: Principal = Depends(runner)):
    try:
        result, error = simulation_ops.run(request, principal, measure, parameter, value), None
    except WebError as exc:
        if exc.status not in (404, 422):
            raise
        result, error = None, exc.message
    status = 200 if request.headers.get("HX-Request") or error is None else 422
    return render(request, "simulations/_result.html", {"result": result, "error": error}, status_code=status)
