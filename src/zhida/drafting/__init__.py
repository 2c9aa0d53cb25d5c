"""Drafted rules (issue 17): every benefit-giving sentence of an ingested document becomes a draft
measure in the project's YAML form, reviewed in the web and published as a versioned rule.

``source`` (a document as drafting reads it: parsed or stored), ``lexicon`` (phrases → catalogue
facts and concepts), ``draft`` (sentence → draft measure), ``yamlform`` (drafts as measure-file
YAML), ``validate`` (the loader's own checks on a draft), ``score`` (drafts against reviewed
measures), ``tables`` / ``drafts`` (stored drafts, edits), ``rulebook`` (published versions,
lossless import/export with policies/measures), ``cases`` and ``impact`` (what a review runs).
"""
