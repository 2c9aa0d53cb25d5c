"""A policy's life cycle: the links documents state to each other (``links``), the validity they
change (``validity``: a repeal ends a document's measures, an extension moves their end), what
ends soon (``expiry``), and what changed between two versions of a document (``diff``), stored and
read back by ``stored``. See docs/lifecycle.md."""
