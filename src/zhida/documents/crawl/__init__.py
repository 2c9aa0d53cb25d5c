"""Ingest documents from where they are published: one URL, or a listing page / RSS / Atom feed /
sitemap that links to them.

Polite by construction (fetcher.py): robots.txt obeyed, one request per host at a time with a
pause between (the site's Crawl-delay if longer), conditional requests (ETag / Last-Modified)
for anything seen before. Resumable (state.py): every URL fetched is recorded before the next
one is asked for, so a crawl that was interrupted and run again fetches nothing twice.
Provenance: each stored document carries ``source_url`` and ``retrieved_at`` in
``metadata.extra``, and the raw bytes are kept under ``ZHIDA_HOME/crawl/files``.
"""

from zhida.documents.crawl.run import CrawlReport, crawl

__all__ = ["CrawlReport", "crawl"]
