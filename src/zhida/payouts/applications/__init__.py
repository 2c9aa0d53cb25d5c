"""政策兑现申请 (申报制): an enterprise applies from its checkup; the application moves through a
declared ``zhida.workflow`` definition (``application.workflow.yaml``: 草稿 → 已提交 → 已受理/不予受理 →
审核中 ⇄ 补正 → 审核通过/不通过 → 公示 → 拨付 → 已兑现; 撤回, 追回).

- ``routing``: the measure's responsible unit at the enterprise's level (市级 / 区级);
- ``roles``: who holds which role on one application (applicant, acceptor, reviewer, payer, supervisor);
- ``frozen``: the facts frozen with the application and the rule's amount on them;
- ``materials``: 材料清单 from the text, else the unit's list; ``attachments``: checked by content, stored;
- ``service``: start, declare, attach, act (every transition), tick (the clock);
- ``progress``: where an application and its money are, and when the next step is due;
- ``queries``: lists, per-measure figures, the monthly 兑现 figures; ``reports``: XLSX and PDF;
- ``ledger_link`` / ``notices``: the ledger's guards and the inbox, when installed.
"""
