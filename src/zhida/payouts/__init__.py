"""政策兑现: the ledger and its guards, 免申即享 lists (issue 12).

- ``tables``: payout records, lock rows, budgets, 免申即享 lists and items (migration 1000);
- ``declarations``: caps, stacking and 免申即享 marks declared in ``policies/payouts/*.yaml``;
- ``rules_check``: what the rule allows on frozen facts, and the rule's version;
- ``ledger``: reserve (every guard), pay, cancel, claw back, budgets (资金池) and their queue;
- ``recheck``: facts changed after approval → flagged for review;
- ``stacking``: which of an enterprise's measures stack or exclude each other;
- ``exempt``: 免申即享 lists — batch build, bulk confirm with exclusions, 意愿确认, 拨付到账;
- ``views``: what an enterprise or an official sees of the records (scope, expected dates);
- ``applications``: 申报制 applications — declared workflow, routing, frozen facts, 材料, attachments,
  the staff's queue and monthly 兑现 report (approval reserves through ``ledger``).
"""
