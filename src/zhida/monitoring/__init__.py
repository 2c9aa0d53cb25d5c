"""运行监测 and 亩均 evaluation: indicators per enterprise and month, alert rules in the rule
language over periods (batch on DuckDB, explained by the scalar evaluator), alerts handed to the
service desk as requests, and the 亩均效益 grading per enterprise and year.

Modules: ``tables`` (rows), ``indicators`` (import of statistics files), ``alerts`` (rules, batch,
hand-over, closing), ``evaluation`` (亩均 indicators, score, grades)."""
