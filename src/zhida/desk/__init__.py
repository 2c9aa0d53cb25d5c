"""The enterprise service desk (服务包, 诉求 with the 12345 chain, visits, figures) and the policy
intelligence it uses: routing suggestions (``routing``) and draft answers to policy questions
(``consult``), both drawn from zhida's own clause corpus.


- ``requests``: a request (诉求) from any source moving through the declared workflow
  ``data/request.workflow.yaml`` (受理 → 派单 → 签收/办理 → 反馈 → 回访评价 → 办结, 督办 on overdue);
- ``roles``: which workflow roles a person holds on one request (首接单位, 承办单位, 会商单位 …) and
  what they may see; ``offices``: the supervising unit, the hotline's and the enterprise line's
  receiving units, request types, unit grades; ``catalogue``: the 派单目录 (request kinds → units);
- ``merging``: 重复诉求并单; ``hotline``: 12345 import/export; ``suggest``: the routing suggestion as
  the chain stores it;
- ``packages``, ``needs``, ``visits``: 服务包, 服务需求清单, 走访 and 一企一策;
- ``figures``: 响应率、解决率、满意率 per unit and month, rankings, trends, back-to-policy counts.
"""
