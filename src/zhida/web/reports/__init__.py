"""Downloadable reports: XLSX (openpyxl) and PDF (WeasyPrint with the system's CJK fonts)."""
