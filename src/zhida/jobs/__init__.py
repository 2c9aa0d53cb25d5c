"""Background jobs shared by every process: their state in the store (``web_jobs``), leases that
expire when a process dies (``lease``), batch runs as jobs (``batch``), and the one Chinese line a
failed job shows (``errors``). The web starts and lists them; nothing here knows about HTTP."""
