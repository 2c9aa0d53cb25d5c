"""The service desk on the web: 诉求, 服务包, visits (pages and API), and the routing suggestion API.

REST under /api/v1/requests, /api/v1/service-packages and /api/v1/visits (``api``), pages for
enterprises, officers and unit leaders under /desk (``pages``), thin over zhida.desk;
``routing_api`` (POST /api/v1/requests/route-suggestion) is registered by web/app.py itself."""

from __future__ import annotations


def routers():
    from zhida.web.desk import api, pages

    return [api.router, pages.router]
