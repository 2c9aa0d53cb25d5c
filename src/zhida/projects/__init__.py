"""北京市高精尖产业项目库, 首谈制 and the 产业地图 (issue 14).

- ``library``: projects (owner or prospective investor, figures, stage 谋划→…→投产 as a declared
  workflow, 项目管家, documents), listed by role scope (``roles``);
- ``shoutan``: 001 第五条 首谈制 — lead, recognition of the 首谈区, 3 calendar months, flag,
  reassignment with history, pushed projects credited to the pushing district;
- ``agency``: 001 第十五条 third-party agency reward evaluated on the project record;
- ``parcels``: the industrial map (parcels/buildings with admission standards in the rule
  language) and 地等项目 matching both ways; ``criteria``: conditions compiled and explained;
- ``coverage``: 服务包 (zhida.desk) that cover the library take every project owner in;
- ``imports``: projects and parcels from CSV/XLSX, idempotent by code, with a reject report.

Financing matchmaking is its own package, ``zhida.finance`` (it reads projects, not the reverse).
"""
