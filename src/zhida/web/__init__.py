"""The web platform (FastAPI): 政策库, 企业画像/政策体检, 精准推送, 模拟测算, 覆盖度, 账户.

``create_app(database_url)`` in ``app.py`` builds the application; ``zhida serve`` runs it.
"""
