"""What a fetched page links to: documents and further listings.

A sitemap (``<urlset>``) lists documents and a sitemap index (``<sitemapindex>``) further
sitemaps; an RSS ``<item><link>`` or Atom ``<entry><link href>`` is a document. An HTML
listing page (a government site's 政策文件 column) links to documents among its navigation:
without a ``pattern`` a link is taken as a document when it stays on the site and either
points at a file (.pdf, .docx, .txt) or is a page whose link text reads like a title (six or
more Chinese characters); ``follow`` names further listing pages (the column's next pages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree, html

DOCUMENT_SUFFIXES = (".html", ".htm", ".shtml", ".pdf", ".docx", ".txt", ".md")
FILE_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
_TITLE_LIKE = re.compile(r"[\u4e00-\u9fff]{6,}")


@dataclass
class Links:
    kind: str  # sitemap, sitemapindex, feed, html
    documents: list[str] = field(default_factory=list)
    listings: list[str] = field(default_factory=list)


def links(content: bytes, base_url: str, pattern: str | None = None, follow: str | None = None) -> Links:
    head = content[:2000].lstrip()
    if head.startswith(b"<?xml") or head[:1] == b"<" and re.search(rb"<(urlset|sitemapindex|rss|feed)\b", head):
        found = _xml_links(content, base_url)
        if found is not None:
            found.documents = _keep(found.documents, pattern)
            return found
    return _html_links(content, base_url, pattern, follow)


def _xml_links(content: bytes, base_url: str) -> Links | None:
    try:
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    name = etree.QName(root).localname
    if name in ("urlset", "sitemapindex"):
        locs = [_absolute(base_url, e.text) for e in root.iter() if etree.QName(e).localname == "loc" and e.text]
        locs = [url for url in locs if url]
        return Links("sitemap", documents=locs) if name == "urlset" else Links("sitemapindex", listings=locs)
    if name == "rss":
        items = [e for e in root.iter() if etree.QName(e).localname == "item"]
        urls = [_absolute(base_url, (child.text or "").strip()) for item in items for child in item
                if etree.QName(child).localname == "link"]
        return Links("feed", documents=[url for url in urls if url])
    if name == "feed":
        entries = [e for e in root.iter() if etree.QName(e).localname == "entry"]
        urls = []
        for entry in entries:
            for child in entry:
                if etree.QName(child).localname == "link" and child.get("rel", "alternate") == "alternate":
                    urls.append(_absolute(base_url, child.get("href", "")))
        return Links("feed", documents=[url for url in urls if url])
    return None


def _html_links(content: bytes, base_url: str, pattern: str | None, follow: str | None) -> Links:
    try:
        tree = html.document_fromstring(content)
    except (etree.ParserError, ValueError):
        return Links("html")
    site = urlsplit(base_url).netloc
    documents, listings = [], []
    for anchor in tree.iter("a"):
        url = _absolute(base_url, anchor.get("href", ""))
        if not url or url == urldefrag(base_url)[0] or urlsplit(url).netloc != site:
            continue
        if follow and re.search(follow, url):
            listings.append(url)
            continue
        if pattern:
            if re.search(pattern, url):
                documents.append(url)
            continue
        path = urlsplit(url).path.lower()
        text = anchor.text_content() + (anchor.get("title") or "")
        if path.endswith(FILE_SUFFIXES) or (path.endswith(DOCUMENT_SUFFIXES) and _TITLE_LIKE.search(text)):
            documents.append(url)
    return Links("html", list(dict.fromkeys(documents)), list(dict.fromkeys(listings)))


def _keep(urls: list[str], pattern: str | None) -> list[str]:
    return list(dict.fromkeys(url for url in urls if not pattern or re.search(pattern, url)))


def _absolute(base_url: str, href: str) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
        return None
    url = urldefrag(urljoin(base_url, href))[0]
    return url if urlsplit(url).scheme in ("http", "https") else None
