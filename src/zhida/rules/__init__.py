"""Rules as code: measures as YAML data, one expression AST, SQL and scalar back ends.

Public entry points:
  load_policies(dir)        → Policies (catalogue, concepts, measures, errors)
  evaluate(measure, facts, as_of, policies) → MeasureResult (scalar, explained)
  compile_measures(...) / run_duckdb(...) / run_postgres(...) → set-based evaluation
"""

from zhida.rules.loader import Policies, load_policies

__all__ = ["Policies", "load_policies"]
