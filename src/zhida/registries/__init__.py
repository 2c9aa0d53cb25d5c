"""Registries (企业库、名单、梯度培育): lists government keeps and acts on, declared as data.

``definition`` (policies/registries/*.yaml → registries with tiers and versioned entry criteria in
the rule language), ``tables`` (memberships with history, proposals, flags, targets, imports),
``membership`` (who is on a list on a date; entries mirrored into the profile so measures read
membership as a fact), ``candidates`` (who meets the criteria now and is not a member, by batch),
``review`` (applications, recommendations and candidates reviewed by the keeping unit through the
declared workflow), ``dynamic`` (members who no longer qualify, flagged with the reason),
``figures`` (梯度培育 counts, conversion, targets; XLSX), ``imports`` (lists from other systems).
"""
