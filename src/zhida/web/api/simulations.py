"""模拟测算 API: a measure's parameters, and one what-if (baseline vs reform)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from zhida.web import simulation_ops
from zhida.web.api.enterprise_schemas import SimulationInput, SimulationParameter, SimulationResult
from zhida.web.deps import Principal, require
from zhida.web.errors import LOOKUP_ERRORS, READ_ERRORS

router = APIRouter(prefix="/api/v1/simulations", tags=["模拟测算"])
runner = require("simulations", "run")


@router.get("/measures", responses=READ_ERRORS, summary="可测算的措施（含可调整参数的）")
def measures(_: Principal = Depends(runner)) -> list[dict]:
    return simulation_ops.measures_with_parameters(_)


@router.get("/parameters", response_model=list[SimulationParameter], responses=LOOKUP_ERRORS,
            summary="措施的可调整参数（比例、上限、门槛）")
def parameters(measure: str = Query(..., max_length=128), principal: Principal = Depends(runner)):
    return [SimulationParameter(**p) for p in simulation_ops.parameters(principal, measure)]


@router.post("", response_model=SimulationResult, responses=LOOKUP_ERRORS,
             summary="运行一次测算：按地区、行业对比覆盖企业数与资金规模，列出受益增减的企业")
def run(request: Request, body: SimulationInput, principal: Principal = Depends(runner)) -> SimulationResult:
    return SimulationResult(**simulation_ops.run(request, principal, body.measure, body.parameter, body.value))
