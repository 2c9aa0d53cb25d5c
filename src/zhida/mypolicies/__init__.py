"""我的政策 — the enterprise's own page: what it can get now, with one more fact or one plausible
change, deadlines coming up, and what changed since its last visit.

    mine.assemble(report, policies)        -> dict   (from a match report, docs/match-json.md)
    snapshot.take(report) / snapshot.diff(before, after, snapshot.titles(report))
    how_to_apply.for_measure(measure, policies) / how_to_apply.extract(clauses)
    seen.visit(store, user_id, uscc, snapshot)   (table my_policies_seen)
"""
